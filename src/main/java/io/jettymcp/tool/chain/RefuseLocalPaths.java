package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.guard.ToolError;
import reactor.core.publisher.Mono;

/**
 * Over HTTP a local path would name the server's disk, not the caller's: refused unless --files-root was given.
 *
 * @param allowed whether this server reads local files (stdio, or an explicit --files-root)
 */
public record RefuseLocalPaths(boolean allowed) implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> {
            if (allowed) {
                return;
            }
            for (String name : call.tool.facts().localPaths()) {
                JsonNode v = call.args.get(name);
                if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty())) {
                    throw ToolError.argument(name, "names a local file, which this server refuses over HTTP: the path "
                            + "would be read on the server's machine, not yours. Pass the content inline where the tool "
                            + "allows it, or start the server with --files-root DIR to allow files under DIR");
                }
            }
        });
    }
}
