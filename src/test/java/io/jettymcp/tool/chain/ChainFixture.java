package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.jettymcp.shape.OutputSpec;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.BoundTool;
import io.jettymcp.tool.InProcess;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolHandler;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A probe tool (a local path, a secret, a storage path, an optional collection, a number) whose handler records each
 * call and answers what the test says, behind steps built as the server builds them, against an in-process sandbox.
 */
final class ChainFixture implements AutoCloseable {

    static final ObjectMapper M = InProcess.M;
    static final String INPUT = """
            {"type":"object","properties":{
              "collection":{"type":"string"},
              "file":{"type":"string","x-kind":"local-path"},
              "key":{"type":"string","x-kind":"secret"},
              "path":{"type":"string","x-kind":"storage-path"},
              "n":{"type":"integer"}},"additionalProperties":false}""";

    final InProcess server = InProcess.builder().build();
    final List<ToolCall> handled = new CopyOnWriteArrayList<>();
    /** what the handler answers, from its call */
    Function<ToolCall, JsonNode> answer = c -> M.createObjectNode().put("ok", true);
    Policy policy = Policy.ALLOW_ALL;
    final BoundTool tool;

    ChainFixture() {
        ObjectNode input = json(INPUT);
        ToolSpec spec = new ToolSpec("probe", "Probe", "tasks", "d", new ToolSpec.Annotations(true, false, true, true),
                input, null, null, "probe", OutputSpec.NONE, true, Map.of());
        ToolHandler h = ToolHandler.prechecked(args -> {
            if (args.path("n").asInt() == 13) {
                throw new ToolError("13 is refused before any request.");
            }
        }, call -> {
            handled.add(call);
            return Mono.just(answer.apply(call));
        });
        tool = new BoundTool(spec, input, h, null);
    }

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) M.readTree(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The steps as the server builds them (the policy read when a call runs, so a test may change it). */
    List<Step> steps() {
        return new ArrayList<>(GuardChain.steps(server.ctx(), new ArgumentValidator(),
                (s, a, r, asker) -> policy.check(s, a, r, asker), new EnvSecrets()));
    }

    /** The steps without the one named. */
    List<Step> without(String step) {
        List<Step> out = steps();
        if (!out.removeIf(s -> s.name().equals(step))) {
            throw new IllegalArgumentException("no step " + step);
        }
        return out;
    }

    McpSchema.CallToolResult call(List<Step> steps, Map<String, Object> args) {
        return call(steps, server.tenant(), tool, args);
    }

    McpSchema.CallToolResult call(List<Step> steps, Tenant as, BoundTool t, Map<String, Object> args) {
        return GuardChain.unchecked(steps).call(t, CallContext.of(() -> as, new TenantSecrets()), args)
                .block(Duration.ofSeconds(30));
    }

    static String text(McpSchema.CallToolResult r) {
        return InProcess.text(r);
    }

    @Override
    public void close() {
        server.close();
    }
}
