package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Learns the environment values of each collection a call touches and registers them with the calling
 * tenant's {@link TenantSecrets}. Jetty returns them in plaintext and may echo them in logs, outputs or error
 * details; a value can only be redacted if it is known. One read per key and collection, refreshed after
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

    // keyed by the token's fingerprint: per-request keys may see different collections. The values read are
    // kept, not registered: each tenant using the key registers them with its own set.
    private final Map<String, Mono<List<String>>> byCollection = new ConcurrentHashMap<>();
    private final Map<String, Mono<List<String>>> visibleByToken = new ConcurrentHashMap<>();

    public EnvSecrets() {
    }

    public Mono<Void> learn(JettyApi api, TenantSecrets secrets, String collection) {
        return values(api, collection).doOnNext(secrets::registerAll).then();
    }

    private Mono<List<String>> values(JettyApi api, String collection) {
        return cached(byCollection, api.token().fingerprint() + "|" + collection, () -> api
                .json(ApiRequest.get("/api/v1/collections/" + ApiRequest.segment(collection) + "/environment"))
                .map(EnvSecrets::values));
    }

    /** Learns every collection a call without a collection may read from (see the class comment). */
    public Mono<Void> learnVisible(JettyApi api, TenantSecrets secrets, CollectionScope scope) {
        return cached(visibleByToken, api.token().fingerprint(), () -> scope.allowed()
                .flatMapMany(a -> a.names() != null ? Flux.fromIterable(a.names()) : listed(api).take(MAX_VISIBLE))
                .flatMap(c -> values(api, c), PARALLEL_READS)
                .collectList()
                .map(lists -> lists.stream().flatMap(List::stream).toList()))
                .doOnNext(secrets::registerAll)
                .then();
    }

    private static Mono<List<String>> cached(Map<String, Mono<List<String>>> cache, String key,
                                             java.util.function.Supplier<Mono<List<String>>> read) {
        if (cache.size() > MAX_ENTRIES) {
            cache.clear();
        }
        return cache.computeIfAbsent(key, k -> read.get().cache(v -> REFRESH, e -> AFTER_FAILURE, () -> REFRESH))
                .onErrorResume(e -> Mono.just(List.of()));
    }

    private static Flux<String> listed(JettyApi api) {
        return api.json(ApiRequest.get("/api/v1/collections/").withQuery("limit", MAX_VISIBLE))
                .flatMapMany(Flux::fromIterable)
                .map(row -> row.path("name").asText(""))
                .filter(name -> !name.isEmpty());
    }

    /** Every value of an environment answer ({@code environment_variables: {K: v}}). */
    private static List<String> values(JsonNode envAnswer) {
        JsonNode vars = envAnswer.has("environment_variables") ? envAnswer.get("environment_variables") : envAnswer;
        List<String> out = new ArrayList<>();
        vars.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                out.add(e.getValue().asText());
            }
        });
        return out;
    }
}
