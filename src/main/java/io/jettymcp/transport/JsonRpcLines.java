package io.jettymcp.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * Parses one inbound JSON-RPC text into a message, or into the error answer a peer should get
 * (parse error -32700, invalid request -32600) without closing the connection. Shared by stdio and HTTP.
 */
public final class JsonRpcLines {

    public sealed interface Parsed permits Ok, Bad {
    }

    public record Ok(McpSchema.JSONRPCMessage message) implements Parsed {
    }

    /** @param error a complete JSON-RPC error response to send back */
    public record Bad(String error) implements Parsed {
    }

    private final ObjectMapper mapper;
    private final McpJsonMapper mcpMapper;

    public JsonRpcLines(ObjectMapper mapper, McpJsonMapper mcpMapper) {
        this.mapper = mapper;
        this.mcpMapper = mcpMapper;
    }

    public Parsed parse(String text) {
        if (text == null || text.isBlank()) {
            return new Bad(error(null, -32700, "Parse error: empty message; send one JSON-RPC message per line"));
        }
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (Exception e) {
            return new Bad(error(null, -32700, "Parse error: not valid JSON"));
        }
        if (node == null || !node.isObject()) {
            return new Bad(error(null, -32600, "Invalid Request: a JSON-RPC message must be a JSON object"));
        }
        JsonNode id = node.get("id");
        if (!"2.0".equals(node.path("jsonrpc").asText()) || (!node.has("method") && !node.has("result") && !node.has("error"))
                || (node.has("method") && !node.get("method").isTextual())
                || (id != null && !id.isNull() && !id.isTextual() && !id.isIntegralNumber())) {
            return new Bad(error(id, -32600, "Invalid Request: expected jsonrpc \"2.0\", a string method and a "
                    + "string or integer id"));
        }
        try {
            return new Ok(McpSchema.deserializeJsonRpcMessage(mcpMapper, text));
        } catch (Exception e) {
            return new Bad(error(id, -32600, "Invalid Request: not a valid JSON-RPC message"));
        }
    }

    /**
     * The id of a request the server will not serve, for its error answer: null when the text is no JSON object or
     * its id is neither a string nor an integer.
     */
    public JsonNode idOf(String text) {
        try {
            JsonNode node = text == null || text.isBlank() ? null : mapper.readTree(text);
            JsonNode id = node != null && node.isObject() ? node.get("id") : null;
            return id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null;
        } catch (Exception e) {
            return null;
        }
    }

    public String error(JsonNode id, int code, String message) {
        ObjectNode o = mapper.createObjectNode();
        o.put("jsonrpc", "2.0");
        if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
            o.putNull("id");
        } else {
            o.set("id", id);
        }
        o.putObject("error").put("code", code).put("message", message);
        return o.toString();
    }
}
