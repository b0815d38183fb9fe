package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jettymcp.guard.Sanitizer;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.shape.SizeCap;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * Cleans and redacts the shaped answer value by value (keys included), never as serialised text: a value one
 * tenant registered can then only ever replace a whole string of its own answers, and JSON stays JSON. Then fits
 * it to the output cap and writes the result; the cap only cuts what is already redacted and adds notes made of
 * cleaned keys, so the text holds no string that was not redacted.
 *
 * @param capBytes the output cap (--output-cap); a structured result's text gets half, the other half its copy
 */
public record CleanAndRedact(ObjectMapper mapper, SizeCap cap, int capBytes) implements Step {

    /**
     * A handler's image (binary bytes under this key, beside {@code mime_type}): it leaves as an image content, not
     * as text, and so is neither cut by the cap nor redacted as text (its handler checks it holds no secret).
     */
    public static final String IMAGE = "_image";

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> {
            JsonNode shaped = clean(mapper, call.shaped, call.secrets());
            McpSchema.ImageContent image = null;
            if (shaped instanceof ObjectNode o && o.path(IMAGE).isBinary()) {
                image = new McpSchema.ImageContent(null, java.util.Base64.getEncoder().encodeToString(
                        ((com.fasterxml.jackson.databind.node.BinaryNode) o.remove(IMAGE)).binaryValue()), o.path("mime_type").asText());
            }
            boolean structured = call.spec().outputSchema() != null && shaped.isObject();
            JsonNode fitted = cap.fit(shaped, structured ? capBytes / 2 : capBytes, call.spec().output().more());
            McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder().addTextContent(cap.write(fitted))
                    .isError(false);
            if (structured) {
                b.structuredContent(mapper.convertValue(fitted, Map.class));
            }
            if (image != null) {
                b.addContent(image);
            }
            call.result = b.build();
        });
    }

    /**
     * Sanitizes, then redacts, every string (and key) in a tree; returns a new tree. In that order: a secret split by
     * an invisible character is whole again once cleaned, and only then found.
     */
    static JsonNode clean(ObjectMapper mapper, JsonNode n, TenantSecrets secrets) {
        if (n.isTextual()) {
            return TextNode.valueOf(secrets.redact(Sanitizer.clean(n.asText())));
        }
        if (n.isObject()) {
            ObjectNode o = mapper.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(secrets.redact(Sanitizer.clean(e.getKey())), clean(mapper, e.getValue(), secrets)));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = mapper.createArrayNode();
            n.forEach(c -> a.add(clean(mapper, c, secrets)));
            return a;
        }
        return n;
    }
}
