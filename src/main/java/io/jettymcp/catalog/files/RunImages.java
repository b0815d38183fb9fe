package io.jettymcp.catalog.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.Routes;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.chain.CleanAndRedact;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * get-run-image, the run view's app-only tool (the model never sees it): one image from Jetty storage for the view to
 * show. Only png, jpeg, gif and webp, recognised by their first bytes whatever the stored content type says (never
 * SVG, which is a document that can carry script), at most {@link #MAX_BYTES}. The path is scoped like every storage
 * path; an image whose bytes contain a secret value the caller's redaction set knows is withheld, since an image
 * cannot be redacted.
 */
final class RunImages {

    static final int MAX_BYTES = 2 * 1024 * 1024;

    private final ToolContext ctx;

    RunImages(ToolContext ctx) {
        this.ctx = ctx;
    }

    Mono<JsonNode> image(ToolCall call) {
        String path = call.str("path");
        String file = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return call.api().send(ApiRequest.get(Routes.FILE_GET.path(file))).map(res -> {
            byte[] body = res.body();
            if (body.length > MAX_BYTES) {
                throw new ToolError(path + " is " + body.length + " bytes; the run view shows images up to "
                        + MAX_BYTES / (1024 * 1024) + " MB. Open it from the run's page in the Jetty web app.");
            }
            String type = type(body);
            if (type == null) {
                throw new ToolError(path + " is not a png, jpeg, gif or webp image, the only kinds the run view shows.");
            }
            // as Latin-1 every byte is one character: a secret stored in the image (a text chunk, say) is found whole
            String asText = new String(body, StandardCharsets.ISO_8859_1);
            if (!call.secrets().redact(asText).equals(asText)) {
                throw new ToolError(path + " contains a secret value and is not shown.");
            }
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("path", path);
            o.put("mime_type", type);
            o.put("bytes", body.length);
            o.put(CleanAndRedact.IMAGE, body);
            return o;
        });
    }

    /** The image type its magic bytes say, or null. */
    static String type(byte[] b) {
        if (starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (starts(b, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(b, 'G', 'I', 'F', '8') && b.length > 5 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return "image/gif";
        }
        if (starts(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
