package io.jettymcp.transport.http;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The calls running on this replica in stateless mode, by caller and JSON-RPC id. Without sessions an id is
 * only unique per client, so a {@code notifications/cancelled} stops a call only when exactly one running call
 * of the same caller (its Jetty key, else its bearer token) has that id; anything else is ignored, as the spec
 * allows for a cancel that names no known request.
 */
final class StatelessCalls {

    private record Key(String caller, Object id) {
    }

    private final Map<Key, List<Sinks.Empty<Void>>> running = new HashMap<>();

    /**
     * Runs {@code work} as a call that a matching cancel stops: the work is cancelled (its upstream requests with
     * it) and the returned Mono completes empty.
     */
    <T> Mono<T> track(String caller, Object id, Mono<T> work) {
        return Mono.defer(() -> {
            Key key = new Key(caller, normal(id));
            Sinks.Empty<Void> stop = Sinks.empty();
            synchronized (this) {
                running.computeIfAbsent(key, k -> new ArrayList<>(1)).add(stop);
            }
            return work.takeUntilOther(stop.asMono().then(Mono.just(true)))
                    .doFinally(s -> forget(key, stop));
        });
    }

    /** @return whether the cancel stopped a call: exactly one of the caller's running calls had that id */
    boolean cancel(String caller, Object id) {
        if (id == null) {
            return false;
        }
        Sinks.Empty<Void> stop;
        synchronized (this) {
            List<Sinks.Empty<Void>> calls = running.get(new Key(caller, normal(id)));
            if (calls == null || calls.size() != 1) {
                return false;
            }
            stop = calls.get(0);
        }
        stop.tryEmitEmpty();
        return true;
    }

    synchronized int size() {
        return running.values().stream().mapToInt(List::size).sum();
    }

    private synchronized void forget(Key key, Sinks.Empty<Void> stop) {
        List<Sinks.Empty<Void>> calls = running.get(key);
        if (calls != null && calls.remove(stop) && calls.isEmpty()) {
            running.remove(key);
        }
    }

    /** JSON-RPC ids may be numbers or strings; 7 and 7L are one id, "7" another. */
    private static Object normal(Object id) {
        return id instanceof Number n ? (Object) n.longValue() : String.valueOf(id);
    }
}
