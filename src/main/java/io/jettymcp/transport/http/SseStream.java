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

/**
 * One open SSE response: the answer stream of a POST, a GET listening stream, or a legacy SSE
 * connection. Messages are buffered until the HTTP layer subscribes; emission is serialized so
 * events stay whole; after the client goes away writes are dropped quietly.
 */
final class SseStream implements McpStreamableServerTransport {

    private final McpJsonMapper mapper;
    private final Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Empty<Void> done = Sinks.empty();
    private boolean closed;

    SseStream(McpJsonMapper mapper) {
        this.mapper = mapper;
    }

    Flux<String> events() {
        return sink.asFlux();
    }

    /** The events plus an SSE comment every {@code keepAlive}, so proxies keep a quiet stream open. */
    Flux<String> events(java.time.Duration keepAlive) {
        return Flux.merge(sink.asFlux(), Flux.interval(keepAlive).map(i -> ": keep-alive\n\n").takeUntilOther(done.asMono()));
    }

    synchronized void event(String type, String data, String id) {
        if (closed) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(type).append('\n');
        for (String line : data.split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        sb.append('\n');
        sink.tryEmitNext(sb.toString());
    }

    synchronized void comment(String text) {
        if (!closed) {
            sink.tryEmitNext(": " + text + "\n\n");
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> {
            try {
                event("message", mapper.writeValueAsString(message), messageId);
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
            sink.tryEmitComplete();
            done.tryEmitEmpty();
        }
    }
}
