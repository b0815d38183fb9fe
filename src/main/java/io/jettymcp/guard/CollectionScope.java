package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which collections a call may touch. The allowed set is {@code JETTY_COLLECTIONS} intersected with
 * the key's own scope, learned once from whoami (a user token has none). Out of scope is a tool
 * error before any request; with a configured list the check needs no network at all.
 */
public final class CollectionScope {

    /** @param names allowed collections, or null when any collection may be used */
    public record Allowed(Set<String> names, String keyScope, String identifier) {
        public String only() {
            return names != null && names.size() == 1 ? names.iterator().next() : null;
        }
    }

    private final Set<String> configured;
    private final Mono<Allowed> allowed;

    public CollectionScope(Set<String> configured, JettyApi api) {
        this.configured = Set.copyOf(configured);
        // cache success only: a failed whoami (network, 5xx) is tried again on the next call
        this.allowed = api.json(ApiRequest.get("/api/v1/auth/whoami"))
                .map(this::fromWhoami)
                .cache(v -> Duration.ofDays(3650), e -> Duration.ZERO, () -> Duration.ZERO);
    }

    private Allowed fromWhoami(JsonNode who) {
        String keyScope = who.path("collection_scope").isTextual() ? who.get("collection_scope").asText() : null;
        String identifier = who.path("identifier").asText(null);
        Set<String> names;
        if (keyScope == null) {
            names = configured.isEmpty() ? null : configured;
        } else if (configured.isEmpty()) {
            names = Set.of(keyScope);
        } else {
            names = configured.contains(keyScope) ? Set.of(keyScope) : Set.of();
        }
        return new Allowed(names, keyScope, identifier);
    }

    public Mono<Allowed> allowed() {
        return allowed;
    }

    /** The collection to use for a call: the one given (if allowed) or the only allowed one. */
    public Mono<String> resolve(String requested) {
        if (requested != null && !configured.isEmpty() && !configured.contains(requested)) {
            return Mono.error(outOfScope(requested, configured, null));
        }
        return allowed.map(a -> {
            if (a.names() != null && a.names().isEmpty()) {
                throw new ToolError("The token is scoped to collection '" + a.keyScope() + "', which JETTY_COLLECTIONS "
                        + sorted(configured) + " does not include: no collection can be used. Fix JETTY_COLLECTIONS or the token.");
            }
            if (requested == null) {
                if (a.only() != null) {
                    return a.only();
                }
                throw ToolError.argument("collection", "is required"
                        + (a.names() == null ? "; list-collections shows the collections this token can use."
                        : "; one of " + sorted(a.names()) + "."));
            }
            if (a.names() != null && !a.names().contains(requested)) {
                throw outOfScope(requested, a.names(), a.keyScope());
            }
            return requested;
        });
    }

    private static ToolError outOfScope(String requested, Set<String> names, String keyScope) {
        return new ToolError("Collection '" + requested + "' is outside this server's scope " + sorted(names)
                + (keyScope != null ? " (the token is a key for '" + keyScope + "')" : " (JETTY_COLLECTIONS)")
                + ". Use one of those; nothing was sent to Jetty.");
    }

    private static String sorted(Set<String> s) {
        return new TreeSet<>(s).toString();
    }
}
