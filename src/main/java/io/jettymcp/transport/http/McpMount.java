package io.jettymcp.transport.http;

import io.jettymcp.server.JettyMcpServer;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;

import java.time.Duration;

/**
 * Puts an MCP server on the HTTP transports: the Jetty tools in production, a fixture in the
 * conformance run. Each method starts one SDK server and returns how to close it.
 */
public interface McpMount {

    AutoCloseable streamable(McpStreamableServerTransportProvider transport);

    AutoCloseable sse(McpServerTransportProvider transport);

    AutoCloseable stateless(McpStatelessServerTransport transport);

    /**
     * The 2026-07-28 era's server (transport-neutral), served beside the legacy transports on {@code /mcp}; null
     * (the default) keeps the server legacy-only, so {@code server/discover} is not answered and clients fall back.
     */
    default io.modelcontextprotocol.modern.server.McpServer modern() {
        return null;
    }

    /** The drain time is up: waits answer "still running" now instead of being cut. */
    default void endWaits() {
    }

    static McpMount of(JettyMcpServer mcp) {
        return of(mcp, null);
    }

    /**
     * @param modernApprovalKey null: legacy only; else the 2026-07-28 era is served too (served unless {@code --protocol-era legacy}),
     *                          its approval states signed with this key
     */
    static McpMount of(JettyMcpServer mcp, byte[] modernApprovalKey) {
        return new McpMount() {
            @Override
            public io.modelcontextprotocol.modern.server.McpServer modern() {
                return modernApprovalKey != null ? mcp.startModern(modernApprovalKey) : null;
            }

            @Override
            public void endWaits() {
                mcp.endWaits();
            }

            @Override
            public AutoCloseable streamable(McpStreamableServerTransportProvider t) {
                var s = mcp.start(t);
                return () -> s.closeGracefully().block(Duration.ofSeconds(5));
            }

            @Override
            public AutoCloseable sse(McpServerTransportProvider t) {
                var s = mcp.start(t);
                return () -> s.closeGracefully().block(Duration.ofSeconds(5));
            }

            @Override
            public AutoCloseable stateless(McpStatelessServerTransport t) {
                var s = mcp.startStateless(t);
                return () -> s.closeGracefully().block(Duration.ofSeconds(5));
            }
        };
    }
}
