package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.ApiResponse;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.Routes;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Which collections a call may touch. {@code JETTY_COLLECTIONS} restricts locally and needs no network.
 * Without it, the key's own collection comes from whoami — where whoami answers. Its fields are
 * unverified (jetty-api.md §7 E3), so whoami never gates a call: any answer without them is "scope
 * unknown", a call naming its collection then goes to Jetty, and Jetty's own 401/403 are the authority.
 *
 * <p>One lookup per window: definitive answers are kept {@link #DEFINITIVE}, timeouts and 5xx
 * {@link #TRANSIENT}. A call waits at most {@link #BOUND} for it; a slower lookup finishes in the
 * background for later calls.
 */
public final class CollectionScope {

    public static final Duration DEFINITIVE = Duration.ofMinutes(10);
    public static final Duration TRANSIENT = Duration.ofSeconds(30);
    public static final Duration BOUND = Duration.ofSeconds(2);

    /** What whoami told about the key. */
    public record Key(State state, String scope, String identifier, String authType, String accessLevel, int status,
                      String reason) {

        public enum State {
            /** whoami answered with its fields; {@code scope} null means any collection (a user token) */
            KNOWN,
            /** whoami could not tell (absent, redirected, not JSON, no fields, 5xx, slow): {@code reason} says why */
            UNKNOWN,
            /** whoami answered 401/403 for this key */
            REJECTED
        }

        public boolean known() {
            return state == State.KNOWN;
        }

        static Key unknown(String reason) {
            return new Key(State.UNKNOWN, null, null, null, null, 0, reason);
        }
    }

    /**
     * @param names allowed collections, or null when any collection may be used (or the key's scope is unknown)
     * @param key   what whoami said; null when JETTY_COLLECTIONS made asking unnecessary
     */
    public record Allowed(Set<String> names, String keyScope, String identifier, Key key) {
        public String only() {
            return names != null && names.size() == 1 ? names.iterator().next() : null;
        }
    }

    /** One lookup: its answer once it has one, and until when (ticker nanos) that answer holds. */
    private static final class Lookup {
        final CompletableFuture<Key> answer = new CompletableFuture<>();
        volatile long expires;
    }

    private record Answer(Key key, Duration keep) {
    }

    private final Set<String> configured;
    private final JettyApi api;
    private final LongSupplier ticker;
    private final Duration bound;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Object lock = new Object();
    private Lookup current; // guarded by lock

    public CollectionScope(Set<String> configured, JettyApi api) {
        this(configured, api, System::nanoTime, BOUND);
    }

    /** @param ticker nanoseconds, for the cache windows; {@code bound} is real time */
    CollectionScope(Set<String> configured, JettyApi api, LongSupplier ticker, Duration bound) {
        this.configured = Set.copyOf(configured);
        this.api = api;
        this.ticker = ticker;
        this.bound = bound;
    }

    /** The collections a call may touch; asks whoami (cached, bounded) only without JETTY_COLLECTIONS. */
    public Mono<Allowed> allowed() {
        if (!configured.isEmpty()) {
            return Mono.just(new Allowed(configured, null, null, null));
        }
        return key().map(k -> new Allowed(k.known() && k.scope() != null ? Set.of(k.scope()) : null, k.scope(), k.identifier(), k));
    }

    /** What whoami says about the key: cached, never an error, never later than the bound. */
    public Mono<Key> key() {
        return Mono.defer(() -> Mono.fromFuture(lookup(), true)
                .timeout(bound, Mono.fromSupplier(() -> Key.unknown("whoami gave no answer within " + bound.toSeconds()
                        + " s; later calls use its answer once it comes"))));
    }

    /** The collection to use for a call: the one given (if allowed) or the only allowed one. */
    public Mono<String> resolve(String requested) {
        if (!configured.isEmpty()) {
            if (requested == null) {
                return configured.size() == 1 ? Mono.just(configured.iterator().next())
                        : Mono.error(ToolError.argument("collection", "is required; one of " + sorted(configured) + "."));
            }
            return configured.contains(requested) ? Mono.just(requested) : Mono.error(outOfScope(requested, configured, null));
        }
        return key().map(k -> {
            if (k.known() && k.scope() != null) {
                if (requested != null && !requested.equals(k.scope())) {
                    throw outOfScope(requested, Set.of(k.scope()), k.scope());
                }
                return k.scope();
            }
            if (requested != null) {
                return requested; // scope unknown (or any): Jetty decides, and its 401/403 are explained
            }
            if (k.known()) {
                throw ToolError.argument("collection", "is required; list-collections shows the collections this token can use.");
            }
            throw ToolError.argument("collection", "is required: this server cannot tell which collection the key is for ("
                    + k.reason() + "). Pass 'collection', or set JETTY_COLLECTIONS in the server's environment; "
                    + "list-collections shows the collections the key can use.");
        });
    }

    private CompletableFuture<Key> lookup() {
        synchronized (lock) {
            Lookup l = current;
            if (l == null || l.answer.isDone() && ticker.getAsLong() - l.expires >= 0) {
                Lookup fresh = new Lookup();
                current = fresh;
                // subscribed here, not by the caller: a caller that stops waiting does not cancel it
                ask().subscribe(a -> {
                    fresh.expires = ticker.getAsLong() + a.keep().toNanos();
                    fresh.answer.complete(a.key());
                });
                l = fresh;
            }
            return l.answer;
        }
    }

    private Mono<Answer> ask() {
        if (!api.token().present()) {
            return Mono.just(new Answer(Key.unknown("no token is configured"), DEFINITIVE));
        }
        // one exchange, not retried: a failing whoami must cost one request per window
        return api.exchange(ApiRequest.get(Routes.WHOAMI.path()))
                .map(this::classify)
                .onErrorResume(e -> Mono.just(new Answer(Key.unknown("whoami could not be reached ("
                        + e.getClass().getSimpleName() + ")"), TRANSIENT)));
    }

    private Answer classify(ApiResponse res) {
        int s = res.status();
        if (res.ok()) {
            JsonNode who = res.html() ? null : parse(res);
            if (who == null) {
                return new Answer(Key.unknown("whoami answered HTTP " + s + " without JSON"), DEFINITIVE);
            }
            JsonNode scope = who.get("collection_scope");
            boolean identified = who.path("identifier").isTextual() || who.path("auth_type").isTextual();
            if (scope == null || !(scope.isTextual() || scope.isNull()) || !identified) {
                return new Answer(Key.unknown("whoami answered without collection_scope and identifier"), DEFINITIVE);
            }
            return new Answer(new Key(Key.State.KNOWN, scope.isTextual() ? scope.asText() : null,
                    text(who, "identifier"), text(who, "auth_type"), text(who, "access_level"), s, null), DEFINITIVE);
        }
        if (s >= 300 && s < 400) {
            return new Answer(Key.unknown("whoami redirected (HTTP " + s + ")"), DEFINITIVE);
        }
        if ((s == 401 || s == 403) && !res.html()) {
            JsonNode body = parse(res);
            String detail = body != null && body.path("detail").isTextual() ? ": " + cap(body.get("detail").asText()) : "";
            return new Answer(new Key(Key.State.REJECTED, null, null, null, null, s, "Jetty rejected the key (HTTP " + s
                    + detail + ")"), DEFINITIVE);
        }
        if (s == 404 || s == 405) {
            return new Answer(Key.unknown("whoami is not served by this Jetty (HTTP " + s + ")"), DEFINITIVE);
        }
        if (s == 429 || s >= 500 || res.html()) {
            return new Answer(Key.unknown("whoami failed (HTTP " + s + ")"), TRANSIENT);
        }
        return new Answer(Key.unknown("whoami answered HTTP " + s), DEFINITIVE);
    }

    private JsonNode parse(ApiResponse res) {
        try {
            JsonNode n = mapper.readTree(res.body());
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private String cap(String detail) {
        return api.redactor().cut(detail.strip().replaceAll("\\s+", " "), 200);
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.get(field).asText() : null;
    }

    private static ToolError outOfScope(String requested, Set<String> names, String keyScope) {
        return new ToolError("Collection '" + requested + "' is outside this server's scope " + sorted(names)
                + (keyScope != null ? " (the token is a key for '" + keyScope + "')" : " (JETTY_COLLECTIONS)")
                + ". Use one of those; nothing was sent to Jetty.");
    }

    private static String sorted(Set<String> s) {
        return new TreeSet<>(s).toString();
    }
}
