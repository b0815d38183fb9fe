package io.jettymcp.transport.http;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** One MCP transport's share of the HTTP server: the paths it answers, its sessions, its shutdown. */
interface HttpEndpoint {

    boolean serves(String path);

    /** Called after Origin/Host and auth checks passed. */
    Mono<Void> serve(HttpServerRequest req, HttpServerResponse res, String path);

    int sessionCount();

    /** Ends sessions idle for longer than the configured time. */
    void expireIdle();

    /** Ends every session (closing open streams). */
    Mono<Void> closeAll();
}
