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
 * calls tracked so a client's cancellation can stop them, the shared session cap, deadlines (idle,
 * and {@code notifications/initialized} within {@link #INITIALIZED_WITHIN}), and shutdown.
 */
final class HttpSessions<S extends HttpSessions.Session> {

    private static final Logger log = LoggerFactory.getLogger(HttpSessions.class);
    /** A session whose client has not said {@code notifications/initialized} by then ends. */
    static final Duration INITIALIZED_WITHIN = Duration.ofSeconds(60);

    /** What every session has, whatever the SDK session behind it. */
    abstract static class Session {
        final String id;
        /** SHA-256 of the per-request Jetty key the session was opened with (null without that mode): never the key */
        final byte[] keyHash;
        /** whose share of the call cap its calls count against: its Jetty key's (by hash), else its own */
        final String tenant;
        final InFlight inFlight = new InFlight();
        final AtomicInteger active = new AtomicInteger();
        volatile long created;
        volatile long lastUsed;
        /** whether the client sent a request besides initialize: at the cap, sessions that never did end first */
        volatile boolean used;
        /** whether the client sent {@code notifications/initialized} */
        volatile boolean initialized;
        /** ends this session through the transport that holds it (set when added) */
        volatile Runnable ender = () -> { };

        Session(String id, String jettyKey) {
            this.id = id;
            this.keyHash = jettyKey == null ? null : HttpRuntime.sha256(jettyKey);
            this.tenant = HttpRuntime.tenant(jettyKey, id);
        }

        /** Ends the SDK side of the session. */
        abstract Mono<Void> close();

        abstract Mono<Void> notify(String method, Object params);
    }

    private final Map<String, S> byId = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier clock;
    private final SessionCap cap;

    HttpSessions(java.util.function.LongSupplier clock, SessionCap cap) {
        this.clock = clock;
        this.cap = cap;
    }

    /**
     * Adds a session under the cap, ending the session it displaces (of either transport).
     *
     * @throws SessionCap.Full when the cap is reached and no session may be displaced
     */
    void add(S s) {
        s.created = s.lastUsed = clock.getAsLong();
        s.ender = () -> end(s).subscribe();
        HttpSessions.Session displaced = cap.admit(s);
        byId.put(s.id, s);
        if (displaced != null) {
            log.debug("session ended to make room under the session cap");
            displaced.ender.run();
        }
    }

    /** Notes {@code notifications/initialized}, which a session must see within {@link #INITIALIZED_WITHIN}. */
    static void noteInitialized(Session s, io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage msg) {
        if (msg instanceof io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification n
                && io.modelcontextprotocol.spec.McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(n.method())) {
            s.initialized = true;
        }
    }

    private static boolean overdue(Session s, long now) {
        return !s.initialized && now - s.created > INITIALIZED_WITHIN.toNanos();
    }

    void touch(Session s) {
        s.lastUsed = clock.getAsLong();
    }

    /** @return the live session with that id, or null (also for one past its initialized deadline, which ends now) */
    S get(String id) {
        S s = id == null ? null : byId.get(id.trim());
        if (s != null && overdue(s, clock.getAsLong())) {
            end(s).subscribe();
            return null;
        }
        return s;
    }

    int size() {
        return byId.size();
    }

    void forEach(java.util.function.Consumer<S> action) {
        byId.values().forEach(action);
    }

    /** Removes a session, stops its calls (nobody is left to read their answers) and closes it. */
    Mono<Void> end(S s) {
        cap.remove(s);
        if (!byId.remove(s.id, s)) {
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
        s.used = true;
        s.inFlight.run(id, method, handling, () -> {
            s.active.decrementAndGet();
            touch(s);
            onEnd.run();
        });
    }

    /**
     * Ends sessions with no running call that have been idle longer than {@code idle}, and sessions
     * whose client never said {@code notifications/initialized} within {@link #INITIALIZED_WITHIN}.
     */
    void expireIdle(Duration idle) {
        long now = clock.getAsLong();
        byId.values().forEach(s -> {
            if (overdue(s, now)) {
                log.debug("session ended: no notifications/initialized within {}", INITIALIZED_WITHIN);
                end(s).subscribe();
            } else if (s.active.get() == 0 && now - s.lastUsed > idle.toNanos()) {
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
