package io.jettymcp.server;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Puts {@link UiApps} between the SDK and a transport, per client: the SDK answers tools/list and resources/list the
 * same for everyone, so the answers are adjusted on their way out for what this session (or, without a session,
 * this request) declared in its capabilities. Answers are rewritten as SDK objects, before they are serialized.
 */
final class UiGate {

    private final UiApps apps;

    UiGate(UiApps apps) {
        this.apps = apps;
    }

    /** A session's declaration, known once its initialize request has been read. */
    private static final class Declared {
        volatile boolean ui;
    }

    /** Outgoing answers of one session, adjusted for its declaration. */
    private McpSchema.JSONRPCMessage adjust(McpSchema.JSONRPCMessage message, boolean ui) {
        if (message instanceof McpSchema.JSONRPCResponse r && r.result() != null) {
            Object adjusted = apps.answer(r.result(), ui);
            if (adjusted != r.result()) {
                return new McpSchema.JSONRPCResponse(r.jsonrpc(), r.id(), adjusted, r.error());
            }
        }
        return message;
    }

    // ---- stdio and legacy SSE: one McpServerSession per client

    McpServerTransportProvider gate(McpServerTransportProvider provider) {
        return new McpServerTransportProvider() {
            @Override
            public void setSessionFactory(McpServerSession.Factory factory) {
                provider.setSessionFactory(transport -> {
                    Declared declared = new Declared();
                    McpServerSession real = factory.create(new GatedTransport(transport, declared));
                    return new DeclaringSession(real, transport, declared);
                });
            }

            @Override
            public Mono<Void> notifyClients(String method, Object params) {
                return provider.notifyClients(method, params);
            }

            @Override
            public Mono<Void> notifyClient(String sessionId, String method, Object params) {
                return provider.notifyClient(sessionId, method, params);
            }

            @Override
            public Mono<Void> closeGracefully() {
                return provider.closeGracefully();
            }

            @Override
            public void close() {
                provider.close();
            }

            @Override
            public List<String> protocolVersions() {
                return provider.protocolVersions();
            }
        };
    }

    private class GatedTransport implements McpStreamableServerTransport {
        private final McpServerTransport inner;
        private final Declared declared;

        GatedTransport(McpServerTransport inner, Declared declared) {
            this.inner = inner;
            this.declared = declared;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return inner.sendMessage(adjust(message, declared.ui));
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
            McpSchema.JSONRPCMessage m = adjust(message, declared.ui);
            return inner instanceof McpStreamableServerTransport s ? s.sendMessage(m, messageId) : inner.sendMessage(m);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return inner.closeGracefully();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return inner.unmarshalFrom(data, typeRef);
        }

        @Override
        public List<String> protocolVersions() {
            return inner.protocolVersions();
        }
    }

    /** The SDK's session, which learns the client's declaration from its initialize request on the way in. */
    private static final class DeclaringSession extends McpServerSession {
        private final McpServerSession real;
        private final Declared declared;

        DeclaringSession(McpServerSession real, McpServerTransport transport, Declared declared) {
            super(real.getId(), Duration.ofSeconds(1), transport, request -> Mono.empty(), Map.of(), Map.of());
            this.real = real;
            this.declared = declared;
        }

        @Override
        public Mono<Void> handle(McpSchema.JSONRPCMessage message) {
            if (message instanceof McpSchema.JSONRPCRequest r && McpSchema.METHOD_INITIALIZE.equals(r.method())) {
                declared.ui = r.params() instanceof Map<?, ?> p && UiApps.declaresRaw(p.get("capabilities"));
            }
            return real.handle(message);
        }

        @Override
        public String getId() {
            return real.getId();
        }

        @Override
        public void init(McpSchema.ClientCapabilities capabilities, McpSchema.Implementation info) {
            real.init(capabilities, info);
        }

        @Override
        public void setMinLoggingLevel(McpSchema.LoggingLevel level) {
            real.setMinLoggingLevel(level);
        }

        @Override
        public boolean isNotificationForLevelAllowed(McpSchema.LoggingLevel level) {
            return real.isNotificationForLevelAllowed(level);
        }

        @Override
        public <T> Mono<T> sendRequest(String method, Object params, TypeRef<T> typeRef) {
            return real.sendRequest(method, params, typeRef);
        }

