package io.jettymcp.tool.chain;

import io.jettymcp.guard.Sanitizer;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.tool.ToolCall;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the handler, as the tenant with a client that shortens upstream text in its errors with the caller's own
 * set, and progress cleaned and redacted like a result. With the environment reads {@link LearnCollectionSecrets}
 * prepared, started right after the handler's first request.
 */
public record Invoke() implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.defer(() -> {
            Tenant t = call.tenant;
            Tenant redacting = new Tenant(t.api().withRedactor(t.secrets().redactor()), t.scope(), t.secrets());
            ToolCall tc = new ToolCall(call.spec(), call.args, call.collection, redacting,
                    progress(call.context.progress(), t.secrets()));
            Mono<com.fasterxml.jackson.databind.JsonNode> handled = Mono.defer(() -> call.tool.handler().handle(tc));
            if (call.ownerReads == null) {
                // shaping: never on a Reactor Netty I/O thread
                return handled.publishOn(Schedulers.boundedElastic())
                        .doOnNext(a -> call.answer = reactor.core.publisher.Signal.next(a)).then();
            }
            // zip subscribes in order: the handler's request goes first, the environment reads right after it
            return Mono.zip(handled.materialize(), call.ownerReads).doOnNext(z -> {
                call.answer = z.getT1();
                call.reads.putAll(z.getT2());
            }).then();
        });
    }

    /** Progress to the client, when it asked for it; every message redacted and cleaned like a result. */
    static ToolCall.Progress progress(ToolCall.Progress sink, TenantSecrets secrets) {
        if (sink == ToolCall.Progress.NONE) {
            return ToolCall.Progress.NONE;
        }
        return (progress, total, message) -> sink.report(progress, total,
                        message == null ? null : secrets.redact(Sanitizer.clean(message)))
                .onErrorResume(e -> Mono.empty());
    }
}
