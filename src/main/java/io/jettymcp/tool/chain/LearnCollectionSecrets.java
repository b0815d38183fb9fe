package io.jettymcp.tool.chain;

import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.Tenant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Prepares the reads of the environments (the secret values to hide) of every collection whose free text the
 * answer may hold: the call's collection and its storage paths'. {@link Invoke} starts them in parallel with the
 * handler, right after its first request; the values are registered before anything is shown.
 */
public record LearnCollectionSecrets(EnvSecrets envSecrets) implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> {
            if (!call.learnsSecrets()) {
                return;
            }
            call.owners = owners(call);
            call.since = System.nanoTime();
            call.ownerReads = reads(envSecrets, call.tenant, call.owners, call.since);
        });
    }

    /** The collections a call's free text belongs to before its answer is seen: its collection, its storage paths'. */
    static Set<String> owners(Call call) {
        Set<String> out = new LinkedHashSet<>();
        if (call.collection != null) {
            out.add(call.collection);
        }
        for (String name : call.tool.facts().storagePaths()) {
            if (call.args.hasNonNull(name)) {
                out.add(call.args.get(name).asText().split("/", 2)[0]);
            }
        }
        return out;
    }

    /** Reads each collection's environment (a read that started no earlier than {@code since}). */
    static Mono<Map<String, EnvSecrets.Read>> reads(EnvSecrets envSecrets, Tenant tenant, Set<String> collections, long since) {
        return Flux.fromIterable(collections)
                .flatMap(c -> envSecrets.read(tenant.api(), c, since).map(r -> Map.entry(c, r)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}
