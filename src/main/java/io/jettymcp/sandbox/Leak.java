package io.jettymcp.sandbox;

import java.util.Map;

/**
 * Deliberate leaks for the echoSecretsInErrors switch: upstream error texts that echo the caller's
 * bearer token and the collection's env values, so tests can prove the MCP server redacts them.
 */
final class Leak {

    private Leak() {
    }

    static String suffix(SimState state, Exchange ex) {
        StringBuilder sb = new StringBuilder();
        if (ex.bearer != null) {
            sb.append(" (request Authorization: Bearer ").append(ex.bearer).append(')');
        }
        String env = env(state.collection(ex.params.get("c")));
        if (!env.isEmpty()) {
            sb.append(" (collection environment: ").append(env).append(')');
        }
        return sb.toString();
    }

    static String env(CollectionRec c) {
        if (c == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : c.env.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }
}