        @Override
        public Mono<Void> sendNotification(String method, Object params) {
            return real.sendNotification(method, params);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return real.closeGracefully();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    // ---- Streamable HTTP: the session is made from the initialize request, which carries the declaration

    McpStreamableServerTransportProvider gate(McpStreamableServerTransportProvider provider) {
        return new McpStreamableServerTransportProvider() {
            @Override
            public void setSessionFactory(McpStreamableServerSession.Factory factory) {
                provider.setSessionFactory(init -> {
                    McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
                    Declared declared = new Declared();
                    declared.ui = UiApps.declares(init.capabilities());
                    Mono<McpSchema.InitializeResult> result = declared.ui ? started.initResult().map(apps::forUi)
                            : started.initResult();
                    return new McpStreamableServerSession.McpStreamableServerSessionInit(
                            new GatedStreamableSession(started.session(), init, declared), result);
                });
            }

            @Override
            public Mono<Void> notifyClients(String method, Object params) {
                return provider.notifyClients(method, params);
            }

            @Override
            public Mono<Void> notifyClient(String sessionId, String method, Object params) {
                return provider.notifyClient(sessionId, method, params);
            }

            @Override
            public Mono<Void> closeGracefully() {
                return provider.closeGracefully();
            }

            @Override
            public void close() {
                provider.close();
            }

            @Override
            public List<String> protocolVersions() {
                return provider.protocolVersions();
            }
        };
    }

    /** The SDK's streamable session, whose response streams adjust what they carry. */
    private final class GatedStreamableSession extends McpStreamableServerSession {
        private final McpStreamableServerSession real;
        private final Declared declared;

        GatedStreamableSession(McpStreamableServerSession real, McpSchema.InitializeRequest init, Declared declared) {
            super(real.getId(), init.capabilities(), init.clientInfo(), Duration.ofSeconds(1), Map.of(), Map.of());
            this.real = real;
            this.declared = declared;
        }

        @Override
        public Mono<Void> responseStream(McpSchema.JSONRPCRequest request, McpStreamableServerTransport transport) {
            return real.responseStream(request, new GatedTransport(transport, declared));
        }

        @Override
        public McpStreamableServerSessionStream listeningStream(McpStreamableServerTransport transport) {
            return real.listeningStream(transport);
        }

        @Override
        public McpStreamableServerSessionStream responseStream(McpStreamableServerTransport transport) {
            return real.responseStream(new GatedTransport(transport, declared));
        }

        @Override
        public void setMinLoggingLevel(McpSchema.LoggingLevel level) {
            real.setMinLoggingLevel(level);
        }

        @Override
        public boolean isNotificationForLevelAllowed(McpSchema.LoggingLevel level) {
            return real.isNotificationForLevelAllowed(level);
        }

        @Override
        public String getId() {
            return real.getId();
        }

        @Override
        public <T> Mono<T> sendRequest(String method, Object params, TypeRef<T> typeRef) {
            return real.sendRequest(method, params, typeRef);
        }

        @Override
        public Mono<Void> sendNotification(String method, Object params) {
            return real.sendNotification(method, params);
        }

        @Override
        public Mono<Void> delete() {
            return real.delete();
        }

        @Override
        public boolean hasListeningStream() {
            return real.hasListeningStream();
        }

        @Override
        public boolean hasOpenStream() {
            return real.hasOpenStream();
        }

        @Override
        public void releaseListeningStream() {
            real.releaseListeningStream();
        }

        @Override
        public reactor.core.publisher.Flux<McpSchema.JSONRPCMessage> replay(Object lastEventId) {
            return real.replay(lastEventId);
        }

        @Override
        public Mono<Void> accept(McpSchema.JSONRPCNotification notification) {
            return real.accept(notification);
        }

        @Override
        public Mono<Void> accept(McpSchema.JSONRPCResponse response) {
            return real.accept(response);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return real.closeGracefully();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    // ---- stateless HTTP: no session; each request says for itself

    McpStatelessServerTransport gate(McpStatelessServerTransport transport) {
        return new McpStatelessServerTransport() {
            @Override
            public void setMcpHandler(McpStatelessServerHandler handler) {
                transport.setMcpHandler(new McpStatelessServerHandler() {
                    @Override
                    public Mono<McpSchema.JSONRPCResponse> handleRequest(McpTransportContext context,
                                                                         McpSchema.JSONRPCRequest request) {
                        boolean ui = UiApps.declaredInRequest(request.params());
                        return handler.handleRequest(context, request)
                                .map(r -> (McpSchema.JSONRPCResponse) adjust(r, ui));
                    }

                    @Override
                    public Mono<Void> handleNotification(McpTransportContext context,
                                                         McpSchema.JSONRPCNotification notification) {
                        return handler.handleNotification(context, notification);
                    }
                });
            }

            @Override
            public Mono<Void> closeGracefully() {
                return transport.closeGracefully();
            }

            @Override
            public void close() {
                transport.close();
            }

            @Override
            public List<String> protocolVersions() {
                return transport.protocolVersions();
            }
        };
    }
}
