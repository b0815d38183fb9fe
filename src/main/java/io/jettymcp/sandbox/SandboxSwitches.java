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
    private volatile double runSyncHoldSeconds;
    private volatile List<String> blockedUserAgents;
    private volatile boolean echoSecretsInErrors;
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
        runSyncHoldSeconds = 100;
        blockedUserAgents = DEFAULT_BLOCKED_USER_AGENTS;
        echoSecretsInErrors = false;
        stripDbOutputs = false;
        rowLagSeconds = 0;
    }

    /**
     * The {@code production} profile: every evidence switch of jetty-api.md §7 on, so the sandbox answers
     * as production is known to. Where the evidence conflicts (E5) the profile takes the less convenient side.
     */
    public synchronized SandboxSwitches production() {
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
