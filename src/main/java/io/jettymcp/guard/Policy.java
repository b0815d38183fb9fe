package io.jettymcp.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.spec.ToolSpec;
import reactor.core.publisher.Mono;

import java.util.Set;

/**
 * The policy step of the guard chain, after scope and before any request: allow, deny, or ask the person
 * (deny beats approval beats allow). Completes empty to allow; errors with a {@link ToolError} to refuse.
 */
@FunctionalInterface
public interface Policy {

    Policy ALLOW_ALL = (spec, args, reach, asker) -> Mono.empty();

    /**
     * @param args  the arguments as the person may see them: secret values replaced, the caller's secrets masked
     * @param asker asks the person when a rule requires approval
     */
    Mono<Void> check(ToolSpec spec, ObjectNode args, Reach reach, ApprovalAsker asker);

    /**
     * The collections a call touches, resolved before the policy step, named or not: none (whoami,
     * list-collections, step templates), one, each of several (a call that may read every collection in
     * scope, such as search-tasks without {@code collection}), or unknown, with why.
     *
     * @param several  whether the call may read each of {@code collections} rather than exactly one
     * @param unknown  why the collection cannot be told; null when it can
     * @param narrowBy the argument that narrows a call that may read several or unknown collections to one
     */
    record Reach(Set<String> collections, boolean several, String unknown, String narrowBy) {

        public static final Reach NONE = new Reach(Set.of(), false, null, null);

        public Reach {
            collections = Set.copyOf(collections);
        }

        public static Reach of(String collection) {
            return new Reach(Set.of(collection), false, null, null);
        }

        /** A call that may read any of {@code collections}; {@code narrowBy} names the argument that picks one. */
        public static Reach each(Set<String> collections, String narrowBy) {
            return collections.size() == 1 ? of(collections.iterator().next())
                    : new Reach(collections, true, null, narrowBy);
        }

        public static Reach unknown(String why, String narrowBy) {
            return new Reach(Set.of(), false, why, narrowBy);
        }

        public boolean known() {
            return unknown == null;
        }

        /** The one collection, or null. */
        public String single() {
            return known() && !several && collections.size() == 1 ? collections.iterator().next() : null;
        }
    }
}
