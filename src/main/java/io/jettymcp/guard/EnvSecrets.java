package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the environment of each collection whose free text a call returns, so its values are known before
 * that text is shown: Jetty returns them in plaintext and may echo them in logs, outputs or error details,
 * and a value can only be redacted if it is known. Nothing is cached as learned: every call needs a read
 * that started no earlier than its own upstream request (a value set a moment ago is in it). Reads are
 * shared: a call joins a read of the same key and collection that is under way and started no earlier than
 * it did. A read that fails (after the client's usual read retries) is reported, never taken as "no values":
 * the guard chain then withholds that collection's free text.
 *
 * <p>Values Jetty itself masks ({@code redacted_param_keys}) never reach us and cannot be learned: only the
 * key shapes catch them.
 */
public final class EnvSecrets {

    /** One read's outcome: the values, or why there are none (an HTTP status, or "no answer"). */
    public record Read(List<String> values, String failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    private record InFlight(long started, Mono<Read> read) {
    }

    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

    /**
     * The collection's values as read by a request that started no earlier than {@code since} (a
     * {@link System#nanoTime()}): a read under way that qualifies is joined, otherwise one is sent.
     */
    public Mono<Read> read(JettyApi api, String collection, long since) {
        String key = api.token().fingerprint() + "|" + collection;
        return Mono.defer(() -> inFlight.compute(key, (k, old) -> old != null && old.started - since >= 0
                ? old : start(k, api, collection)).read);
    }

    private InFlight start(String key, JettyApi api, String collection) {
        long started = System.nanoTime(); // taken before the request goes out: never later than its start
        InFlight[] self = new InFlight[1];
        Mono<Read> read = api.json(ApiRequest.get(Routes.ENV_GET.path(collection)))
                .map(env -> new Read(values(env), null))
                .onErrorResume(e -> Mono.just(new Read(List.of(), e instanceof JettyApiException j && j.status() >= 300
                        ? String.valueOf(j.status()) : e instanceof JettyApiException j2 && j2.status() > 0
                        ? "an answer it could not read" : "no answer")))
                .doFinally(s -> inFlight.remove(key, self[0]))
                .cache();
        self[0] = new InFlight(started, read);
        return self[0];
    }

    /** Every value of an environment answer ({@code environment_variables: {K: v}}). */
    private static List<String> values(JsonNode envAnswer) {
        JsonNode vars = envAnswer.has("environment_variables") ? envAnswer.get("environment_variables") : envAnswer;
        List<String> out = new ArrayList<>();
        vars.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                out.add(e.getValue().asText());
            } else if (!e.getValue().isNull()) {
                out.add(e.getValue().toString());
            }
        });
        return out;
    }
}
