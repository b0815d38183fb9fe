package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a handler answers: a complete body, a reply computed later ({@code deferred}, e.g. run-sync),
 * or a server-sent-event stream. Special transport behaviours (hang, reset) are flags.
 */
final class Reply {

    enum Kind { BODY, DEFERRED, STREAM, HANG, RESET, TRICKLE }

    final Kind kind;
    final int status;
    final String reason;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();
    final Mono<Reply> deferred;
    final Flux<String> stream;
    /** TRICKLE: the gap between bytes of {@link #body}. */
    long gapMillis;

    private Reply(Kind kind, int status, String reason, String contentType, byte[] body, Mono<Reply> deferred,
                  Flux<String> stream) {
        this.kind = kind;
        this.status = status;
        this.reason = reason;
        this.contentType = contentType;
        this.body = body;
        this.deferred = deferred;
        this.stream = stream;
    }

    static Reply json(int status, JsonNode body) {
        return new Reply(Kind.BODY, status, null, "application/json", Json.bytes(body), null, null);
    }

    static Reply json(JsonNode body) {
        return json(200, body);
    }

    static Reply raw(int status, String reason, String contentType, byte[] body) {
        return new Reply(Kind.BODY, status, reason, contentType, body, null, null);
    }

    static Reply html(int status, String reason, String html) {
        return raw(status, reason, "text/html; charset=UTF-8", html.getBytes(StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
        return new Reply(Kind.BODY, status, null, null, new byte[0], null, null);
    }

    static Reply later(Mono<Reply> r) {
        return new Reply(Kind.DEFERRED, 0, null, null, null, r, null);
    }

    static Reply sse(int status, Flux<String> events) {
        return new Reply(Kind.STREAM, status, null, "text/event-stream", null, null, events);
    }

    static Reply hang() {
        return new Reply(Kind.HANG, 0, null, null, null, null, null);
    }

    /** {@code body} sent one byte at a time, {@code gapMillis} apart. */
    static Reply trickle(String contentType, byte[] body, long gapMillis) {
        Reply r = new Reply(Kind.TRICKLE, 200, null, contentType, body, null, null);
        r.gapMillis = gapMillis;
        return r;
    }

    static Reply reset() {
        return new Reply(Kind.RESET, 0, null, null, null, null, null);
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
