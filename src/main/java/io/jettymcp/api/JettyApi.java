package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.jettymcp.config.Token;
import io.jettymcp.redact.Redactor;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.multipart.HttpPostRequestEncoder;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The Jetty REST client, on Reactor Netty. Sends Bearer auth and an explicit User-Agent (Jetty's
 * edge answers default library agents with 403 "error code: 1010"), bounds every call in time and
 * size, retries idempotent calls by {@link RetryPolicy}, and maps failures to actionable messages.
 * Cancelling the returned Mono aborts the HTTP request.
 *
 * <p>Immutable: {@link #withToken} gives a view for another key sharing the same connection pool, and
 * {@link #withAnswerCheck} one that checks every successful JSON answer against what its caller reads.
 */
public final class JettyApi {

    private static final Logger log = LoggerFactory.getLogger(JettyApi.class);
    public static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    public static final String NO_TOKEN = "No Jetty API token is configured. Set JETTY_API_TOKEN in the server's "
            + "environment (for example in the MCP client's config 'env' block), pass --token-file, or write the "
            + "key to ~/.config/jetty/token; keys are created at https://jetty.io under Settings → API keys.";

    private final Lazy<HttpClient> client;
    private final String baseUrl;
    private final Token token;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final ObjectMapper mapper;
    private final ApiErrors errors;
    /** told when Jetty answers an authenticated request with a 2xx: it accepted the token */
    private final Runnable onAccepted;
    private final AnswerCheck check;
    /** shortens and redacts the upstream text quoted in errors */
    private final Redactor redactor;
    private final AnswerBudget budget;

    private JettyApi(Lazy<HttpClient> client, String baseUrl, Token token, Duration timeout, RetryPolicy retry,
                     ObjectMapper mapper, Runnable onAccepted, AnswerCheck check, Redactor redactor, AnswerBudget budget) {
        this.check = check;
        this.redactor = redactor;
        this.budget = budget;
        this.client = client;
        this.baseUrl = baseUrl;
        this.token = token;
        this.timeout = timeout;
        this.retry = retry;
        this.mapper = mapper;
        this.errors = new ApiErrors(mapper, baseUrl, token.source(), redactor);
        this.onAccepted = onAccepted;
    }

    public static JettyApi create(String baseUrl, Token token, Duration connectTimeout, Duration timeout,
                                  RetryPolicy retry, ObjectMapper mapper, String version) {
        // built on first use: loading Netty before the client's initialize is answered would slow every launch
        Lazy<HttpClient> client = new Lazy<>(() -> {
            ConnectionProvider pool = ConnectionProvider.builder("jetty-api")
                    .maxConnections(64)
                    .pendingAcquireTimeout(timeout)
                    .maxIdleTime(Duration.ofSeconds(30))
                    .build();
            return HttpClient.create(pool)
                    .baseUrl(baseUrl)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                    .responseTimeout(timeout)
                    .headers(h -> h.set(HttpHeaderNames.USER_AGENT, "jetty-mcp/" + version)
                            .set(HttpHeaderNames.ACCEPT, "application/json"));
        });
        return new JettyApi(client, baseUrl, token, timeout, retry, mapper, () -> { }, AnswerCheck.NONE, new Redactor(),
                AnswerBudget.ofHeap());
    }

    public JettyApi withToken(Token other) {
        return withToken(other, () -> { });
    }

    /** @param onAccepted run on every 2xx (non-HTML) answer to a request sent with {@code other}; must be cheap */
    public JettyApi withToken(Token other, Runnable onAccepted) {
        return new JettyApi(client, baseUrl, other, timeout, retry, mapper, onAccepted, check, redactor, budget);
    }

    /** The same client, checking every 2xx JSON answer with {@code answerCheck} before its caller sees it. */
    public JettyApi withAnswerCheck(AnswerCheck answerCheck) {
        return new JettyApi(client, baseUrl, token, timeout, retry, mapper, onAccepted, answerCheck, redactor, budget);
    }

    /** The same client, shortening the upstream text its errors quote with {@code r} (which redacts it as it cuts). */
    public JettyApi withRedactor(Redactor r) {
        return new JettyApi(client, baseUrl, token, timeout, retry, mapper, onAccepted, check, r, budget);
    }

    public Redactor redactor() {
        return redactor;
    }

    /** The same client, reading answers within {@code other} (tests use a small one). */
    public JettyApi withAnswerBudget(AnswerBudget other) {
        return new JettyApi(client, baseUrl, token, timeout, retry, mapper, onAccepted, check, redactor, other);
    }

    /** The memory budget answers are read, parsed and shaped within; a tool call takes a share of it. */
    public AnswerBudget answerBudget() {
        return budget;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Token token() {
        return token;
    }

    /** Sends the request and parses a JSON answer; any non-2xx becomes a {@link JettyApiException}. */
    public Mono<JsonNode> json(ApiRequest req) {
        return send(req).map(res -> parse(req, res));
    }

    /** Sends the request; any non-2xx becomes a {@link JettyApiException}. */
    public Mono<ApiResponse> send(ApiRequest req) {
        if (req.auth() && !token.present()) {
            return Mono.error(new JettyApiException(401, NO_TOKEN, null));
        }
        return withRetries(req, () -> exchange(req).flatMap(res -> res.ok() ? Mono.just(res) : Mono.error(errors.map(req, res))));
    }

    /** Runs {@code once} again as the request's policy allows (reads only): after a retryable answer or a broken connection. */
    private <T> Mono<T> withRetries(ApiRequest req, java.util.function.Supplier<Mono<T>> once) {
        RetryPolicy policy = req.retryable() ? retry : RetryPolicy.NONE;
        return attempt(req, policy, once, 1, System.nanoTime());
    }

    private <T> Mono<T> attempt(ApiRequest req, RetryPolicy policy, java.util.function.Supplier<Mono<T>> once, int n, long start) {
        return Mono.defer(once).onErrorResume(e -> {
            if (e instanceof JettyApiException err) {
                // an answer (HTML bodies too: Cloudflare's own 502/503/504 pages are HTML), decided on the mapped
                // status so a page that says it is Cloudflare's 524 (the operation may still be running) is never
                // retried; failures of our own (no answer behind them) are final
                boolean again = err.response() != null && RetryPolicy.retryableStatus(err.status());
                return again ? retryOrFail(req, policy, once, n, start, err.response().retryAfter(), err) : Mono.error(err);
            }
            JettyApiException err = transportError(req, e);
            return connectionLevel(e) ? retryOrFail(req, policy, once, n, start, null, err) : Mono.error(err);
        });
    }

    private <T> Mono<T> retryOrFail(ApiRequest req, RetryPolicy policy, java.util.function.Supplier<Mono<T>> once, int n,
                                    long start, String retryAfter, JettyApiException err) {
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        Duration d = policy.delay(n, retryAfter, elapsed, () -> ThreadLocalRandom.current().nextDouble());
        if (d == null) {
            return Mono.error(err);
        }
        log.info("{} {} failed ({}); retry {} of {} in {} ms", req.method(), req.path(), err.status(), n,
                policy.maxAttempts() - 1, d.toMillis());
        return Mono.delay(d).then(attempt(req, policy, once, n + 1, start));
    }

    /** One HTTP exchange, any status; bounded in time and in body size. */
    public Mono<ApiResponse> exchange(ApiRequest req) {
        // responseTimeout covers gaps between reads; the second bound covers the whole exchange as well
        return exchange(req, null, timeout.plusSeconds(1));
    }

    /** {@code readGap}: per-request gap bound, null for the client's own. */
    private Mono<ApiResponse> exchange(ApiRequest req, Duration readGap, Duration whole) {
        HttpClient c = client.get();
        if (readGap != null) {
            c = c.doOnRequest((r, conn) -> r.responseTimeout(readGap));
        }
        // Once the headers are in, the gap between reads is bounded by body() instead of Netty's handler: a call
        // waiting for its share of the memory budget reads nothing, and that wait is not Jetty's.
        Duration gap = readGap != null ? readGap : timeout;
        c = c.doOnResponse((r, conn) -> conn.removeHandler(NettyPipeline.ResponseTimeoutHandler));
        if (req.auth()) {
            c = c.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token.value()));
        }
        long t0 = System.nanoTime();
        HttpClient.ResponseReceiver<?> receiver;
        if (req.multipart()) {
            receiver = c.post().uri(req.uri()).sendForm((r, form) -> {
                // HTML5: every file its own top-level part. The default (RFC 1738) wraps repeated names in one
                // nested multipart/mixed part, which FastAPI reads as a string: 422 (jetty-api.md §7 E1)
                form.multipart(true).encoding(HttpPostRequestEncoder.EncoderMode.HTML5);
                req.form().forEach(form::attr);
                req.files().forEach(f -> form.file(f.field(), f.filename(), f.stream(), contentType(f.filename())));
            });
        } else if (req.json() != null) {
            byte[] body = writeJson(req.json());
            receiver = c.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                    .request(HttpMethod.valueOf(req.method())).uri(req.uri())
                    .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
        } else {
            receiver = c.request(HttpMethod.valueOf(req.method())).uri(req.uri());
        }
        // The bound on the whole exchange runs until the answer's headers arrive and again while its body is read,
        // but not while the call waits for its share of the memory budget: that wait is ours, not Jetty's.
        java.util.concurrent.atomic.AtomicBoolean headers = new java.util.concurrent.atomic.AtomicBoolean();
        Mono<Long> headersTimer = Mono.delay(whole).flatMap(x -> headers.get() ? Mono.<Long>never() : Mono.just(x));
        return Mono.deferContextual(ctx -> {
                    AnswerBudget.Share callShare = ctx.getOrEmpty(AnswerBudget.Share.class)
                            .map(AnswerBudget.Share.class::cast).orElse(null);
                    AnswerBudget.Share share = callShare != null ? callShare : budget.share();
                    Mono<ApiResponse> read = receiver.response((res, content) -> {
                                headers.set(true);
                                long declared = res.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
                                if (declared > MAX_RESPONSE_BYTES) {
                                    return Mono.<ApiResponse>error(new ResponseTooLarge()); // refused unread
                                }
                                long reserved = budget.cost(declared >= 0 ? declared : MAX_RESPONSE_BYTES);
                                return share.need(reserved)
                                        .then(Mono.defer(() -> body(content.timeout(gap), declared).timeout(whole)))
                                        .doOnNext(b -> {
                                            if (declared < 0) {
                                                share.settle(reserved, budget.cost(b.length));
                                            }
                                        })
                                        .map(b -> new ApiResponse(res.status().code(),
                                                res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), b,
                                                res.responseHeaders().get(HttpHeaderNames.RETRY_AFTER)));
                            })
                            .next()
                            .timeout(headersTimer);
                    // outside a tool call (doctor, check) the share lasts for this exchange only
                    return callShare != null ? read : read.doFinally(sig -> share.close());
                })
                // parsing (the answer check, json()) and what callers do next stay off the I/O threads
                .publishOn(Schedulers.boundedElastic())
                .doOnNext(res -> accepted(req, res.status(), res.html()))
                .map(res -> checked(req, res))
                .doOnNext(res -> log.debug("{} {} -> {} in {} ms", req.method(), req.path(), res.status(),
                        (System.nanoTime() - t0) / 1_000_000));
    }

    /**
     * An answer's body: into an array of the declared length when there is one, else gathered with the
     * limit checked as each chunk arrives. Either way, more than {@link #MAX_RESPONSE_BYTES} stops the read.
     */
    private static Mono<byte[]> body(reactor.core.publisher.Flux<io.netty.buffer.ByteBuf> content, long declared) {
        if (declared >= 0) {
            byte[] buf = new byte[(int) declared];
            int[] at = {0};
            return content.doOnNext(chunk -> {
                        int n = chunk.readableBytes();
                        if (at[0] + n > buf.length) {
                            throw new ResponseTooLarge(); // more than it declared: not an answer we can trust
                        }
                        chunk.getBytes(chunk.readerIndex(), buf, at[0], n);
                        at[0] += n;
                    })
                    .then(Mono.fromSupplier(() -> at[0] == buf.length ? buf : java.util.Arrays.copyOf(buf, at[0])));
        }
        return content
                .collect(ByteArrayOutputStream::new, (out, chunk) -> {
                    int n = chunk.readableBytes();
                    if (out.size() + n > MAX_RESPONSE_BYTES) {
                        throw new ResponseTooLarge();
                    }
                    byte[] bytes = new byte[n];
                    chunk.getBytes(chunk.readerIndex(), bytes);
                    out.write(bytes, 0, n);
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    /** A file streamed to disk by {@link #download}: its content type and size. */
    public record Download(String contentType, long bytes) {
    }

    /**
     * Streams a GET answer into {@code file} (created or truncated) without holding it in memory, for
     * files larger than {@link #MAX_RESPONSE_BYTES}. A non-2xx answer becomes a {@link JettyApiException};
     * more than {@code maxBytes} stops the transfer. Retried like any read (a retry writes the file
     * from the start); a full disk or an oversized file is final.
     */
    public Mono<Download> download(ApiRequest req, Path file, long maxBytes) {
        if (req.auth() && !token.present()) {
            return Mono.error(new JettyApiException(401, NO_TOKEN, null));
        }
        return withRetries(req, () -> downloadOnce(req, file, maxBytes));
    }

    private Mono<Download> downloadOnce(ApiRequest req, Path file, long maxBytes) {
        HttpClient c = req.auth() ? client.get().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token.value())) : client.get();
        return c.get().uri(req.uri()).response((res, content) -> {
                    int code = res.status().code();
                    String type = res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
                    if (code / 100 != 2) {
                        return content.aggregate().asByteArray().defaultIfEmpty(new byte[0])
                                .flatMap(b -> Mono.<Download>error(errors.map(req, new ApiResponse(code, type, b,
                                        res.responseHeaders().get(HttpHeaderNames.RETRY_AFTER)))));
                    }
                    accepted(req, code, false);
                    return Mono.using(() -> {
                                try {
                                    return Files.newOutputStream(file);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e); // our disk, not the network: never retried
                                }
                            },
                            out -> content.asByteArray()
                                    .publishOn(Schedulers.boundedElastic()) // file writes block
                                    .reduce(0L, (n, bytes) -> {
                                        if (n + bytes.length > maxBytes) {
                                            throw new ResponseTooLarge();
                                        }
                                        try {
                                            out.write(bytes);
                                        } catch (IOException e) {
                                            throw new UncheckedIOException(e);
                                        }
                                        return n + bytes.length;
                                    })
                                    .map(n -> new Download(type, n)),
                            out -> {
                                try {
                                    out.close();
                                } catch (IOException e) {
                                    log.debug("closing {} failed: {}", file, e.toString());
                                }
                            });
                })
                .next()
                // our own limits are final; anything else is the transport's, judged by withRetries
                .onErrorMap(e -> e instanceof ResponseTooLarge, e -> new JettyApiException(0, req.path() + " is larger than "
                        + maxBytes / (1024 * 1024) + " MB, the most this server downloads; fetch it from the Jetty web app "
                        + "instead.", null))
                .onErrorMap(e -> e instanceof UncheckedIOException, e -> new JettyApiException(0, "Could not write the "
                        + "download to " + file + " (" + e.getCause().getMessage() + ").", null));
    }

    /** The error this client reports for a non-2xx answer {@code res} to {@code req} (for callers of {@link #exchangeWithin}). */
    public JettyApiException error(ApiRequest req, ApiResponse res) {
        return errors.map(req, res);
    }

    /**
     * One exchange bounded as a whole by {@code limit} instead of the configured timeout, for a start that
     * Jetty may hold (chat-completions runbook mode): any status, never retried. A failure without an answer
     * is passed on as it is ({@link TimeoutException} when the bound ran out) so the caller can say what it
     * knows about a request that may have taken effect.
     */
    public Mono<ApiResponse> exchangeWithin(ApiRequest req, Duration limit) {
        if (req.auth() && !token.present()) {
            return Mono.error(new JettyApiException(401, NO_TOKEN, null));
        }
        // the per-read bound must not fire before the whole-exchange one
        return exchange(req, limit.plusSeconds(1), limit);
    }

    private void accepted(ApiRequest req, int status, boolean html) {
        if (req.auth() && status / 100 == 2 && !html) {
            onAccepted.run();
        }
    }

    /**
     * The answer, once the answer check passed: every 2xx answer that is one JSON document (an event stream or a
     * cut-off body is not) goes through it, whichever method the caller used. Throws {@link AnswerDrift}.
     */
    private ApiResponse checked(ApiRequest req, ApiResponse res) {
        if (check == AnswerCheck.NONE || !res.ok()) {
            return res;
        }
        Routes.Route route = Routes.match(req.method(), req.path()).orElse(null);
        if (route == null) {
            return res;
        }
        JsonNode answer;
        if (res.body().length == 0) {
            answer = NullNode.instance;
        } else {
            try {
                answer = mapper.readTree(res.body());
            } catch (IOException e) {
                return res; // not one JSON document: json() names malformed JSON, streams are read by their caller
            }
        }
        answer = answer == null ? NullNode.instance : answer;
        check.check(route, req, res.status(), answer);
        return res.withParsed(answer);
    }

    private JsonNode parse(ApiRequest req, ApiResponse res) {
        if (res.parsed() != null) {
            return res.parsed(); // already parsed by the answer check
        }
        if (res.body().length == 0) {
            return NullNode.instance;
        }
        try {
            return mapper.readTree(res.body());
        } catch (IOException e) {
            String head = redactor.cut(res.text(), 200);
            throw new JettyApiException(res.status(), "Jetty answered " + req.method() + " " + req.path()
                    + " with malformed JSON (starts: " + head.replaceAll("\\s+", " ") + ")." + (req.retryable()
                    ? " Try again; if it persists, the Jetty API may be degraded."
                    : " It was not retried, as it may have taken effect."), res);
        }
    }

    private JettyApiException transportError(ApiRequest req, Throwable e) {
        String what = req.method() + " " + req.path();
        String maybe = req.retryable() ? "" : " The request may or may not have been applied: check before repeating it.";
        if (e instanceof ResponseTooLarge) {
            return new JettyApiException(0, "Jetty's answer to " + what + " was larger than "
                    + MAX_RESPONSE_BYTES / (1024 * 1024) + " MB and was not read. Narrow the request (limit, prefix, fields).", null);
        }
        if (e instanceof TimeoutException || e instanceof ReadTimeoutException || hasCause(e, ReadTimeoutException.class)) {
            return new JettyApiException(0, "No answer from Jetty within " + timeout.toSeconds() + " s for " + what
                    + " (JETTY_TIMEOUT_SECONDS)." + maybe, null);
        }
        if (hasCause(e, javax.net.ssl.SSLException.class)) {
            return new JettyApiException(0, "The TLS handshake with " + baseUrl + " failed (" + rootMessage(e) + "): the "
                    + "certificate is not trusted or the host name does not match. Check JETTY_API_URL, and any proxy "
                    + "that intercepts TLS (its CA must be in the JVM's trust store).", null);
        }
        if (e instanceof PrematureCloseException || hasCause(e, IOException.class) && !hasCause(e, ConnectException.class)) {
            return new JettyApiException(0, "The connection to Jetty closed before it answered " + what + "." + maybe, null);
        }
        return new JettyApiException(0, "Could not reach Jetty at " + baseUrl + " (" + rootMessage(e)
                + "). Check the network and JETTY_API_URL.", null);
    }

    /** Refused, reset or closed connections: worth another try for an idempotent call. Timeouts are not. */
    private static boolean connectionLevel(Throwable e) {
        boolean timeout = e instanceof TimeoutException || hasCause(e, ReadTimeoutException.class);
        // NotYetConnectedException: a pooled connection whose connect was cancelled never carried the request
        return !timeout && !(e instanceof ResponseTooLarge) && !hasCause(e, javax.net.ssl.SSLException.class)
                && (hasCause(e, IOException.class) || e instanceof PrematureCloseException
                || hasCause(e, java.nio.channels.NotYetConnectedException.class));
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private byte[] writeJson(JsonNode n) {
        try {
            return mapper.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String contentType(String filename) {
        String f = filename.toLowerCase(java.util.Locale.ROOT);
        if (f.endsWith(".json")) return "application/json";
        if (f.endsWith(".csv")) return "text/csv";
        if (f.endsWith(".txt") || f.endsWith(".md")) return "text/plain";
        if (f.endsWith(".pdf")) return "application/pdf";
        if (f.endsWith(".png")) return "image/png";
        if (f.endsWith(".jpg") || f.endsWith(".jpeg")) return "image/jpeg";
        if (f.endsWith(".zip")) return "application/zip";
        return "application/octet-stream";
    }

    /** A value computed once, on first use, by whichever thread gets there first. */
    private static final class Lazy<T> {
        private final java.util.function.Supplier<T> init;
        private volatile T value;

        Lazy(java.util.function.Supplier<T> init) {
            this.init = init;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = init.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }

    private static final class ResponseTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ResponseTooLarge() {
            super("response too large", null, false, false);
        }
    }
}
