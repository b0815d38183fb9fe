package io.jettymcp.tool.chain;

import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Tenant;
import io.jettymcp.spec.ToolSpec;
import reactor.core.publisher.Mono;

/**
 * Resolves every collection the call touches, for the policy: the call's collection argument (given, pinned or
 * the key's own), storage paths' collections (each checked in scope), and the implicit collections of tools that
 * name none. Asks Jetty nothing but whoami, which tells the key's collection.
 *
 * @param pinned the collection the server is pinned to (JETTY_COLLECTIONS with one name), or null
 */
public record ResolveCollections(String pinned) implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return resolve(call).doOnNext(reach -> {
            call.reach = reach;
            if (call.collection != null) {
                call.args.put("collection", call.collection);
            }
        }).then();
    }

    private Mono<Policy.Reach> resolve(Call call) {
        ToolSpec spec = call.spec();
        Tenant tenant = call.tenant;
        Mono<Void> paths = Mono.empty();
        String pathCollection = null;
        for (String name : call.tool.facts().storagePaths()) {
            if (call.args.hasNonNull(name)) {
                String first = call.args.get(name).asText().split("/", 2)[0];
                paths = paths.then(tenant.scope().resolve(first).then());
                pathCollection = first;
            }
        }
        if (spec.takesCollection()) {
            String given = call.args.hasNonNull("collection") ? call.args.get("collection").asText() : pinned;
            boolean savedTask = spec.name().equals("validate-workflow") && call.args.hasNonNull("task");
            if (given != null || call.tool.facts().collectionRequired() || savedTask) {
                return paths.then(tenant.scope().resolve(given)).map(c -> {
                    call.collection = c;
                    return Policy.Reach.of(c);
                });
            }
        }
        if (pathCollection != null) {
            return paths.then(Mono.just(Policy.Reach.of(pathCollection)));
        }
        return paths.then(switch (spec.name()) {
            // an optional filter, or no prefix: the call may read each collection in scope
            case "search-tasks" -> eachInScope(tenant, "collection");
            case "list-files" -> eachInScope(tenant, "prefix");
            case "upload-file" -> keysOwn(tenant);
            case "create-collection" -> Mono.just(Policy.Reach.of(call.args.path("name").asText()));
            default -> Mono.just(Policy.Reach.NONE); // validate-workflow of a document, whoami, list-collections, templates
        });
    }

    private static Mono<Policy.Reach> eachInScope(Tenant tenant, String narrowBy) {
        return tenant.scope().allowed().map(a -> a.names() != null ? Policy.Reach.each(a.names(), narrowBy)
                : Policy.Reach.unknown(a.key() != null && a.key().known() ? "the token may read any collection"
                : "this server cannot tell the key's collection: " + a.key().reason(), narrowBy));
    }

    /** Uploads land in the key's own collection (Jetty takes it from the key): it must be in scope like any other. */
    private static Mono<Policy.Reach> keysOwn(Tenant tenant) {
        return tenant.scope().key().flatMap(k -> k.known() && k.scope() != null
                ? tenant.scope().resolve(k.scope()).map(Policy.Reach::of)
                : Mono.just(Policy.Reach.unknown(k.known() ? "the token has no collection of its own"
                : "this server cannot tell the key's collection: " + k.reason(), null)));
    }
}
