package io.jettymcp.tool.chain;

import io.jettymcp.guard.EnvSecrets;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads the environments of the collections the answer itself names (beyond those already read), then registers
 * every value learned; a collection whose read failed is noted, so {@link Shape} withholds its free text.
 */
public record LearnAnswerCollections(EnvSecrets envSecrets) implements Step {

    @Override
    public Mono<Void> run(Call call) {
        if (call.ownerReads == null) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            Set<String> more = new LinkedHashSet<>();
            if (call.answer.hasValue()) {
                more.addAll(FreeText.named(call.answer.get()));
                more.removeAll(call.reads.keySet());
            }
            // shaping costs CPU in the answer's size: never on a Reactor Netty I/O thread, which serves every other
            // call's network traffic
            return LearnCollectionSecrets.reads(envSecrets, call.tenant, more, call.since)
                    .publishOn(Schedulers.boundedElastic())
                    .doOnNext(m -> {
                        call.reads.putAll(m);
                        call.reads.forEach((c, r) -> register(call, c, r));
                    }).then();
        });
    }

    private static void register(Call call, String collection, EnvSecrets.Read r) {
        if (r.ok()) {
            call.tenant.secrets().registerAll(r.values());
        } else {
            call.failed.put(collection, r.failure());
        }
    }
}
