package io.jettymcp.sandbox;

/** Tokens and names of the seeded sandbox world. Constants only. */
public final class SandboxSeeds {

    /** Collection-scoped API key for "demo". */
    public static final String DEMO_TOKEN = "mlc_sandboxDemoKey7f3a9c21e4b8d05f";
    /** Collection-scoped API key for "acme". */
    public static final String ACME_TOKEN = "mlc_sandboxAcmeKey0b1c2d3e4f5a6b7c";
    /** JWT-like user token: no collection scope, WRITE on every collection. */
    public static final String USER_TOKEN = "eyJhbGciOiJSUzI1NiJ9.sandboxUser.c2lnbmF0dXJlX3NhbmRib3g";
    /** JWT-like user token with READ access: every write answers 403 "Access level WRITE required.". */
    public static final String READ_ONLY_USER_TOKEN = "eyJhbGciOiJSUzI1NiJ9.sandboxReader.cmVhZG9ubHlfc2lnbmF0dXJl";

    public static final String DEMO = "demo";
    public static final String ACME = "acme";
    public static final String OTHER = "other";

    /** The fake provider key seeded in demo's environment (OPENROUTER_API_KEY). */
    public static final String DEMO_OPENROUTER_KEY = "sk-or-v1-sandbox0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private SandboxSeeds() {
    }
}
