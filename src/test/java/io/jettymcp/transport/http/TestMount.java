package io.jettymcp.transport.http;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;

import java.util.List;

/** An SDK server with the given tools on Streamable HTTP and legacy SSE, for transport tests; no stateless mode. */
final class TestMount implements McpMount {

    private final McpJsonMapper mapper;
    private final List<McpServerFeatures.AsyncToolSpecification> tools;

    private TestMount(McpJsonMapper mapper, List<McpServerFeatures.AsyncToolSpecification> tools) {
        this.mapper = mapper;
        this.tools = tools;
    }

    static McpMount of(McpJsonMapper mapper, McpServerFeatures.AsyncToolSpecification... tools) {
        return new TestMount(mapper, List.of(tools));
    }

    @Override
    public AutoCloseable streamable(McpStreamableServerTransportProvider t) {
        McpAsyncServer s = McpServer.async(t).jsonMapper(mapper)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).tools(tools).build();
        return s::close;
    }

    @Override
    public AutoCloseable sse(McpServerTransportProvider t) {
        McpAsyncServer s = McpServer.async(t).jsonMapper(mapper)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).tools(tools).build();
        return s::close;
    }

    @Override
    public AutoCloseable stateless(McpStatelessServerTransport t) {
        throw new UnsupportedOperationException();
    }
}
