package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Learns the environment values of each collection a call touches and registers them with the
 * {@link Redactor}. Jetty returns them in plaintext and may echo them in logs, outputs or error
 * details; a value can only be redacted if it is known. One read per collection, refreshed after
 * a while; a failed read (a key without access, a network error) never fails the call.
 *
 * <p>A call that names no collection (search-tasks across collections, list-collections, whoami)
 * may still return text from any collection the key can see, so it learns those: the scope's
 * collections, or for a key without one the first {@link #MAX_VISIBLE} that Jetty lists.
 */
public final class EnvSecrets {

    private static final Duration REFRESH = Duration.ofMinutes(10);
    /** a failed read is not tried again on every call: an unreachable env endpoint would slow them all */
    private static final Duration AFTER_FAILURE = Duration.ofMinutes(1);
    /** bounds the reads a user token (any number of collections) costs, once per {@link #REFRESH} */
    static final int MAX_VISIBLE = 20;
    private static final int PARALLEL_READS = 4;
    /** per-request keys add entries per key: past this many, start over (learning again is cheap) */
    private static final int MAX_ENTRIES = 10_000;

    private final Redactor redactor;
    // keyed by the token's fingerprint: per-request keys may see different collections
    private final Map<String, Mono<Void>> byCollection = new ConcurrentHashMap<>();
    private final Map<String, Mono<Void>> visibleByToken = new ConcurrentHashMap<>();

    public EnvSecrets(Redactor redactor) {
        this.redactor = redactor;
    }

    public Mono<Void> learn(JettyApi api, String collection) {
        return cached(byCollection, api.token().fingerprint() + "|" + collection, () -> api
                .json(ApiRequest.get("/api/v1/collections/" + ApiRequest.segment(collection) + "/environment"))
                .doOnNext(this::register)
                .then());
    }

    /** Learns every collection a call without a collection may read from (see the class comment). */
    public Mono<Void> learnVisible(JettyApi api, CollectionScope scope) {
        return cached(visibleByToken, api.token().fingerprint(), () -> scope.allowed()
                .flatMapMany(a -> a.names() != null ? Flux.fromIterable(a.names()) : listed(api).take(MAX_VISIBLE))
                .flatMap(c -> learn(api, c), PARALLEL_READS)
                .then());
    }

    private static Mono<Void> cached(Map<String, Mono<Void>> cache, String key, java.util.function.Supplier<Mono<Void>> read) {
        if (cache.size() > MAX_ENTRIES) {
            cache.clear();
        }
        return cache.computeIfAbsent(key, k -> read.get().cache(v -> REFRESH, e -> AFTER_FAILURE, () -> REFRESH))
                .onErrorResume(e -> Mono.empty());
    }

    private static Flux<String> listed(JettyApi api) {
        return api.json(ApiRequest.get("/api/v1/collections/").withQuery("limit", MAX_VISIBLE))
                .flatMapMany(Flux::fromIterable)
                .map(row -> row.path("name").asText(""))
                .filter(name -> !name.isEmpty());
    }

    /** Registers every value of an environment answer ({@code environment_variables: {K: v}}). */
    private void register(JsonNode envAnswer) {
        JsonNode vars = envAnswer.has("environment_variables") ? envAnswer.get("environment_variables") : envAnswer;
        vars.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                redactor.register(e.getValue().asText());
            }
        });
    }
}
