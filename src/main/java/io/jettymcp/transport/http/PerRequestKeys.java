package io.jettymcp.transport.http;

import io.jettymcp.api.JettyApi;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Secrets;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Per-user Jetty keys ({@code --per-request-key}): each session (or, stateless, each request) brings
 * its own key in {@value #HEADER}. A key is asked about with whoami when first seen: a 401/403 refuses
 * it; when whoami cannot tell (absent, no fields, 5xx, slow: jetty-api.md §7 E3) the key is admitted
 * provisionally and Jetty's own 401/403 on the call are the authority. The tenant (client with that
 * key, its scope, its redaction set) is kept for {@link #TTL} under a hash of the key; a fresh tenant after
 * that keeps the key's redaction set, so nothing it learned or was given is dropped. Keys are held in
 * memory only, never logged, and registered with their own tenant's set only once Jetty answered a request
 * on them with a 2xx (a rejected string must not be masked in later outputs).
 */
public final class PerRequestKeys implements Function<McpAsyncServerExchange, Tenant> {

    public static final String HEADER = "X-Jetty-Api-Key";
    public static final String CONTEXT_KEY = Tenant.KEY_IN_TRANSPORT_CONTEXT;
    static final Duration TTL = CollectionScope.DEFINITIVE;

    /** A key that cannot be used: HTTP status and what to do. */
    static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private record Entry(Tenant tenant, long expires) {
    }

    private final JettyApi template;
    private final java.util.Set<String> configured;
    private final Secrets secrets;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    /**
     * @param template a client for the Jetty API; its token is replaced by each request's key
     * @param secrets  where each key's tenant gets its redaction set
     */
    public PerRequestKeys(JettyApi template, java.util.Set<String> configuredCollections, Secrets secrets) {
        this.template = template;
        this.configured = java.util.Set.copyOf(configuredCollections);
        this.secrets = secrets;
    }

    /** Asks whoami about a key (cached, bounded); emits the key, or fails with {@link Refused} when Jetty rejected it. */
    Mono<String> admit(String key) {
        if (key == null || key.isBlank()) {
            return Mono.error(new Refused(401, "This server uses per-user Jetty keys: send your Jetty API key in the "
                    + HEADER + " header (not in Authorization)."));
        }
        String k = key.trim();
        if (fresh(k) != null) {
            return Mono.just(k);
        }
        Tenant candidate = newTenant(k);
        return candidate.scope().key().flatMap(who -> {
            if (who.state() == CollectionScope.Key.State.REJECTED) {
                return Mono.error(new Refused(401, "Jetty rejected the key in " + HEADER + " (HTTP " + who.status()
                        + "); check it at jetty.io and send a valid key."));
            }
            remember(k, candidate); // known, or provisional: the call's own answer decides
            return Mono.just(k);
        });
    }

    /** The tenant for a call: the key bound to its session (or carried by its request). */
    @Override
    public Tenant apply(McpAsyncServerExchange exchange) {
        Object key = exchange.transportContext() == null ? null : exchange.transportContext().get(CONTEXT_KEY);
        if (!(key instanceof String k)) {
            throw new ToolError("No Jetty key came with this request: send it in the " + HEADER + " header.");
        }
        return tenant(k);
    }

    /** The tenant of an admitted key; after {@link #TTL} a fresh one, whose scope asks whoami again. */
    Tenant tenant(String key) {
        Entry e = fresh(key);
        if (e != null) {
            return e.tenant;
        }
        Tenant t = newTenant(key);
        remember(key, t);
        return t;
    }

    private Entry fresh(String key) {
        Entry e = cache.get(hash(key));
        return e == null || System.nanoTime() - e.expires > 0 ? null : e;
    }

    /** A tenant for the key, with the redaction set the key had (an expired entry's), or a new one. */
    private Tenant newTenant(String key) {
        Entry old = cache.get(hash(key));
        TenantSecrets set = old != null ? old.tenant.secrets() : secrets.newTenant();
        JettyApi api = template.withToken(new Token(key, HEADER), () -> set.registerKey(key));
        return new Tenant(api, new CollectionScope(configured, api), set);
    }

    private void remember(String key, Tenant t) {
        long now = System.nanoTime();
        cache.put(hash(key), new Entry(t, now + TTL.toNanos()));
        if (cache.size() > 10_000) {
            cache.values().removeIf(x -> now - x.expires > 0);
        }
    }

    static String hash(String key) {
        return Token.fingerprint(key);
    }
}
