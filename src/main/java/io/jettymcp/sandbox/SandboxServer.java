package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A faithful local fake of Jetty's flows-api on 127.0.0.1 (jetty-api.md §6). Start it with
 * {@link #start(SandboxOptions)}; it owns its event loop so it never competes with clients in the
 * same JVM, and {@link #close()} releases everything, including connections held by HANG faults.
 */
public final class SandboxServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxServer.class);
    private static final byte[] EMPTY = new byte[0];

    private final Sim sim;
    private final Router api = new Router();
    private final Router admin = new Router();
    private final LoopResources loops;
    private final DisposableServer server;
    private final Set<Connection> held = ConcurrentHashMap.newKeySet();
    private final Webhooks webhooks;
    private final Disposable ticker;

    private SandboxServer(SandboxOptions options) {
        VirtualClock clock = new VirtualClock();
        this.sim = new Sim(options, clock, new SandboxSwitches(), new Faults(), new RequestLog());
        new CoreApi(sim).register(api);
        new CollectionsApi(sim).register(api);
        new TasksApi(sim).register(api);
        new RunsApi(sim).register(api);
        new TrajectoriesApi(sim).register(api);
        new FilesApi(sim).register(api);
        new RoutinesApi(sim).register(api);
        new ChatApi(sim).register(api);
        new AdminApi(sim, this::reset).register(admin);
        clock.onAdvance(() -> {
            synchronized (sim) {
                sim.engine.tick();
            }
        });
        this.loops = LoopResources.create("jetty-sandbox", 1, 2, true);
        this.webhooks = new Webhooks(loops);
        sim.engine.onFinish(t -> {
            if (t.webhookUrl != null) {
                webhooks.deliver(t, sim.clock.now());
            }
        });
        try {
            this.server = HttpServer.create()
                    .host("127.0.0.1")
                    .port(options.port())
                    .runOn(loops)
                    .handle(this::handle)
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            webhooks.close();
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(6));
            throw e;
        }
        // real time also moves the virtual clock: finish runs, fire schedules and webhooks without traffic
        this.ticker = Flux.interval(Duration.ofMillis(250)).subscribe(i -> {
            synchronized (sim) {
                try {
                    sim.engine.tick();
                } catch (RuntimeException e) {
                    LOG.error("sandbox background tick failed", e);
                }
            }
        });
        LOG.info("Jetty sandbox listening on {}", baseUrl());
    }

    /** Binds 127.0.0.1 on {@code options.port()} (0 = a free port) and serves the seeded world. */
    public static SandboxServer start(SandboxOptions options) {
        return new SandboxServer(options == null ? SandboxOptions.defaults() : options);
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public RequestLog requests() {
        return sim.requests;
    }

    public Faults faults() {
        return sim.faults;
    }

    public SandboxSwitches switches() {
        return sim.switches;
    }

    public VirtualClock clock() {
        return sim.clock;
    }

    /** Connections a HANG fault is holding open: one drops out when its client gives up on it. */
    public int heldConnections() {
        return held.size();
    }

    /** Back to the seeded state; clears recorded requests, faults and switches. The clock keeps going. */
    public void reset() {
        sim.reset();
    }

    @Override
    public void close() {
        ticker.dispose();
        held.forEach(Connection::dispose);
        held.clear();
        server.disposeNow(Duration.ofSeconds(5));
        webhooks.close();
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(6));
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        return req.receive().aggregate().asByteArray().defaultIfEmpty(EMPTY)
                .flatMap(body -> respond(req, res, body))
                .onErrorResume(e -> {
                    LOG.warn("sandbox request failed: {} {}: {}", req.method(), pathOf(req.uri()), e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> respond(HttpServerRequest req, HttpServerResponse res, byte[] body) {
        String uri = req.uri();
        String path = pathOf(uri);
        int q = uri.indexOf('?');
        String query = q < 0 ? "" : uri.substring(q + 1);
        Map<String, String> headers = new LinkedHashMap<>();
        req.requestHeaders().forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(),
                (a, b) -> a + ", " + b));
        String method = req.method().name();
        Exchange ex = new Exchange(method, path, query, headers, headers.get("content-type"), body, baseUrl());
        LOG.debug("{} {}", method, path);

        if (path.equals("/__sim") || path.startsWith("/__sim/")) {
            return write(res, route(admin, ex));
        }
        sim.requests.record(method, path, query, headers, headers.get("content-type"), body);
        if (sim.switches.isBlocked(headers.get("user-agent"))) {
            return write(res, Edge.html1010());
        }
        Optional<FaultRule> fault = sim.faults.next(method, path);
        if (fault.isEmpty()) {
            return write(res, renamed(ex, route(api, ex)));
        }
        FaultRule f = fault.get();
        Mono<Reply> reply = Mono.fromSupplier(() -> faultReply(f, ex));
        if (f.delayMillis() > 0 && f.kind() != FaultKind.TRICKLE) {
            reply = Mono.delay(Duration.ofMillis(f.delayMillis())).then(reply);
        }
        return reply.flatMap(r -> write(res, r));
    }

    private Reply faultReply(FaultRule f, Exchange ex) {
        return switch (f.kind()) {
            case STATUS -> Edge.status(f.status(), f.body());
            case DELAY -> renamed(ex, route(api, ex));
            case HANG -> Reply.hang();
            case RESET -> Reply.reset();
            case HTML_524 -> Edge.html524();
            case HTML_1010 -> Edge.html1010();
            case HTML_5XX -> Edge.html5xx(f.status());
            case RATE_LIMIT_429 -> Edge.rateLimited(f.retryAfterSeconds(), f.body());
            case MALFORMED_JSON -> Edge.malformedJson();
            case OVERSIZED_BODY -> Edge.oversized();
            case HUGE_BODY -> Edge.huge();
            case TRICKLE -> Reply.trickle("application/octet-stream", (f.body() != null ? f.body() : "x".repeat(1000))
                    .getBytes(StandardCharsets.UTF_8), f.delayMillis() > 0 ? f.delayMillis() : 1000);
        };
    }

    /** The rename_field switch: a JSON body answered under a renamed field, as if Jetty's shape had drifted. */
    private Reply renamed(Exchange ex, Reply r) {
        List<FieldRename> rules = sim.switches.renameFields().stream().filter(f -> f.matches(ex.method, ex.path)).toList();
        if (rules.isEmpty()) {
            return r;
        }
        if (r.kind == Reply.Kind.DEFERRED) {
            return Reply.later(r.deferred.map(x -> renamed(ex, x)));
        }
        if (r.kind != Reply.Kind.BODY || r.contentType == null || !r.contentType.contains("json") || r.body.length == 0) {
            return r;
        }
        JsonNode answer = Json.parse(r.body);
        if (answer == null) {
            return r;
        }
        for (FieldRename f : rules) {
            answer = f.apply(answer);
        }
        Reply out = Reply.raw(r.status, r.reason, r.contentType, Json.bytes(answer));
        out.headers.putAll(r.headers);
        return out;
    }

    private Reply route(Router router, Exchange ex) {
        synchronized (sim) {
            try {
                sim.engine.tick();
                return router.dispatch(ex);
            } catch (ApiError e) {
                return errorReply(e, ex);
            } catch (RuntimeException e) {
                LOG.error("sandbox handler bug on {} {}", ex.method, ex.path, e);
                return Reply.json(500, Json.obj().put("detail", "Internal Server Error"));
            }
        }
    }

    /** FastAPI error body; with echoSecretsInErrors the detail leaks the token and env values on purpose. */
    private Reply errorReply(ApiError e, Exchange ex) {
        com.fasterxml.jackson.databind.node.ObjectNode body = e.body();
        if (sim.switches.echoSecretsInErrors() && e.detail.isTextual()) {
            body.put("detail", e.detail.asText() + Leak.suffix(sim.state(), ex));
        }
        Reply r = Reply.json(e.status, body);
        e.headers.forEach(r::header);
        return r;
    }

    private Mono<Void> write(HttpServerResponse res, Reply r) {
        switch (r.kind) {
            case DEFERRED:
                return r.deferred.flatMap(x -> write(res, x));
            case HANG:
                res.withConnection(c -> {
                    held.add(c);
                    c.onDispose(() -> held.remove(c));
                });
                return Mono.never();
            case RESET:
                res.withConnection(c -> {
                    c.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    c.channel().close();
                });
                return Mono.never();
            case TRICKLE:
                res.status(HttpResponseStatus.OK);
                res.header("content-type", r.contentType).header("content-length", String.valueOf(r.body.length));
                return res.send(Flux.range(0, r.body.length).delayElements(Duration.ofMillis(r.gapMillis))
                        .map(i -> Unpooled.wrappedBuffer(r.body, i, 1)), b -> true).then();
            case STREAM:
                res.status(statusOf(r.status, null));
                r.headers.forEach(res::header);
                res.header("content-type", "text/event-stream; charset=utf-8").header("cache-control", "no-cache");
                return res.sendString(r.stream, StandardCharsets.UTF_8).then();
            default:
                res.status(statusOf(r.status, r.reason));
                r.headers.forEach(res::header);
                if (r.contentType != null) {
                    res.header("content-type", r.contentType);
                }
                res.header("content-length", String.valueOf(r.body.length));
                if (r.body.length == 0) {
                    return res.send().then();
                }
                return res.sendByteArray(Mono.just(r.body)).then();
        }
    }

    private static HttpResponseStatus statusOf(int code, String reason) {
        return reason != null ? new HttpResponseStatus(code, reason) : HttpResponseStatus.valueOf(code);
    }

    private static String pathOf(String uri) {
        String u = uri;
        int scheme = u.indexOf("://");
        if (scheme >= 0 && scheme < 10) { // absolute-form request target
            int slash = u.indexOf('/', scheme + 3);
            u = slash < 0 ? "/" : u.substring(slash);
        }
        int q = u.indexOf('?');
        return q < 0 ? u : u.substring(0, q);
    }
}
