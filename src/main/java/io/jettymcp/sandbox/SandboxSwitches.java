package io.jettymcp.sandbox;

import java.util.List;

/**
 * Behaviour switches that reproduce known Jetty quirks. Fluent setters share the getter's name;
 * all fields are volatile so tests may flip them while requests are in flight.
 */
public final class SandboxSwitches {

    /** Cloudflare's default block list: library User-Agents; "" stands for a missing or empty UA. */
    public static final List<String> DEFAULT_BLOCKED_USER_AGENTS =
            List.of("Python-urllib", "ReactorNetty", "Java-http-client", "");

    private volatile boolean envStoreNull;
    private volatile boolean nullStatusForWorkflowId;
    private volatile long labelRaceMillis;
    private volatile boolean chat500WithMetadata;
    private volatile double chatHoldSeconds;
    private volatile boolean chatStreamEarlyMetadata;
    private volatile double runSyncHoldSeconds;
    private volatile List<String> blockedUserAgents;
    private volatile boolean echoSecretsInErrors;
    private volatile boolean searchRedirect;
    private volatile boolean templatesWithoutParameters;
    private volatile Whoami whoami;
    private volatile List<FieldRename> renameFields;
    private volatile boolean stripDbOutputs;
    private volatile double rowLagSeconds;

    public SandboxSwitches() {
        reset();
    }

    /** Back to the defaults. */
    public synchronized void reset() {
        envStoreNull = false;
        nullStatusForWorkflowId = true;
        labelRaceMillis = 0;
        chat500WithMetadata = false;
        chatHoldSeconds = 0;
        chatStreamEarlyMetadata = true;
        runSyncHoldSeconds = 100;
        blockedUserAgents = DEFAULT_BLOCKED_USER_AGENTS;
        echoSecretsInErrors = false;
        searchRedirect = false;
        templatesWithoutParameters = false;
        whoami = Whoami.NORMAL;
        renameFields = List.of();
        stripDbOutputs = false;
        rowLagSeconds = 0;
    }

    /**
     * The {@code production} profile: every evidence switch of jetty-api.md §7 on, so the sandbox answers
     * as production is known to. Where the evidence conflicts (E5) the profile takes the less convenient side.
     */
    public synchronized SandboxSwitches production() {
        chatStreamEarlyMetadata = false; // E2: no evidence of jetty_metadata in an early SSE chunk
        searchRedirect = true; // E6: unverified on mise, and the skill documents another search path there
        templatesWithoutParameters = true; // E8: only the catalog's outer shape is documented
        // E3: production has whoami, but its fields are known only from a test fake: assume it answers
        // (and authenticates) without the fields a client would rely on, the least convenient reading
        whoami = Whoami.NO_FIELDS;
        stripDbOutputs(true); // E5: outputs only on the storage detail route
        rowLagSeconds(PRODUCTION_ROW_LAG_SECONDS); // E4: a new run's row shows a little after the start
        return this;
    }

    /** false: a null in an env PATCH deletes the key; true: stores null like the old bakery did. */
    public boolean envStoreNull() {
        return envStoreNull;
    }

    public SandboxSwitches envStoreNull(boolean v) {
        envStoreNull = v;
        return this;
    }

    /** true: GET trajectory by a full workflow id answers 200 with status null (gotcha 1). */
    public boolean nullStatusForWorkflowId() {
        return nullStatusForWorkflowId;
    }

    public SandboxSwitches nullStatusForWorkflowId(boolean v) {
        nullStatusForWorkflowId = v;
        return this;
    }

    /** 0: off; N: a label written within N virtual ms of completion is dropped (200 still returned). */
    public long labelRaceMillis() {
        return labelRaceMillis;
    }

    public SandboxSwitches labelRaceMillis(long v) {
        labelRaceMillis = Math.max(0, v);
        return this;
    }

    /** true: runbook chat-completions answer 500 although the run started (body carries jetty_metadata). */
    public boolean chat500WithMetadata() {
        return chat500WithMetadata;
    }

    public SandboxSwitches chat500WithMetadata(boolean v) {
        chat500WithMetadata = v;
        return this;
    }

    /**
     * Real seconds a runbook start is held before Jetty answers it (the run starts at once): longer than a
     * client's own abort, it reproduces a start that was sent and never confirmed. 0: off.
     */
    public double chatHoldSeconds() {
        return chatHoldSeconds;
    }

    public SandboxSwitches chatHoldSeconds(double v) {
        chatHoldSeconds = Math.max(0, v);
        return this;
    }

    /** true: a streamed runbook start names its run in the first SSE event; false: only in the last one. */
    public boolean chatStreamEarlyMetadata() {
        return chatStreamEarlyMetadata;
    }

    public SandboxSwitches chatStreamEarlyMetadata(boolean v) {
        chatStreamEarlyMetadata = v;
        return this;
    }

