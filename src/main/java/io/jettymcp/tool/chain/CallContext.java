package io.jettymcp.tool.chain;

import io.jettymcp.guard.ApprovalAsker;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.tool.ToolCall;
import reactor.core.publisher.Mono;

import java.util.function.Supplier;

/**
 * What a call needs from the protocol it came in on, and nothing of that protocol: the server adapts each
 * protocol's request (an MCP exchange today, the 2026-07-28 era's next) to this, so every step works for both.
 *
 * @param tenant        who the call acts as; asked for by {@link RequireToken}, after the arguments are checked, so a
 *                      call with bad arguments is refused first whoever makes it
 * @param serverSecrets the server's own secrets (its Jetty and HTTP tokens), with nothing of any caller's: what
 *                      redacts a failure that comes before the tenant is known
 * @param progress      where progress goes, raw (the chain cleans and redacts each message); {@link ToolCall.Progress#NONE}
 *                      when the client asked for none
 * @param approval      asks the person when the policy requires approval
 * @param cancelled     completes when the protocol cancels the call; an MCP call is cancelled by disposing its
 *                      subscription instead, and passes {@link Mono#never()}
 */
public record CallContext(Supplier<Tenant> tenant, TenantSecrets serverSecrets, ToolCall.Progress progress,
                          ApprovalAsker approval, Mono<Void> cancelled) {

    /** A call with no progress, no one to ask and no cancellation but disposal (in-process callers, tests). */
    public static CallContext of(Supplier<Tenant> tenant, TenantSecrets serverSecrets) {
        return new CallContext(tenant, serverSecrets, ToolCall.Progress.NONE, ApprovalAsker.NONE, Mono.never());
    }
}
