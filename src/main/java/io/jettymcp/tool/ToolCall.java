package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApi;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.shape.Drift;
import io.jettymcp.spec.ToolSpec;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * One validated tool call: its arguments (with {@code collection} resolved and injected), the
 * tenant it acts as, and a way to report progress when the client asked for it.
 *
 * <p>The tenant's Jetty client checks every answer against the spec's {@code reads} (installed here, so no
 * handler can read an answer the check has not seen): a drifted answer fails the call by name.
 */
public record ToolCall(ToolSpec spec, ObjectNode args, String collection, Tenant tenant, Progress progress) {

    public ToolCall {
        if (spec != null && tenant != null) {
            tenant = new Tenant(tenant.api().withAnswerCheck(Drift.checker(spec.reads())), tenant.scope(), tenant.secrets());
        }
    }

    /**
     * Where a handler reports progress. The guard chain supplies it: to the client when it gave a
     * progress token, with the message redacted and cleaned like any result (run errors quoted in
     * a message may echo secrets); otherwise nowhere.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (progress, total, message) -> Mono.empty();

        Mono<Void> report(double progress, Double total, String message);
    }

    public JettyApi api() {
        return tenant.api();
    }

    /** The tenant's redaction set: every secret value a handler reads from Jetty is registered here. */
    public TenantSecrets secrets() {
        return tenant.secrets();
    }

    public String str(String name) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    public Integer integer(String name) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? null : n.asInt();
    }

    public boolean bool(String name, boolean dflt) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? dflt : n.asBoolean();
    }

    public JsonNode node(String name) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? null : n;
    }

    public boolean has(String name) {
        return node(name) != null;
    }

    /** The items of a JSON array of strings, as text. */
    public static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Sends {@code notifications/progress} if the client gave a progress token; otherwise nothing. */
    public Mono<Void> progress(double progress, Double total, String message) {
        return this.progress.report(progress, total, message);
    }
}
