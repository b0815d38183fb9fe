package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.AnswerBudget;
import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.BoundTool;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One call on its way through the {@link GuardChain}: what it came with, and what each step found out, in the
 * order the steps run. Each field is set by the step named beside it and read by later ones only.
 */
public final class Call {

    final BoundTool tool;
    final CallContext context;
    final Map<String, Object> arguments;

    /** {@link Validate}: the arguments as JSON ({@code collection} injected by {@link ResolveCollections}). */
    ObjectNode args;
    /** {@link RequireToken}: who the call acts as, and its share of the tenant's answer budget. */
    Tenant tenant;
    AnswerBudget.Share share;
    /** {@link ResolveCollections}: the call's collection argument (or null), and every collection it touches. */
    String collection;
    Policy.Reach reach;
    /** {@link LearnCollectionSecrets}: whose free text the answer may hold, and their environments' reads (not yet started). */
    Set<String> owners = Set.of();
    long since;
    Mono<Map<String, EnvSecrets.Read>> ownerReads;
    /** {@link Invoke}: the handler's answer or error; the reads done so far ({@link LearnAnswerCollections} adds). */
    Signal<JsonNode> answer;
    final Map<String, EnvSecrets.Read> reads = new LinkedHashMap<>();
    /** {@link LearnAnswerCollections}: collections whose environment could not be read, with why. */
    final Map<String, String> failed = new LinkedHashMap<>();
    /** {@link Shape}: the answer projected, free text of unchecked collections withheld. */
    JsonNode shaped;
    /** {@link CleanAndRedact}: what the caller gets. */
    McpSchema.CallToolResult result;

    public Call(BoundTool tool, CallContext context, Map<String, Object> arguments) {
        this.tool = tool;
        this.context = context;
        this.arguments = arguments;
    }

    ToolSpec spec() {
        return tool.spec();
    }

    /** The set this call's text is redacted with: its tenant's, or the server's own before the tenant is known. */
    TenantSecrets secrets() {
        return tenant != null ? tenant.secrets() : context.serverSecrets();
    }

    /** Whether the chain reads the environments of the collections whose free text the answer may hold. */
    boolean learnsSecrets() {
        // the environment tools read (and register) the values themselves and answer with names only
        return spec().auth() && !spec().toolset().equals("environment");
    }

    /** The call's first owner: the collection its own free text belongs to. */
    String owner() {
        return owners.isEmpty() ? null : owners.iterator().next();
    }

    public McpSchema.CallToolResult result() {
        return result;
    }
}
