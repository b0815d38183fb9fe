package io.jettymcp.transport.http;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One SSE stream: the answer stream of a POST, a GET listening stream, or a legacy SSE connection.
 * Messages are buffered until the HTTP layer subscribes; emission is serialized so events stay
 * whole; after the client goes away writes are dropped quietly.
 *
 * <p>A <em>resumable</em> stream (a POST's answer stream, SEP-1699) numbers its events
 * {@code <stream>.<n>} and keeps its last {@link #HISTORY} of them, so a client whose connection
 * dropped mid-call reconnects with {@code Last-Event-ID} and receives what it missed, then the rest
 * live: the call itself never stops because a connection did.
 */
final class SseStream implements McpStreamableServerTransport {

    /** Events a resumable stream keeps: progress notifications, then the answer (results are capped). */
    static final int HISTORY = 64;
    /** Sent before the server closes a stream on purpose, so the client waits this long, then resumes. */
    static final Duration RECONNECT_AFTER = Duration.ofSeconds(1);
    private static final String RETRY = "retry: " + RECONNECT_AFTER.toMillis() + "\n\n";
    private static final String END = new String("end of history");

    private record Event(long seq, String text) {
    }

    private final McpJsonMapper mapper;
    private final String streamId; // null: not resumable
    private final Sinks.Many<Event> sink;
    private final Sinks.Empty<Void> done = Sinks.empty();
    /** one per open delivery; completing it ends that delivery (server-side close) */
    private final Set<Sinks.One<String>> deliveries = new HashSet<>();
    private long seq;
    private volatile boolean closed;
    private boolean hangUpPending;
    private volatile long closedAt;

    private SseStream(McpJsonMapper mapper, String streamId, Sinks.Many<Event> sink) {
        this.mapper = mapper;
        this.streamId = streamId;
        this.sink = sink;
    }

    /** A stream that is delivered once and never resumed. */
    static SseStream live(McpJsonMapper mapper) {
        return new SseStream(mapper, null, Sinks.many().unicast().onBackpressureBuffer());
    }

    /**
     * A POST answer stream that can be resumed. With {@code primed} (clients of protocol 2025-11-25
     * and later, which skip events without data) it opens with an event carrying only an id, so even
     * a connection lost before the first message can be resumed.
     */
    static SseStream resumable(McpJsonMapper mapper, String streamId, boolean primed) {
        SseStream s = new SseStream(mapper, streamId, Sinks.many().replay().limit(HISTORY));
        if (primed) {
            s.sink.tryEmitNext(new Event(0, "id: " + streamId + ".0\ndata: \n\n"));
        }
        return s;
    }

    String streamId() {
        return streamId;
    }

    /** The events from the start: the HTTP response that opened the stream. */
    Flux<String> events() {
        return events(-1);
    }

    /** The events numbered above {@code after} (already sent ones are replayed), then the rest live. */
    Flux<String> events(long after) {
        return Flux.defer(() -> {
            Sinks.One<String> hangUp = Sinks.one();
            synchronized (this) {
                if (hangUpPending) {
                    hangUpPending = false;
                    hangUp.tryEmitValue(RETRY);
                } else {
                    deliveries.add(hangUp);
                }
            }
            Flux<String> history = sink.asFlux().filter(e -> e.seq > after).map(Event::text);
            // ends with the history, or at a hang-up; markers compared by identity, so never an event
            return Flux.merge(history.concatWith(Mono.just(END)), hangUp.asMono())
                    .takeUntil(text -> text == RETRY || text == END)
                    .filter(text -> text != END)
                    .doFinally(sig -> {
                        synchronized (this) {
                            deliveries.remove(hangUp);
                        }
                    });
        });
    }

    /** The events plus an SSE comment every {@code keepAlive}, so proxies keep a quiet stream open. */
    Flux<String> events(Duration keepAlive) {
        return Flux.merge(events(), Flux.interval(keepAlive).map(i -> ": keep-alive\n\n").takeUntilOther(done.asMono()));
    }

    /**
     * Ends the open delivery (or the next one, when the HTTP layer has not subscribed yet) with a
     * {@code retry} hint while the call goes on: the client resumes with {@code Last-Event-ID}.
     * Server-side polling (SEP-1699). The hint is sent only here because some clients (MCP Java SDK
     * 2.1.0, java-sdk#1047) fail a stream on a {@code retry:} line.
     */
    void hangUp() {
        List<Sinks.One<String>> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (deliveries.isEmpty()) {
                hangUpPending = true;
            }
            open = List.copyOf(deliveries);
            deliveries.clear();
        }
        // outside the lock and on a copy: ending a delivery runs its doFinally, which takes the lock
        open.forEach(d -> d.tryEmitValue(RETRY));
    }

    synchronized void event(String type, String data) {
        if (closed) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        if (streamId != null) {
            sb.append("id: ").append(streamId).append('.').append(++seq).append('\n');
        }
        sb.append("event: ").append(type).append('\n');
        for (String line : data.split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        sb.append('\n');
        sink.tryEmitNext(new Event(seq, sb.toString()));
    }


    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    /** The SDK's message ids are ignored: a resumable stream numbers its own events. */
    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> {
            try {
                event("message", mapper.writeValueAsString(message));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return mapper.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closedAt = System.nanoTime();
            sink.tryEmitComplete();
            done.tryEmitEmpty();
        }
    }

    /** @return whether the stream ended more than {@code retention} ago */
    boolean endedBefore(long now, Duration retention) {
        return closed && now - closedAt > retention.toNanos();
    }
}
