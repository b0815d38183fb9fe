package io.jettymcp.transport.http;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The live sessions of both stateful transports together (Streamable HTTP and legacy SSE), capped in
 * total and per identity: the per-request Jetty key, else the bearer token when the server has one.
 * A new session over a cap displaces one: first a session that never made a call, then the one idle
 * longest; sessions with a call running are never displaced, so when every candidate has one the new
 * session is refused instead.
 */
final class SessionCap {

    /** No session could make room: HTTP status and what to do. */
    static final class Full extends RuntimeException {
        private final int status;

        Full(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final int max;
    private final int perIdentity;
    private final boolean bearer;
    private final Set<HttpSessions.Session> live = new LinkedHashSet<>(); // in order of arrival
    private final Map<String, Integer> byIdentity = new HashMap<>();

    /** @param bearer whether clients authenticate with the server's bearer token (then it is an identity) */
    SessionCap(int max, int perIdentity, boolean bearer) {
        this.max = Math.max(1, max);
        this.perIdentity = Math.max(1, perIdentity);
        this.bearer = bearer;
    }

    /**
     * Counts {@code s} in, making room when a cap is reached.
     *
     * @return the session displaced to make room (the caller ends it), or null
     * @throws Full when room was needed and every candidate has a call running
     */
    synchronized HttpSessions.Session admit(HttpSessions.Session s) {
        String who = identity(s);
        HttpSessions.Session displaced = null;
        if (who != null && byIdentity.getOrDefault(who, 0) >= perIdentity) {
            displaced = displace(who, 429, (bearer && s.keyHash == null ? "The bearer token" : "This Jetty key")
                    + " already has " + perIdentity + " live sessions (the most one may hold), each with a call running. "
                    + "End sessions you no longer use (DELETE /mcp), or open this one once a call has ended.");
        } else if (live.size() >= max) {
            displaced = displace(null, 503, "The server has " + max + " live sessions (its most), each with a call "
                    + "running. Open this one once a call has ended.");
        }
        live.add(s);
        if (who != null) {
            byIdentity.merge(who, 1, Integer::sum);
        }
        return displaced;
    }

    synchronized void remove(HttpSessions.Session s) {
        if (live.remove(s)) {
            String who = identity(s);
            if (who != null) {
                byIdentity.computeIfPresent(who, (k, n) -> n > 1 ? n - 1 : null);
            }
        }
    }

    synchronized int size() {
        return live.size();
    }

    /** The oldest session that never made a request, else the one idle longest; never one with a call running. */
    private HttpSessions.Session displace(String who, int status, String refusal) {
        HttpSessions.Session idlest = null;
        for (HttpSessions.Session s : live) { // oldest first, so a flood's first unused session is found at once
            if (s.active.get() != 0 || (who != null && !who.equals(identity(s)))) {
                continue;
            }
            if (!s.used) {
                idlest = s;
                break;
            }
            if (idlest == null || s.lastUsed < idlest.lastUsed) {
                idlest = s;
            }
        }
        if (idlest == null) {
            throw new Full(status, refusal);
        }
        remove(idlest);
        return idlest;
    }

    private String identity(HttpSessions.Session s) {
        if (s.keyHash != null) {
            return s.tenant;
        }
        return bearer ? "bearer" : null;
    }
}
