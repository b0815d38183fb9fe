package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.jettymcp.config.Token;
import io.jettymcp.redact.Redactor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.multipart.HttpPostRequestEncoder;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * Cancelling the returned Mono aborts the HTTP request. Every read (JSON, download to a file, the chat-completions
 * start) goes through one {@link #pipeline}: auth, retry, size limit, error mapping.
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

    /**
     * Builds the client and prepares what its first request would (event loops, the host name resolver, the
     * native transport), sending nothing: for a server that knows a first call is coming but has nothing to ask.
     */
    public Mono<Void> warmUp() {
        return Mono.defer(() -> client.get().warmup());
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Token token() {
        return token;
    }

    // ---- the three kinds of read: JSON, download to a file, the chat-completions start ----------

    /** Sends the request and parses a JSON answer; any non-2xx becomes a {@link JettyApiException}. */
    public Mono<JsonNode> json(ApiRequest req) {
        return send(req).map(res -> parse(req, res));
    }

    /** Sends the request; any non-2xx becomes a {@link JettyApiException}. */
    public Mono<ApiResponse> send(ApiRequest req) {
        return pipeline(req, inMemory(req, true, null, timeout.plusSeconds(1)));
    }

    /** One HTTP exchange, any status, never retried; bounded in time and in body size. */
    public Mono<ApiResponse> exchange(ApiRequest req) {
        // responseTimeout covers gaps between reads; the second bound covers the whole exchange as well
        return pipeline(req, inMemory(req, false, null, timeout.plusSeconds(1)));
    }

    /**
     * One exchange bounded as a whole by {@code limit} instead of the configured timeout, for a start that
     * Jetty may hold (chat-completions runbook mode): any status, never retried. A failure without an answer
     * is passed on as it is ({@link TimeoutException} when the bound ran out) so the caller can say what it
     * knows about a request that may have taken effect.
     */
    public Mono<ApiResponse> exchangeWithin(ApiRequest req, Duration limit) {
        // the per-read bound must not fire before the whole-exchange one
        return pipeline(req, inMemory(req, false, limit.plusSeconds(1), limit));
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
        // no bound on the whole exchange: a large file takes its time; Netty's read timeout bounds each gap
        return pipeline(req, new Read<>(true, true, maxBytes, null, null,
                (res, body, declared, share) -> toFile(req, file, res, body)));
    }

    /** The error this client reports for a non-2xx answer {@code res} to {@code req} (for callers of {@link #exchangeWithin}). */
    public JettyApiException error(ApiRequest req, ApiResponse res) {
        return errors.map(req, res);
    }

    // ---- the pipeline -------------------------------------------------------------------------

    /**
     * What one kind of read asks of the {@link #pipeline}.
     *
     * @param decides  true: retried as {@link RetryPolicy} allows and every failure mapped to a {@link JettyApiException};
     *                 false: one attempt, and any answer or failure goes to the caller as it is (a start's caller
     *                 decides what an answer, or none, means for a run that may exist)
     * @param toFile   whether a 2xx body goes to a file (the size limit's message names the download)
     * @param limit    the most bytes a 2xx body may have; any other body is read into memory, within {@link #MAX_RESPONSE_BYTES}
     * @param readGap  bound on the gap between reads for this request, null for the client's own
     * @param whole    bound on the whole exchange (waiting for headers, reading the body), null for none
     * @param body     what the read makes of an answer it keeps, its bytes already within the limit
     */
    private record Read<T>(boolean decides, boolean toFile, long limit, Duration readGap, Duration whole, Body<T> body) {
    }

    @FunctionalInterface
    private interface Body<T> {
        Mono<T> read(HttpClientResponse res, Flux<ByteBuf> body, long declared, AnswerBudget.Share share);
    }

    /** A read whose answer is held in memory, within the answer budget. */
    private Read<ApiResponse> inMemory(ApiRequest req, boolean decides, Duration readGap, Duration whole) {
        return new Read<>(decides, false, MAX_RESPONSE_BYTES, readGap, whole,
                (res, body, declared, share) -> answer(req, res, body, declared, share, whole));
    }

    /**
     * The pipeline every read goes through, in this order:
     * <ol>
     * <li><b>auth</b>: no token, no request ({@link #NO_TOKEN}); else the Bearer header on every attempt;</li>
     * <li><b>retry</b>: idempotent requests ({@link ApiRequest#retryable()}) of a read that {@link Read#decides},
     *     by {@link RetryPolicy}; a run start or any other POST is sent once;</li>
     * <li><b>size limit</b> ({@link #once}): an answer that declares more than the read's limit is refused unread,
     *     one that sends more is stopped there; what is read into memory takes its share of the {@link AnswerBudget};</li>
     * <li><b>error mapping</b> ({@link #once}): a non-2xx answer becomes {@link ApiErrors}' words, a failure below
     *     HTTP ours ({@link #failure}); a 2xx JSON answer meets the {@link AnswerCheck} (drift).</li>
     * </ol>
     */
    private <T> Mono<T> pipeline(ApiRequest req, Read<T> read) {
        // 1. auth
        if (req.auth() && !token.present()) {
            return Mono.error(new JettyApiException(401, NO_TOKEN, null));
        }
        HttpClient c = req.auth() ? client.get().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token.value()))
                : client.get();
        // 2. retry, around 3. size limit and 4. error mapping, which each attempt applies
        RetryPolicy policy = read.decides() && req.retryable() ? retry : RetryPolicy.NONE;
        return attempt(req, policy, () -> once(c, req, read), 1, System.nanoTime());
    }

    /** Runs {@code once} again as {@code policy} allows: after a retryable answer or a broken connection. */
    private <T> Mono<T> attempt(ApiRequest req, RetryPolicy policy, java.util.function.Supplier<Mono<T>> once, int n, long start) {
        return Mono.defer(once).onErrorResume(e -> {
            // an answer (HTML bodies too: Cloudflare's own 502/503/504 pages are HTML) is judged on the mapped status,
            // so a page that says it is Cloudflare's 524 (the operation may still be running) is never retried;
            // without an answer, only a refused, reset or closed connection is worth another try
            boolean again = e instanceof Unanswered u ? u.connectionLevel
                    : e instanceof JettyApiException err && err.response() != null && RetryPolicy.retryableStatus(err.status());
            if (!again) {
                return Mono.error(e);
            }
            JettyApiException err = (JettyApiException) e;
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            Duration d = policy.delay(n, err.response() != null ? err.response().retryAfter() : null, elapsed,
                    () -> ThreadLocalRandom.current().nextDouble());
            if (d == null) {
                return Mono.error(err);
            }
            log.info("{} {} failed ({}); retry {} of {} in {} ms", req.method(), req.path(), err.status(), n,
                    policy.maxAttempts() - 1, d.toMillis());
            return Mono.delay(d).then(attempt(req, policy, once, n + 1, start));
        });
    }

    /** One attempt of the pipeline: the request on the wire, its answer within the size limit, failures mapped. */
    private <T> Mono<T> once(HttpClient client, ApiRequest req, Read<T> read) {
        HttpClient c = client;
        if (read.readGap() != null) {
            Duration readGap = read.readGap();
            c = c.doOnRequest((r, conn) -> r.responseTimeout(readGap));
        }
        if (read.whole() != null) {
            // Once the headers are in, the gap between reads is bounded by the body's own timeout instead of Netty's
            // handler: a call waiting for its share of the memory budget reads nothing, and that wait is not Jetty's.
            c = c.doOnResponse((r, conn) -> conn.removeHandler(NettyPipeline.ResponseTimeoutHandler));
        }
        Duration gap = read.readGap() != null ? read.readGap() : timeout;
        long t0 = System.nanoTime();
        HttpClient.ResponseReceiver<?> receiver = receiver(c, req);
        // The bound on the whole exchange runs until the answer's headers arrive and again while its body is read,
        // but not while the call waits for its share of the memory budget: that wait is ours, not Jetty's.
        java.util.concurrent.atomic.AtomicBoolean headers = new java.util.concurrent.atomic.AtomicBoolean();
        return Mono.deferContextual(ctx -> {
                    AnswerBudget.Share callShare = ctx.getOrEmpty(AnswerBudget.Share.class)
                            .map(AnswerBudget.Share.class::cast).orElse(null);
                    AnswerBudget.Share share = callShare != null ? callShare : budget.share();
                    Mono<T> result = receiver.response((res, content) -> {
                                headers.set(true);
                                boolean ok = res.status().code() / 100 == 2;
                                boolean toFile = ok && read.toFile();
                                // 3. size limit
                                long limit = ok ? read.limit() : MAX_RESPONSE_BYTES;
                                long declared = res.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
                                if (declared > limit) {
                                    return Mono.<T>error(new ResponseTooLarge(limit, toFile)); // refused unread
                                }
                                Flux<ByteBuf> body = limited(read.whole() != null ? content.timeout(gap) : content, limit, toFile);
                                // 4. error mapping of an answer
                                if (!ok && read.decides()) {
                                    return answer(req, res, body, declared, share, read.whole())
                                            .flatMap(a -> Mono.<T>error(errors.map(req, a)));
                                }
                                return read.body().read(res, body, declared, share);
                            })
                            .next();
                    if (read.whole() != null) {
                        Mono<Long> headersTimer = Mono.delay(read.whole())
                                .flatMap(x -> headers.get() ? Mono.<Long>never() : Mono.just(x));
                        result = result.timeout(headersTimer);
                    }
                    // outside a tool call (doctor, check) the share lasts for this exchange only
                    return callShare != null ? result : result.doFinally(sig -> share.close());
                })
                // 4. error mapping of a failure without an answer (a read that does not decide passes it on as it is)
                .onErrorMap(e -> read.decides() && !(e instanceof JettyApiException), e -> failure(req, e))
                .doOnSuccess(x -> log.debug("{} {} answered in {} ms", req.method(), req.path(),
                        (System.nanoTime() - t0) / 1_000_000));
    }

    /** The request on the wire: multipart, a JSON body, or none. */
    private HttpClient.ResponseReceiver<?> receiver(HttpClient c, ApiRequest req) {
        if (req.multipart()) {
            return c.post().uri(req.uri()).sendForm((r, form) -> {
                // HTML5: every file its own top-level part. The default (RFC 1738) wraps repeated names in one
                // nested multipart/mixed part, which FastAPI reads as a string: 422 (jetty-api.md §7 E1)
                form.multipart(true).encoding(HttpPostRequestEncoder.EncoderMode.HTML5);
                req.form().forEach(form::attr);
                req.files().forEach(f -> form.file(f.field(), f.filename(), f.stream(), contentType(f.filename())));
            });
        }
        if (req.json() != null) {
            byte[] body = writeJson(req.json());
            return c.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                    .request(HttpMethod.valueOf(req.method())).uri(req.uri())
                    .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
        }
        return c.request(HttpMethod.valueOf(req.method())).uri(req.uri());
    }

    /** The size limit on a body as it arrives: more than {@code limit} bytes stops the read. */
    private static Flux<ByteBuf> limited(Flux<ByteBuf> content, long limit, boolean toFile) {
        long[] seen = {0};
        return content.doOnNext(chunk -> {
            seen[0] += chunk.readableBytes();
            if (seen[0] > limit) {
                throw new ResponseTooLarge(limit, toFile);
            }
        });
    }

    /**
     * An answer held in memory: it waits for its share of the answer budget, is read, then (off the I/O threads)
     * meets the answer check. {@code whole}: the bound on reading the body, null for none.
     */
    private Mono<ApiResponse> answer(ApiRequest req, HttpClientResponse res, Flux<ByteBuf> content, long declared,
                                     AnswerBudget.Share share, Duration whole) {
        long reserved = budget.cost(declared >= 0 ? declared : MAX_RESPONSE_BYTES);
        Mono<byte[]> bytes = share.need(reserved).then(Mono.defer(() -> {
            Mono<byte[]> b = body(content, declared);
            return whole != null ? b.timeout(whole) : b;
        }));
        return bytes
                .doOnNext(b -> {
                    if (declared < 0) {
                        share.settle(reserved, budget.cost(b.length));
                    }
                })
                .map(b -> new ApiResponse(res.status().code(), res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE), b,
                        res.responseHeaders().get(HttpHeaderNames.RETRY_AFTER)))
                // parsing (the answer check, json()) and what callers do next stay off the I/O threads
                .publishOn(Schedulers.boundedElastic())
                .doOnNext(a -> accepted(req, a.status(), a.html()))
                .map(a -> checked(req, a));
    }

    /**
     * An answer's body, already within the size limit: into an array of the declared length when there is one,
     * else gathered as it arrives.
     */
    private static Mono<byte[]> body(Flux<ByteBuf> content, long declared) {
        if (declared >= 0) {
            byte[] buf = new byte[(int) declared];
            int[] at = {0};
            return content.doOnNext(chunk -> {
                        int n = chunk.readableBytes();
                        if (at[0] + n > buf.length) {
                            throw new ResponseTooLarge(declared, false); // more than it declared: not an answer we can trust
                        }
                        chunk.getBytes(chunk.readerIndex(), buf, at[0], n);
                        at[0] += n;
                    })
                    .then(Mono.fromSupplier(() -> at[0] == buf.length ? buf : java.util.Arrays.copyOf(buf, at[0])));
        }
        return content
                .collect(ByteArrayOutputStream::new, (out, chunk) -> {
                    int n = chunk.readableBytes();
                    byte[] bytes = new byte[n];
                    chunk.getBytes(chunk.readerIndex(), bytes);
                    out.write(bytes, 0, n);
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    /** A 2xx body written to {@code file} as it arrives, already within the size limit. */
    private Mono<Download> toFile(ApiRequest req, Path file, HttpClientResponse res, Flux<ByteBuf> content) {
        accepted(req, res.status().code(), false);
        String type = res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        return Mono.using(() -> {
                    try {
                        return Files.newOutputStream(file);
                    } catch (IOException e) {
                        throw new CannotWrite(file, e); // our disk, not the network: never retried
                    }
                },
                out -> content
                        .map(chunk -> {
                            byte[] bytes = new byte[chunk.readableBytes()];
                            chunk.getBytes(chunk.readerIndex(), bytes);
                            return bytes;
                        })
                        .publishOn(Schedulers.boundedElastic()) // file writes block
                        .reduce(0L, (n, bytes) -> {
                            try {
                                out.write(bytes);
                            } catch (IOException e) {
                                throw new CannotWrite(file, e);
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

    /** A failure without an answer, in words; {@link Unanswered#connectionLevel} says whether a read may try again. */
    private JettyApiException failure(ApiRequest req, Throwable e) {
        String what = req.method() + " " + req.path();
        String maybe = req.retryable() ? "" : " The request may or may not have been applied: check before repeating it.";
        if (e instanceof ResponseTooLarge big && big.toFile) {
            return new Unanswered(req.path() + " is larger than " + big.limit / (1024 * 1024) + " MB, the most this "
                    + "server downloads; fetch it from the Jetty web app instead.", false);
        }
        if (e instanceof ResponseTooLarge) {
            return new Unanswered("Jetty's answer to " + what + " was larger than "
                    + MAX_RESPONSE_BYTES / (1024 * 1024) + " MB and was not read. Narrow the request (limit, prefix, fields).", false);
        }
        if (e instanceof CannotWrite w) {
            return new Unanswered("Could not write the download to " + w.file + " (" + w.getCause().getMessage() + ").", false);
        }
        boolean again = connectionLevel(e);
        if (e instanceof TimeoutException || e instanceof ReadTimeoutException || hasCause(e, ReadTimeoutException.class)) {
            return new Unanswered("No answer from Jetty within " + timeout.toSeconds() + " s for " + what
                    + " (JETTY_TIMEOUT_SECONDS)." + maybe, again);
        }
        if (hasCause(e, javax.net.ssl.SSLException.class)) {
            return new Unanswered("The TLS handshake with " + baseUrl + " failed (" + rootMessage(e) + "): the "
                    + "certificate is not trusted or the host name does not match. Check JETTY_API_URL, and any proxy "
                    + "that intercepts TLS (its CA must be in the JVM's trust store).", again);
        }
        if (e instanceof PrematureCloseException || hasCause(e, IOException.class) && !hasCause(e, ConnectException.class)) {
            return new Unanswered("The connection to Jetty closed before it answered " + what + "." + maybe, again);
        }
        return new Unanswered("Could not reach Jetty at " + baseUrl + " (" + rootMessage(e)
                + "). Check the network and JETTY_API_URL.", again);
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

    /** A failure with no answer behind it, in words; {@code connectionLevel}: the request may be tried again. */
    private static final class Unanswered extends JettyApiException {
        private static final long serialVersionUID = 1L;
        private final boolean connectionLevel;

        Unanswered(String message, boolean connectionLevel) {
            super(0, message, null);
            this.connectionLevel = connectionLevel;
        }
    }

    /** An answer past the size limit; {@code toFile}: the limit was the download's. */
    private static final class ResponseTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long limit;
        private final boolean toFile;

        ResponseTooLarge(long limit, boolean toFile) {
            super("response too large", null, false, false);
            this.limit = limit;
            this.toFile = toFile;
        }
    }

    /** Our own disk failed while writing a download: final, and not the network's fault. */
    private static final class CannotWrite extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Path file;

        CannotWrite(Path file, IOException cause) {
            super(cause.getMessage(), cause, false, false);
            this.file = file;
        }
    }
}
