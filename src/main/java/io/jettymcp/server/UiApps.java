package io.jettymcp.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.tool.BoundTool;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MCP Apps extension ({@code io.modelcontextprotocol/ui}, stable 2026-01-26): two views, {@code ui://jetty/run}
 * and {@code ui://jetty/workflow}, linked from the tools whose results they show, and the app-only tools the views
 * call through the host. All of it only for a client that declares the extension: every other client gets exactly
 * the tool list, resources and results it got before ({@code UiGateTest}). What the views call goes through the
 * guard chain like any tool call.
 */
public final class UiApps {

    static final String EXTENSION = "io.modelcontextprotocol/ui";
    static final String MIME = "text/html;profile=mcp-app";
    static final String RUN = "ui://jetty/run";
    static final String WORKFLOW = "ui://jetty/workflow";
    /** Where a request without a session (SEP-2575, the 2026-07-28 era) carries its client's capabilities. */
    static final String REQUEST_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    /** Tools the views call and the model never sees ({@code _meta.ui.visibility: ["app"]}). */
    public static final Set<String> APP_ONLY = Set.of("get-run-image");
    private static final Map<String, String> VIEW_OF = Map.of("get-trajectory", RUN, "wait-for-trajectory", RUN,
            "run-task", RUN, "get-task", WORKFLOW, "validate-workflow", WORKFLOW);

    private final Map<String, McpSchema.Tool> appOnly = new LinkedHashMap<>();
    private final ObjectMapper mapper;

    UiApps(List<BoundTool> tools, ObjectMapper mapper) {
        this.mapper = mapper;
        for (BoundTool t : tools) {
            if (APP_ONLY.contains(t.spec().name())) {
                appOnly.put(t.spec().name(), withUi(t.definition(), Map.of("visibility", List.of("app"))));
            }
        }
    }

    // ---- who declared the extension

    /** From initialize's capabilities (or a request's): the extension, with our MIME type when it lists MIME types. */
    static boolean declares(Map<String, ?> extensions) {
        if (extensions == null || !(extensions.get(EXTENSION) instanceof Map<?, ?> ui)) {
            return false;
        }
        return !(ui.get("mimeTypes") instanceof List<?> types) || types.contains(MIME);
    }

    static boolean declares(McpSchema.ClientCapabilities caps) {
        return caps != null && declares(caps.extensions());
    }

    /** From a raw capabilities object (initialize params, or a request's _meta). */
    static boolean declaresRaw(Object capabilities) {
        return capabilities instanceof Map<?, ?> caps && caps.get("extensions") instanceof Map<?, ?> ext
                && declares(stringKeys(ext));
    }

    /** A session's declaration, else the request's own (no session: stateless HTTP). */
    static boolean declaredBy(McpAsyncServerExchange exchange, Map<String, Object> requestMeta) {
        return (exchange != null && declares(exchange.getClientCapabilities()))
                || (requestMeta != null && declaresRaw(requestMeta.get(REQUEST_CAPABILITIES)));
    }

    /** A raw JSON-RPC request's declaration, from its params' _meta. */
    static boolean declaredInRequest(Object params) {
        return params instanceof Map<?, ?> p && p.get("_meta") instanceof Map<?, ?> meta
                && declaresRaw(meta.get(REQUEST_CAPABILITIES));
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    // ---- what changes for a client that declared it

    boolean isAppOnly(String tool) {
        return APP_ONLY.contains(tool);
    }

    boolean isLinked(String tool) {
        return VIEW_OF.containsKey(tool);
    }

    /** The list a declaring client gets: views linked on their tools, the app-only tools added. */
    McpSchema.ListToolsResult forUi(McpSchema.ListToolsResult today) {
        List<McpSchema.Tool> tools = new ArrayList<>();
        for (McpSchema.Tool t : today.tools()) {
            String view = VIEW_OF.get(t.name());
            tools.add(view == null ? t : withUi(t, Map.of("resourceUri", view)));
        }
        tools.addAll(appOnly.values());
        return new McpSchema.ListToolsResult(tools, today.nextCursor(), today.meta());
    }

    /** Resources: the views only for a declaring client. */
    McpSchema.ListResourcesResult resources(McpSchema.ListResourcesResult all, boolean ui) {
        if (ui) {
            return all;
        }
        List<McpSchema.Resource> today = all.resources().stream().filter(r -> !r.uri().startsWith("ui://")).toList();
        return new McpSchema.ListResourcesResult(today, all.nextCursor(), all.meta());
    }

    /** The server's side of the handshake: it offers the extension to a client that declared it. */
    McpSchema.InitializeResult forUi(McpSchema.InitializeResult r) {
        Map<String, Map<String, Object>> ext = new LinkedHashMap<>();
        if (r.capabilities().extensions() != null) {
            ext.putAll(r.capabilities().extensions());
        }
        ext.put(EXTENSION, Map.of("mimeTypes", List.of(MIME)));
        McpSchema.ServerCapabilities c = r.capabilities();
        return new McpSchema.InitializeResult(r.protocolVersion(), new McpSchema.ServerCapabilities(c.completions(),
                c.experimental(), c.logging(), c.prompts(), c.resources(), c.tools(), ext), r.serverInfo(),
                r.instructions(), r.meta());
    }

    /** Rewrites one answer for a client, by its type; anything else passes as it is. */
    Object answer(Object result, boolean ui) {
        if (result instanceof McpSchema.ListResourcesResult r) {
            return resources(r, ui);
        }
        if (!ui) {
            return result;
        }
        if (result instanceof McpSchema.ListToolsResult r) {
            return forUi(r);
        }
        if (result instanceof McpSchema.InitializeResult r) {
            return forUi(r);
        }
        return result;
    }

    /** A linked tool's result for a view: the same JSON text, also as structuredContent. */
    McpSchema.CallToolResult withStructuredContent(McpSchema.CallToolResult r) {
        if (Boolean.TRUE.equals(r.isError()) || r.structuredContent() != null || r.content().size() != 1
                || !(r.content().get(0) instanceof McpSchema.TextContent text)) {
            return r;
        }
        try {
            Object parsed = mapper.readValue(text.text(), Object.class);
            return parsed instanceof Map<?, ?> ? new McpSchema.CallToolResult(r.content(), r.isError(), parsed, r.meta()) : r;
        } catch (IOException notJson) {
            return r;
        }
    }

    /** What the SDK answers for a tool it does not know: the app-only tools look the same to other clients. */
    static McpError unknownTool(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: invalid_tool_name")
                .data("Tool not found: " + name).build();
    }

    // ---- the views

    List<McpServerFeatures.AsyncResourceSpecification> views() {
        return List.of(view(RUN, "run", "Jetty run", "A run's status, steps, outputs and labels, kept up to date."),
                view(WORKFLOW, "workflow", "Jetty workflow", "A workflow's steps in run order with their wiring."));
    }

    private McpServerFeatures.AsyncResourceSpecification view(String uri, String name, String title, String description) {
        McpSchema.Resource r = McpSchema.Resource.builder().uri(uri).name(name).title(title).description(description)
                .mimeType(MIME).build();
        // read when a view is asked for, not at start-up: most clients never ask
        return new McpServerFeatures.AsyncResourceSpecification(r, (exchange, request) -> {
            if (!declaredBy(exchange, request.meta())) {
                return Mono.error(McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND).message("Resource not found")
                        .data(Map.of("uri", uri)).build());
            }
            // no network of any kind: the default CSP of the extension (nothing declared) is what the views need
            Map<String, Object> meta = Map.of("ui", Map.of("prefersBorder", true));
            return Mono.just(new McpSchema.ReadResourceResult(List.of(
                    new McpSchema.TextResourceContents(uri, MIME, html(name), meta))));
        });
    }

    static String html(String view) {
        try (InputStream in = UiApps.class.getResourceAsStream("/io/jettymcp/apps/" + view + ".html")) {
            if (in == null) {
                throw new IllegalStateException("the " + view + " view is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static McpSchema.Tool withUi(McpSchema.Tool t, Map<String, Object> ui) {
        Map<String, Object> meta = new LinkedHashMap<>();
        if (t.meta() != null) {
            meta.putAll(t.meta());
        }
        meta.put("ui", ui);
        return new McpSchema.Tool(t.name(), t.title(), t.description(), t.inputSchema(), t.outputSchema(),
                t.annotations(), meta, t.icons());
    }
}
