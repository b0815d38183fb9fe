package io.jettymcp.transport;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * MCP over stdin/stdout, one session. Unlike the SDK's provider it keeps reading after a blank or
 * malformed line (answering a JSON-RPC error), honours {@code notifications/cancelled}, and calls
 * {@code onEnd} when input ends so the process can exit promptly.
 */
public final class StdioTransport implements McpServerTransportProvider {

    private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);
    public static final int MAX_LINE_CHARS = 16 * 1024 * 1024;

    private final McpJsonMapper mcpMapper;
    private final JsonRpcLines lines;
    private final InputStream in;
    private final OutputStream out;
    private final Runnable onEnd;
    private final InFlight inFlight = new InFlight();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Scheduler writer = Schedulers.newSingle("stdio-out", true);
    private volatile McpServerSession session;

    public StdioTransport(McpJsonMapper mcpMapper, JsonRpcLines lines, InputStream in, OutputStream out, Runnable onEnd) {
        this.mcpMapper = mcpMapper;
        this.lines = lines;
        this.in = in;
        this.out = out;
        this.onEnd = onEnd;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        this.session = factory.create(new SessionTransport());
        Thread reader = new Thread(this::readLoop, "stdio-in");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            boolean overflow = false;
            int c;
            while ((c = r.read()) != -1 && !closing.get()) {
                if (c == '\n') {
                    if (overflow) {
                        write(lines.error(null, -32700, "Parse error: message longer than " + MAX_LINE_CHARS + " characters"));
                    } else {
                        String text = line.toString();
                        if (!text.endsWith("\r") || !text.strip().isEmpty()) {
                            dispatch(text.strip());
                        }
                    }
                    line.setLength(0);
                    overflow = false;
                } else if (!overflow) {
                    if (line.length() >= MAX_LINE_CHARS) {
                        overflow = true;
                        line.setLength(0);
                        line.trimToSize();
                    } else {
                        line.append((char) c);
                    }
                }
            }
            if (line.length() > 0 && !overflow) {
                dispatch(line.toString().strip());
            }
        } catch (IOException e) {
            log.debug("stdin closed: {}", e.getMessage());
        } finally {
            end();
        }
    }

    private void dispatch(String text) {
        JsonRpcLines.Parsed parsed = lines.parse(text);
        if (parsed instanceof JsonRpcLines.Bad bad) {
            write(bad.error());
            return;
        }
        McpSchema.JSONRPCMessage msg = ((JsonRpcLines.Ok) parsed).message();
        if (msg instanceof McpSchema.JSONRPCNotification n && "notifications/cancelled".equals(n.method())) {
            Object id = n.params() instanceof Map<?, ?> p ? p.get("requestId") : null;
            if (id != null && inFlight.cancel(id)) {
                log.debug("cancelled request {}", id);
            }
            return;
        }
        Mono<Void> handling = session.handle(msg)
                .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, McpTransportContext.create(Map.of("transport", "stdio"))));
        if (msg instanceof McpSchema.JSONRPCRequest req) {
            Object id = req.id();
            // registered before it starts, so a call that ends at once cannot leave a stale entry behind
            Disposable.Swap slot = Disposables.swap();
            inFlight.put(id, slot);
            slot.update(handling.doFinally(s -> inFlight.done(id))
                    .subscribe(v -> { }, e -> log.warn("request failed: {}", e.toString())));
        } else {
            handling.subscribe(v -> { }, e -> log.warn("message failed: {}", e.toString()));
        }
    }

    private void end() {
        if (closing.compareAndSet(false, true)) {
            log.debug("input ended; shutting down");
            inFlight.cancelAll();
            McpServerSession s = session;
            Mono<Void> close = s == null ? Mono.empty() : s.closeGracefully();
            close.timeout(Duration.ofSeconds(1)).onErrorResume(e -> Mono.empty()).block();
            onEnd.run();
        }
    }

    private void write(String json) {
        synchronized (out) {
            try {
                out.write(json.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                if (!closing.get()) {
                    log.warn("stdout closed: {}", e.getMessage());
                }
            }
        }
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession s = session;
        return s == null ? Mono.empty() : s.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        McpServerSession s = session;
        return s == null ? Mono.empty() : s.closeGracefully();
    }

    private final class SessionTransport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            // one writer thread keeps messages whole and in order, and never blocks a handler
            return Mono.fromRunnable(() -> {
                try {
                    write(mcpMapper.writeValueAsString(message));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).subscribeOn(writer).then();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return mcpMapper.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }
    }
}
