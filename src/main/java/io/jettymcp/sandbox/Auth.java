package io.jettymcp.sandbox;

import java.util.Locale;
import java.util.Map;

/** Bearer auth with the bakery's exact status codes and detail strings (jetty-api.md §1). */
final class Auth {

    static final String NOT_AUTHENTICATED = "Not authenticated";
    static final String BAD_KEY = "Invalid or inactive API key";
    static final String BAD_TOKEN = "Invalid API key or JWT token";
    static final String WRONG_COLLECTION = "API key not valid for this collection";
    static final String WRITE_REQUIRED = "Access level WRITE required.";

    private final Map<String, Principal> tokens = Map.of(
            SandboxSeeds.DEMO_TOKEN, new Principal("api_key", SandboxSeeds.DEMO_TOKEN, SandboxSeeds.DEMO, true, "demo-key"),
            SandboxSeeds.ACME_TOKEN, new Principal("api_key", SandboxSeeds.ACME_TOKEN, SandboxSeeds.ACME, true, "acme-key"),
            SandboxSeeds.USER_TOKEN, new Principal("jwt", SandboxSeeds.USER_TOKEN, null, true, "sandbox-user"),
            SandboxSeeds.READ_ONLY_USER_TOKEN,
            new Principal("jwt", SandboxSeeds.READ_ONLY_USER_TOKEN, null, false, "sandbox-reader"));

    /** The caller, or null when no Authorization header was sent; 401 for a bad one. */
    Principal optional(Exchange ex) {
        String h = ex.header("authorization");
        if (h == null || h.isBlank()) {
            return null;
        }
        return resolve(ex, h.trim());
    }

    Principal require(Exchange ex) {
        Principal p = optional(ex);
        if (p == null) {
            throw unauthenticated();
        }
        return p;
    }

    static ApiError unauthenticated() {
        return ApiError.withHeader(401, NOT_AUTHENTICATED, "WWW-Authenticate", "Bearer");
    }

    private Principal resolve(Exchange ex, String header) {
        int sp = header.indexOf(' ');
        String scheme = sp < 0 ? header : header.substring(0, sp);
        String token = sp < 0 ? "" : header.substring(sp + 1).trim();
        if (!scheme.toLowerCase(Locale.ROOT).equals("bearer") || token.isEmpty()) {
            throw unauthenticated();
        }
        ex.bearer = token;
        Principal p = tokens.get(token);
        if (p != null) {
            return p;
        }
        throw ApiError.detail(401, token.startsWith("mlc_") ? BAD_KEY : BAD_TOKEN);
    }

    /**
     * 403 when an API key names another collection. {@code exact}: the tasks router compares the
     * key's collection with the path name as an exact string, elsewhere lookups ignore case.
     */
    static void scope(Principal p, String requested, boolean exact) {
        if (p == null || !p.isApiKey()) {
            return;
        }
        boolean ok = exact ? p.scope().equals(requested) : p.scope().equalsIgnoreCase(requested);
        if (!ok) {
            throw ApiError.detail(403, WRONG_COLLECTION);
        }
    }

    static boolean canSee(Principal p, CollectionRec c) {
        return p != null && (!p.isApiKey() || p.scope().equalsIgnoreCase(c.name));
    }

    static void write(Principal p) {
        if (!p.write()) {
            throw ApiError.detail(403, WRITE_REQUIRED);
        }
    }
}
