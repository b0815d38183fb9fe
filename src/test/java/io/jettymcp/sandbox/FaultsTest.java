package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultsTest extends SandboxTestBase {

    @Test
    void statusFaultHonoursSkipAndTimes() {
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/collections/.*", 503).withSkip(1).withTimes(2));
        assertThat(http.get("/api/v1/collections/", DEMO).status()).isEqualTo(200);
        Http.Resp r = http.get("/api/v1/collections/", DEMO);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.detail()).isEqualTo("Service Unavailable");
        assertThat(http.get("/api/v1/collections/", DEMO).status()).isEqualTo(503);
        assertThat(http.get("/api/v1/collections/", DEMO).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/collections/", USER, "{\"name\":\"x1\"}").status()).isEqualTo(200);
    }

    @Test
    void rateLimitSetsRetryAfter() {
        sandbox.faults().add(FaultRule.rateLimit("*", ".*", 7).withTimes(1));
        Http.Resp r = http.get("/api/v1/health", null);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("retry-after")).isEqualTo("7");
        assertThat(http.get("/api/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void edgePages() {
        sandbox.faults().add(FaultRule.html524("POST", "/api/v1/run-sync/.*"));
        sandbox.faults().add(FaultRule.html1010("GET", "/api/v1/health"));
        Http.Resp t = http.post("/api/v1/run-sync/demo/text-echo", DEMO, "{}");
        assertThat(t.status()).isEqualTo(524);
        assertThat(t.text()).contains("Error code 524").contains("A timeout occurred");
        Http.Resp b = http.get("/api/v1/health", null);
        assertThat(b.status()).isEqualTo(403);
        assertThat(b.text()).contains("error code: 1010");
        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.html5xx("GET", "/api/v1/health", 503));
        Http.Resp u = http.get("/api/v1/health", null);
        assertThat(u.status()).isEqualTo(503);
        assertThat(u.header("content-type")).startsWith("text/html");
        assertThat(u.text()).contains("Error code 503").doesNotContain("524").doesNotContain("1010");
    }

    @Test
    void bodyFaults() {
        sandbox.faults().add(FaultRule.malformedJson("GET", "/api/v1/collections/").withTimes(1));
        sandbox.faults().add(FaultRule.oversizedBody("GET", "/api/v1/step-templates"));
        Http.Resp m = http.get("/api/v1/collections/", DEMO);
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.header("content-type")).startsWith("application/json");
        assertThatThrownBy(m::json).isInstanceOf(AssertionError.class);
        Http.Resp big = http.get("/api/v1/step-templates", null);
        assertThat(big.body().length).isGreaterThan(5 * 1024 * 1024);
        assertThat(big.json().get("data").asText()).startsWith("xxx");
        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.hugeBody("GET", "/api/v1/step-templates"));
        Http.Resp huge = http.get("/api/v1/step-templates", null);
        assertThat(huge.body().length).isGreaterThan(9 * 1024 * 1024);
        assertThat(huge.json().get("data").asText()).startsWith("xxx");
    }

    @Test
    void delayStillAnswersNormally() {
        sandbox.faults().add(FaultRule.delay("GET", "/api/v1/health", 50));
        assertThat(http.get("/api/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void hangNeverAnswers() {
        sandbox.faults().add(FaultRule.hang("GET", "/api/v1/health").withTimes(1));
        var req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/health"))
                .header("User-Agent", Http.UA).timeout(Duration.ofMillis(300)).GET().build();
        assertThatThrownBy(() -> http.raw(req)).isInstanceOf(HttpTimeoutException.class);
        assertThat(http.get("/api/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void resetClosesTheConnection() {
        // always: the JDK client silently retries an idempotent GET once on a dropped connection
        sandbox.faults().add(FaultRule.reset("GET", "/api/v1/health"));
        var req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/health"))
                .header("User-Agent", Http.UA).timeout(Duration.ofSeconds(5)).GET().build();
        assertThatThrownBy(() -> http.raw(req)).isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
        sandbox.faults().clear();
        assertThat(http.get("/api/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void faultsViaAdminEndpoint() {
        Http.Resp r = http.post("/__sim/faults", null,
                "{\"method\":\"GET\",\"path_regex\":\"/api/v1/health\",\"kind\":\"status\",\"status\":500,\"times\":1}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/rules/0/kind").asText()).isEqualTo("STATUS");
        assertThat(http.get("/api/v1/health", null).status()).isEqualTo(500);
        assertThat(http.get("/api/v1/health", null).status()).isEqualTo(200);
        http.post("/__sim/faults", null, "{\"path_regex\":\".*\",\"kind\":\"STATUS\",\"status\":502}");
        assertThat(http.delete("/__sim/faults", null).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/health", null).status()).isEqualTo(200);
    }
}
