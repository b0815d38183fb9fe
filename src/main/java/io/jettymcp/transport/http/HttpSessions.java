package io.jettymcp.transport.http;

import io.jettymcp.transport.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live sessions of one stateful HTTP transport (Streamable HTTP or legacy SSE): lookup by id,
 * calls tracked so a client's cancellation can stop them, idle expiry, and shutdown.
 */
final class HttpSessions<S extends HttpSessions.Session> {

    private static final Logger log = LoggerFactory.getLogger(HttpSessions.class);

    /** What every session has, whatever the SDK session behind it. */
    abstract static class Session {
        final String id;
        /** SHA-256 of the per-request Jetty key the session was opened with (null without that mode): never the key */
        final byte[] keyHash;
        final InFlight inFlight = new InFlight();
        final AtomicInteger active = new AtomicInteger();
        volatile long lastUsed = System.nanoTime();

        Session(String id, String jettyKey) {
            this.id = id;
            this.keyHash = jettyKey == null ? null : HttpRuntime.sha256(jettyKey);
        }

        void touch() {
            lastUsed = System.nanoTime();
        }

        /** Ends the SDK side of the session. */
        abstract Mono<Void> close();

        abstract Mono<Void> notify(String method, Object params);
    }

    private final Map<String, S> byId = new ConcurrentHashMap<>();

    void add(S s) {
        byId.put(s.id, s);
    }

    S get(String id) {
        return id == null ? null : byId.get(id.trim());
    }

    int size() {
        return byId.size();
    }

    void forEach(java.util.function.Consumer<S> action) {
        byId.values().forEach(action);
    }

    /** Removes a session, stops its calls (nobody is left to read their answers) and closes it. */
    Mono<Void> end(S s) {
        if (byId.remove(s.id) == null) {
            return Mono.empty();
        }
        s.inFlight.cancelAll();
        return s.close().onErrorResume(e -> Mono.empty());
    }

    /**
     * Runs one request as a tracked call: registered under its JSON-RPC id before it starts (so a
     * cancel racing the start still finds it), counted as activity, and {@code onEnd} run however it ends.
     */
    void run(S s, Object id, String method, Mono<Void> handling, Runnable onEnd) {
        s.active.incrementAndGet();
        s.inFlight.run(id, method, handling, () -> {
            s.active.decrementAndGet();
            s.touch();
            onEnd.run();
        });
    }

    /** Ends sessions with no running call that have been idle longer than {@code idle}. */
    void expireIdle(Duration idle) {
        long now = System.nanoTime();
        byId.values().forEach(s -> {
            if (s.active.get() == 0 && now - s.lastUsed > idle.toNanos()) {
                log.debug("session expired after {} idle", idle);
                end(s).subscribe();
            }
        });
    }

    Mono<Void> closeAll() {
        return Flux.fromIterable(byId.values()).flatMap(this::end).then();
    }

    Mono<Void> notifyAll(String method, Object params) {
        return Flux.fromIterable(byId.values())
                .flatMap(s -> s.notify(method, params).onErrorResume(e -> Mono.empty()))
                .then();
    }
}
