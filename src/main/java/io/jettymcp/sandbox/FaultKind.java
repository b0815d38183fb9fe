package io.jettymcp.sandbox;

/** What a matching {@link FaultRule} does to a request instead of (or before) normal handling. */
public enum FaultKind {
    /** Answer {@code status} with {@code body} (default: a FastAPI {@code {"detail": ...}}). */
    STATUS,
    /** Wait {@code delayMillis} (real time), then handle the request normally. */
    DELAY,
    /** Never answer; the connection stays open until the client gives up. */
    HANG,
    /** Close the connection abruptly (TCP RST) without any response. */
    RESET,
    /** Cloudflare 524 HTML page ("A timeout occurred"). */
    HTML_524,
    /** Cloudflare 403 HTML page ("error code: 1010"). */
    HTML_1010,
    /** Cloudflare's HTML error page with {@code status} (default 502): the edge's own 502/503/504 answer. */
    HTML_5XX,
    /** 429 with a {@code Retry-After} header. */
    RATE_LIMIT_429,
    /** 200 {@code application/json} whose body is not valid JSON. */
    MALFORMED_JSON,
    /** 200 JSON body larger than 5 MB. */
    OVERSIZED_BODY,
    /** 200 JSON body of 9 MiB: more than the MCP server's client reads (8 MiB). */
    HUGE_BODY,
    /**
     * 200 with {@code body} (default: 1000 bytes) sent one byte every {@code delayMillis} (default 1000): a
     * transfer that never stalls long enough for a read timeout yet never ends in reasonable time.
     */
    TRICKLE
}
