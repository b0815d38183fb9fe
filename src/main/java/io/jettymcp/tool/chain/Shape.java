package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.guard.ToolError;
import io.jettymcp.shape.Projection;
import io.jettymcp.shape.OutputSpec;
import reactor.core.publisher.Mono;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Projects the answer to the fields the spec keeps and withholds the free text of every collection whose secrets
 * could not be checked. A handler's error goes on as the call's error; when Jetty's answer to it is a
 * collection's free text and that collection's secrets could not be checked, its details are withheld too.
 */
public record Shape(Projection projection) implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> {
            String owner = call.owner();
            if (call.answer.isOnError()) {
                Throwable e = call.answer.getThrowable();
                // an error answer's detail is the collection's free text; our own reports (drift) are not
                // (a key refused the collection itself, 401/403/404, is told so: nothing of it was read)
                if (e instanceof JettyApiException j && j.status() >= 300 && owner != null && call.failed.containsKey(owner)
                        && !Set.of(401, 403, 404).contains(j.status())) {
                    throw new ToolError("Jetty answered HTTP " + j.status() + "; its details are "
                            + FreeText.marker(owner, call.failed.get(owner)) + ".");
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            OutputSpec out = call.spec().output();
            boolean full = out.fullArg() != null && call.args.path(out.fullArg()).asBoolean(false);
            JsonNode projected = projection.apply(out, call.answer.get(), full);
            if (!call.failed.isEmpty()) {
                projected = FreeText.withhold(projected, owner, call.failed);
                if (projected instanceof ObjectNode o) {
                    o.put("withheld", "Free text from collection(s) " + call.failed.keySet() + " is withheld: their "
                            + "environment (the secret values to hide) could not be read ("
                            + String.join(", ", new LinkedHashSet<>(call.failed.values()))
                            + "). Read tools show it once that read succeeds.");
                }
            }
            call.shaped = projected;
        });
    }
}
