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
    private volatile List<FieldRename> renameFields;

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
        renameFields = List.of();
    }

    /**
     * The {@code production} profile: every evidence switch of jetty-api.md §7 on, so the sandbox answers
     * as production is known to. Where the evidence conflicts (E5) the profile takes the less convenient side.
     */
    public synchronized SandboxSwitches production() {
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

    /** Drift: fields answers carry under another name (empty: none). Not part of {@link #production()}. */
    public List<FieldRename> renameFields() {
        return renameFields;
    }

    public SandboxSwitches renameFields(List<FieldRename> rules) {
        renameFields = List.copyOf(rules);
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
