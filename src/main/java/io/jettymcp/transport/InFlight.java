package io.jettymcp.transport;

import reactor.core.Disposable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests a session is still handling, by JSON-RPC id. The SDK ignores
 * {@code notifications/cancelled}; disposing the handling subscription here stops the handler's
 * whole chain (polling, uploads, the HTTP request itself) and suppresses the response, as the spec asks.
 */
public final class InFlight {

    private final Map<Object, Disposable> byId = new ConcurrentHashMap<>();

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

    public int size() {
        return byId.size();
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
