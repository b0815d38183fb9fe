package io.jettymcp.tool.chain;

import io.jettymcp.api.JettyApi;
import io.jettymcp.guard.ToolError;
import reactor.core.publisher.Mono;

/**
 * Learns who the call acts as and refuses a tool that talks to Jetty when that tenant has no key. From here on the
 * call is redacted with the tenant's set, and holds a share of its answer budget until it ends.
 */
public record RequireToken() implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> {
            call.tenant = call.context.tenant().get();
            if (call.spec().auth() && !call.tenant.api().token().present()) {
                throw new ToolError(JettyApi.NO_TOKEN);
            }
            // held from the call's first answer until it is shaped; the chain closes it when the call ends
            call.share = call.tenant.answerBudget().share();
        });
    }
}
