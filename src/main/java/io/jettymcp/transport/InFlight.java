package io.jettymcp.transport;

import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests a session is still handling, by JSON-RPC id. The SDK ignores
 * {@code notifications/cancelled}; disposing the handling subscription here stops the handler's
 * whole chain (polling, uploads, the HTTP request itself) and suppresses the response, as the spec asks.
 */
public final class InFlight {

    private static final Logger log = LoggerFactory.getLogger(InFlight.class);

    private final Map<Object, Disposable> byId = new ConcurrentHashMap<>();

    /**
     * Runs one request's handling as a tracked call: registered under its JSON-RPC id before it
     * starts (so a cancel racing the start still finds it, and a call that ends at once leaves no
     * stale entry), with {@code onEnd} run however it ends.
     */
    public void run(Object id, String method, Mono<Void> handling, Runnable onEnd) {
        Disposable.Swap slot = Disposables.swap();
        put(id, slot);
        slot.update(handling.doFinally(sig -> {
            done(id);
            onEnd.run();
        }).subscribe(v -> { }, e -> log.warn("request {} failed: {}", method, e.toString())));
    }

    /**
     * {@code notifications/cancelled} is handled here, never by the SDK (which ignores it).
     *
     * @return whether {@code msg} was one; the request it names is cancelled if still running
     */
    public boolean cancelIfAsked(McpSchema.JSONRPCMessage msg) {
        if (!(msg instanceof McpSchema.JSONRPCNotification n) || !"notifications/cancelled".equals(n.method())) {
            return false;
        }
        Object id = n.params() instanceof Map<?, ?> p ? p.get("requestId") : null;
        if (id != null && cancel(id)) {
            log.debug("cancelled request {}", id);
        }
        return true;
    }

    public void put(Object id, Disposable d) {
        byId.put(key(id), d);
    }

    public void done(Object id) {
        byId.remove(key(id));
    }

    /** @return whether a request with that id was running */
    public boolean cancel(Object id) {
        Disposable d = byId.remove(key(id));
        if (d != null) {
            d.dispose();
            return true;
        }
        return false;
    }

    public void cancelAll() {
        byId.values().forEach(Disposable::dispose);
        byId.clear();
    }

    /** JSON-RPC ids may be numbers or strings; 7 and 7L must match. */
    private static Object key(Object id) {
        return id instanceof Number n ? (Object) n.longValue() : String.valueOf(id);
    }
}
