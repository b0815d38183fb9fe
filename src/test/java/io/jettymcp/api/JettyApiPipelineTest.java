package io.jettymcp.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Token;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The one pipeline (auth → retry → size limit → error mapping) as each kind of read meets it: JSON
 * ({@code json}/{@code send}/{@code exchange}), a download to a file, and the chat-completions start
 * ({@code exchangeWithin}). Each check asserts on the result and on the requests the sandbox recorded.
 */
class JettyApiPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** retries as the default policy decides them, without its waits */
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5));

    private static final String FILE = Routes.FILE_GET.path("demo/x/a.txt");
    private static final String LIST = Routes.TASKS_LIST.path("demo");

    @TempDir
    Path tmp;

    private SandboxServer sandbox;
    private JettyApi api;

    @BeforeEach
    void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        api = client(new Token(SandboxSeeds.DEMO_TOKEN, "JETTY_API_TOKEN"));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private JettyApi client(Token token) {
        return JettyApi.create(sandbox.baseUrl(), token, Duration.ofSeconds(2), Duration.ofSeconds(5), FAST,
                new ObjectMapper(), "test");
    }

    private static ApiRequest chat() {
        ObjectMapper m = new ObjectMapper();
        return ApiRequest.json("POST", Routes.CHAT.path(), m.createObjectNode().put("model", "m").put("stream", false));
    }

    private static ApiRequest runStart() {
        return ApiRequest.json("POST", Routes.RUN.path("demo", "t"), new ObjectMapper().createObjectNode());
    }

    // ---- auth: no token, no request ----------------------------------------------------------

    @Test
    void withoutATokenNoReadSendsARequest() {
        JettyApi none = client(Token.NONE);
        assertNoToken(catchThrowable(() -> none.json(ApiRequest.get(LIST)).block(WAIT)));
        assertNoToken(catchThrowable(() -> none.send(ApiRequest.get(LIST)).block(WAIT)));
        assertNoToken(catchThrowable(() -> none.exchange(ApiRequest.get(LIST)).block(WAIT)));
        assertNoToken(catchThrowable(() -> none.download(ApiRequest.get(FILE), tmp.resolve("f"), 1000).block(WAIT)));
        assertNoToken(catchThrowable(() -> none.exchangeWithin(chat(), Duration.ofSeconds(5)).block(WAIT)));
        assertThat(sandbox.requests().all()).as("requests sent without a token").isEmpty();
    }

    private static void assertNoToken(Throwable e) {
        assertThat(e).isInstanceOf(JettyApiException.class).hasMessage(JettyApi.NO_TOKEN);
        assertThat(((JettyApiException) e).status()).isEqualTo(401);
    }

    @Test
    void everyReadSendsTheBearerToken() {
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/file/.*", 200).withBody("hello"));
        api.json(ApiRequest.get(LIST)).block(WAIT);
        api.exchange(ApiRequest.get(LIST)).block(WAIT);
        api.download(ApiRequest.get(FILE), tmp.resolve("f"), 1000).block(WAIT);
        api.exchangeWithin(chat(), Duration.ofSeconds(5)).block(WAIT);
        assertThat(sandbox.requests().all()).hasSize(4)
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + SandboxSeeds.DEMO_TOKEN));
    }

    // ---- size limit ---------------------------------------------------------------------------

    @Test
    void anAnswerOverTheLimitIsRefusedByEveryRead() {
        sandbox.faults().add(FaultRule.hugeBody("*", ".*")); // 9 MB, over MAX_RESPONSE_BYTES
        assertThatThrownBy(() -> api.json(ApiRequest.get(LIST)).block(WAIT))
                .isInstanceOf(JettyApiException.class).hasMessageContaining("was larger than 8 MB and was not read");
        // the start's caller is told nothing came back it could read: the run may exist, so no advice to narrow it
        assertThatThrownBy(() -> api.exchangeWithin(chat(), Duration.ofSeconds(5)).block(WAIT))
                .isNotInstanceOf(JettyApiException.class).hasMessage("response too large");
        // a download's own limit: the caller's cap on the file
        assertThatThrownBy(() -> api.download(ApiRequest.get(FILE), tmp.resolve("f"), 1024 * 1024).block(WAIT))
                .isInstanceOf(JettyApiException.class).hasMessageContaining("is larger than 1 MB, the most this server downloads");
        // a limit reached is final: no read asked twice
        assertThat(sandbox.requests().matching("GET", LIST)).hasSize(1);
        assertThat(sandbox.requests().matching("GET", FILE)).hasSize(1);
        assertThat(sandbox.requests().matching("POST", Routes.CHAT.path())).hasSize(1);
    }

    @Test
    void aDownloadsErrorAnswerIsReadWithinTheSameLimitAsAnyOther() {
        // the file's own cap is for the file; an error page is read into memory like any answer
        sandbox.faults().add(FaultRule.status("GET", FILE, 404).withBody("x".repeat(9 * 1024 * 1024)));
        assertThatThrownBy(() -> api.download(ApiRequest.get(FILE), tmp.resolve("f"), 64L * 1024 * 1024).block(WAIT))
                .isInstanceOf(JettyApiException.class).hasMessageContaining("was larger than 8 MB and was not read");
        assertThat(sandbox.requests().matching("GET", FILE)).hasSize(1);
    }

    // ---- retry ----------------------------------------------------------------------------------

    @Test
    void aServerErrorIsRetriedForAnIdempotentRead() {
        sandbox.faults().add(FaultRule.status("GET", LIST, 503).withTimes(1));
        sandbox.faults().add(FaultRule.status("GET", FILE, 503).withTimes(1));
        sandbox.faults().add(FaultRule.status("GET", FILE, 200).withBody("hello").withSkip(1));
        assertThat(api.json(ApiRequest.get(LIST)).block(WAIT)).isNotNull();
        assertThat(api.download(ApiRequest.get(FILE), tmp.resolve("f"), 1000).block(WAIT).bytes()).isEqualTo(5);
        assertThat(sandbox.requests().matching("GET", LIST)).hasSize(2);
        assertThat(sandbox.requests().matching("GET", FILE)).hasSize(2);
    }

    @Test
    void aRunStartIsNeverRetried() {
        sandbox.faults().add(FaultRule.status("POST", ".*", 503));
        JettyApiException e = (JettyApiException) catchThrowable(() -> api.json(runStart()).block(WAIT));
        assertThat(e.status()).isEqualTo(503);
        ApiResponse res = api.exchangeWithin(chat(), Duration.ofSeconds(5)).block(WAIT);
        assertThat(res.status()).isEqualTo(503);
        assertThat(sandbox.requests().matching("POST", Routes.RUN.path("demo", "t"))).hasSize(1);
        assertThat(sandbox.requests().matching("POST", Routes.CHAT.path())).hasSize(1);
    }

    @Test
    void aBrokenConnectionIsRetriedForAReadButNotForARunStart() {
        sandbox.faults().add(FaultRule.reset("*", ".*").withTimes(1));
        assertThat(api.json(ApiRequest.get(LIST)).block(WAIT)).isNotNull();
        assertThat(sandbox.requests().matching("GET", LIST)).hasSize(2);

        sandbox.faults().add(FaultRule.reset("POST", ".*"));
        assertThatThrownBy(() -> api.json(runStart()).block(WAIT)).isInstanceOf(JettyApiException.class)
                .hasMessageContaining("may or may not have been applied");
        assertThat(sandbox.requests().matching("POST", ".*")).hasSize(1);
    }

    // ---- error mapping --------------------------------------------------------------------------

    @Test
    void anErrorStatusReadsTheSameWhicheverReadMetIt() {
        sandbox.faults().add(FaultRule.status("*", ".*", 404));
        String viaJson = catchThrowable(() -> api.json(ApiRequest.get(FILE)).block(WAIT)).getMessage();
        String viaDownload = catchThrowable(() -> api.download(ApiRequest.get(FILE), tmp.resolve("f"), 1000).block(WAIT))
                .getMessage();
        assertThat(viaJson).startsWith("Not found (404").isEqualTo(viaDownload);

        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.status("POST", ".*", 422));
        String viaSend = catchThrowable(() -> api.send(chat()).block(WAIT)).getMessage();
        ApiResponse res = api.exchangeWithin(chat(), Duration.ofSeconds(5)).block(WAIT);
        assertThat(res.status()).isEqualTo(422);
        assertThat(viaSend).startsWith("Jetty rejected the input (422").isEqualTo(api.error(chat(), res).getMessage());
    }
}
