package io.jettymcp.transport.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * How the HTTP transport listens and whom it lets in. {@link #toString()} never shows the token.
 *
 * @param allowedOrigins  extra Origin values (scheme://host[:port]) accepted besides loopback ones
 * @param allowedHosts    extra Host values (host or host:port) accepted besides loopback and the bind address
 * @param authToken       Bearer token clients must send; null only when bound to loopback
 * @param maxBodyBytes    largest request body; bigger bodies get 413
 * @param sessionIdle     idle sessions (no request, nothing running) end after this long
 * @param maxConcurrentCalls tool calls running at once across all sessions; more wait their turn
 * @param shutdownGrace   the drain timeout (--drain-timeout): how long running calls get to finish at a shutdown
 * @param maxCallsPerTenant calls one tenant may have running at once; 0 means half of {@code maxConcurrentCalls}
 * @param maxSessions     live sessions (Streamable HTTP and legacy SSE together)
 * @param maxSessionsPerKey live sessions of one per-request Jetty key, or of the bearer token when there is one
 */
public record HttpOptions(String host, int port, List<String> allowedOrigins, List<String> allowedHosts,
                          String authToken, int maxBodyBytes, Duration sessionIdle, int maxConcurrentCalls,
                          boolean stateless, boolean perRequestKey, Duration shutdownGrace, int maxCallsPerTenant,
                          int maxSessions, int maxSessionsPerKey) {

    public static final int DEFAULT_MAX_BODY = 4 * 1024 * 1024;
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_CALLS = 64;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_MAX_SESSIONS = 1000;
    public static final int DEFAULT_MAX_SESSIONS_PER_KEY = 100;

    public HttpOptions {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHosts = List.copyOf(allowedHosts);
        if (authToken != null && authToken.isBlank()) {
            authToken = null;
        }
    }

    /** With the per-tenant limits at their defaults. */
    public HttpOptions(String host, int port, List<String> allowedOrigins, List<String> allowedHosts, String authToken,
                       int maxBodyBytes, Duration sessionIdle, int maxConcurrentCalls, boolean stateless,
                       boolean perRequestKey, Duration shutdownGrace) {
        this(host, port, allowedOrigins, allowedHosts, authToken, maxBodyBytes, sessionIdle, maxConcurrentCalls, stateless,
                perRequestKey, shutdownGrace, 0, DEFAULT_MAX_SESSIONS, DEFAULT_MAX_SESSIONS_PER_KEY);
    }

    /** Calls one tenant may have running at once: by default half the cap, so another tenant always finds a turn. */
    public int callsPerTenant() {
        return maxCallsPerTenant > 0 ? Math.min(maxCallsPerTenant, maxConcurrentCalls) : Math.max(1, maxConcurrentCalls / 2);
    }

    public static HttpOptions loopback(int port) {
        return new HttpOptions(DEFAULT_HOST, port, List.of(), List.of(), null, DEFAULT_MAX_BODY, DEFAULT_IDLE,
                DEFAULT_MAX_CALLS, false, false, Duration.ofSeconds(30));
    }

    /** Parses {@code [HOST:]PORT}; IPv6 hosts in brackets ({@code [::1]:8080}). */
    public static HostPort parseListen(String value) {
        String v = value.trim();
        int colon = v.lastIndexOf(':');
        String host = DEFAULT_HOST;
        String port = v;
        if (colon >= 0) {
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                host = DEFAULT_HOST;
            }
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host, p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--http expects [HOST:]PORT (e.g. 8080 or 0.0.0.0:8080), got '" + value + "'");
        }
    }

    public record HostPort(String host, int port) {
    }

    /** Whether the bind address only accepts connections from this machine. */
    public boolean loopbackOnly() {
        return isLoopback(host);
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // literal addresses only: never resolve a name here
            if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                return false;
            }
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "HttpOptions[" + host + ":" + port + ", auth=" + (authToken != null) + ", stateless=" + stateless
                + ", perRequestKey=" + perRequestKey + ", allowedOrigins=" + allowedOrigins + ", allowedHosts="
                + allowedHosts + "]";
    }
}