    /** Virtual seconds a sync call is held before the edge answers 524 (the run keeps going). */
    public double runSyncHoldSeconds() {
        return runSyncHoldSeconds;
    }

    public SandboxSwitches runSyncHoldSeconds(double v) {
        runSyncHoldSeconds = Math.max(0, v);
        return this;
    }

    /** User-Agent prefixes the edge answers with 403 "error code: 1010"; "" = missing/empty UA. */
    public List<String> blockedUserAgents() {
        return blockedUserAgents;
    }

    public SandboxSwitches blockedUserAgents(List<String> prefixes) {
        blockedUserAgents = List.copyOf(prefixes);
        return this;
    }

    /** true: error details and workflow logs echo the caller's token and the collection's env values. */
    public boolean echoSecretsInErrors() {
        return echoSecretsInErrors;
    }

    public SandboxSwitches echoSecretsInErrors(boolean v) {
        echoSecretsInErrors = v;
        return this;
    }

    /**
     * true: {@code GET /api/v1/tasks/search} answers 307 to {@code /api/v1/tasks/search/}, as FastAPI does when
     * only {@code /tasks/{c}/} matches (jetty-api.md §7 E6: bakery has the route, mise is unverified).
     */
    public boolean searchRedirect() {
        return searchRedirect;
    }

    public SandboxSwitches searchRedirect(boolean v) {
        searchRedirect = v;
        return this;
    }

    /** true: the step-template catalog and single templates carry no parameter lists (§7 E8: that layout is our guess). */
    public boolean templatesWithoutParameters() {
        return templatesWithoutParameters;
    }

    public SandboxSwitches templatesWithoutParameters(boolean v) {
        templatesWithoutParameters = v;
        return this;
    }

    /** The row lag of the production profile, in virtual seconds. */
    public static final double PRODUCTION_ROW_LAG_SECONDS = 2;

    /**
     * true: {@code db/trajectory} (and the list) answer without step {@code outputs}, {@code results_files},
     * {@code primary_files} and {@code usage}, which only the storage detail route carries (§7 E5, [L]);
     * false: the index carries everything, as the skill documents ([D]).
     */
    public boolean stripDbOutputs() {
        return stripDbOutputs;
    }

    public SandboxSwitches stripDbOutputs(boolean v) {
        stripDbOutputs = v;
        return this;
    }

    /**
     * How {@code GET /api/v1/auth/whoami} answers (jetty-api.md §7 E3: it exists, its fields are unverified).
     * {@link Whoami#SLOW} answers after {@link #SLOW_WHOAMI} of real time.
     */
    public Whoami whoami() {
        return whoami;
    }

    public SandboxSwitches whoami(Whoami v) {
        whoami = java.util.Objects.requireNonNull(v);
        return this;
    }

    public static final java.time.Duration SLOW_WHOAMI = java.time.Duration.ofMillis(2500);

    /** The answers whoami can give; {@link #wire()} is the name in {@code /__sim/switches}. */
    public enum Whoami {
        /** the documented fields: auth_type, access_level, identifier, collection_scope */
        NORMAL,
        /** no such route: 404 {"detail":"Not Found"}, before any auth check (FastAPI) */
        ABSENT,
        /** 405 {"detail":"Method Not Allowed"} */
        METHOD_NOT_ALLOWED,
        /** 307 to a trailing-slash path */
        REDIRECT,
        /** 200 text/html (a web page, not the API) */
        HTML,
        /** authenticates, then 200 {} */
        NO_FIELDS,
        /** 503 {"detail":"Authentication service temporarily unavailable"} */
        SERVER_ERROR,
        /** the normal answer, after {@link SandboxSwitches#SLOW_WHOAMI} of real time */
        SLOW;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Whoami parse(String wire) {
            for (Whoami w : values()) {
                if (w.wire().equals(wire)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("unknown whoami mode '" + wire + "'");
        }
    }

    /** Drift: fields answers carry under another name (empty: none). Not part of {@link #production()}. */
    public List<FieldRename> renameFields() {
        return renameFields;
    }

    public SandboxSwitches renameFields(List<FieldRename> rules) {
        renameFields = List.copyOf(rules);
        return this;
    }

    /**
     * Virtual seconds after its start during which a new run's trajectory answers 404 (db/trajectory and the
     * detail route) and is missing from the list (§7 E4). Fixed per run when it starts; the virtual clock runs
     * with real time, and a test can pass the lag at once with {@code clock().advance}. 0: off.
     */
    public double rowLagSeconds() {
        return rowLagSeconds;
    }

    public SandboxSwitches rowLagSeconds(double v) {
        rowLagSeconds = Math.max(0, v);
        return this;
    }

    boolean isBlocked(String userAgent) {
        String ua = userAgent == null ? "" : userAgent.trim();
        for (String prefix : blockedUserAgents) {
            if (prefix.isEmpty() ? ua.isEmpty() : ua.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
