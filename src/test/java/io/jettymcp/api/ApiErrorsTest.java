package io.jettymcp.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ApiErrorsTest {

    private final ApiErrors errors = new ApiErrors(new ObjectMapper(), "https://flows-api.jetty.io");
    private final ApiRequest get = ApiRequest.get("/api/v1/tasks/demo/x");

    private static ApiResponse res(int status, String type, String body) {
        return new ApiResponse(status, type, body.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void fastApiDetailIsSurfacedWithWhatToDo() {
        JettyApiException e = errors.map(get, res(404, "application/json", "{\"detail\":\"Task 'x' in collection 'demo' not found\"}"));
        assertThat(e.getMessage()).contains("404").contains("Task 'x' in collection 'demo' not found").contains("list-tasks");
        assertThat(errors.map(get, res(401, "application/json", "{\"detail\":\"Invalid or inactive API key\"}")).getMessage())
                .contains("JETTY_API_TOKEN").contains("JETTY_API_URL");
    }

    @Test
    void jettysOwn401And403SayWhatTheyMeanWithoutWhoami() {
        String wrongCollection = errors.map(get, res(403, "application/json", "{\"detail\":\"API key not valid for this collection\"}"))
                .getMessage();
        assertThat(wrongCollection).contains("another collection").contains(get.path()).contains("list-collections")
                .doesNotContain("whoami");
        assertThat(errors.map(get, res(403, "application/json", "{\"detail\":\"Access level WRITE required.\"}")).getMessage())
                .contains("not write");
        ApiErrors perRequest = new ApiErrors(new ObjectMapper(), "https://flows-api.jetty.io", "X-Jetty-Api-Key");
        assertThat(perRequest.map(get, res(401, "application/json", "{\"detail\":\"Invalid or inactive API key\"}")).getMessage())
                .contains("invalid, inactive").contains("X-Jetty-Api-Key header").doesNotContain("JETTY_API_TOKEN");
    }

    @Test
    void validationListsAreFlattened() {
        String body = "{\"detail\":[{\"loc\":[\"body\",\"author\"],\"msg\":\"field required\",\"type\":\"missing\"}]}";
        assertThat(errors.map(get, res(422, "application/json", body)).getMessage()).contains("body.author: field required");
    }

    @Test
    void cloudflarePagesAreNamedAndNotEchoed() {
        JettyApiException e524 = errors.map(get, res(524, "text/html", "<html><h1>Error code 524</h1>A timeout occurred</html>"));
        assertThat(e524.getMessage()).contains("524").doesNotContain("<html>");
        JettyApiException e1010 = errors.map(get, res(403, "text/html", "<html>error code: 1010</html>"));
        assertThat(e1010.getMessage()).contains("1010").contains("not a token problem");
    }

    @Test
    void anHtmlErrorPageInvitesARetryOnlyWhereOneIsSafe() {
        String page = "<html><body>502 Bad Gateway</body></html>";
        assertThat(errors.map(get, res(502, "text/html", page)).getMessage()).contains("502").contains("Try again shortly");
        JettyApiException post = errors.map(ApiRequest.json("POST", "/api/v1/routines/demo/x/r/run-now", null),
                res(502, "text/html", page));
        assertThat(post.getMessage()).contains("502").contains("not retried").doesNotContain("Try again");
    }

    @Test
    void retryAfterIsShownInItsOwnForm() {
        assertThat(errors.map(get, new ApiResponse(429, "application/json", "{}".getBytes(StandardCharsets.UTF_8), "7"))
                .getMessage()).contains("Retry after 7 s.");
        assertThat(errors.map(get, new ApiResponse(429, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                "Wed, 25 Nov 2026 07:28:00 GMT")).getMessage()).contains("Retry after Wed, 25 Nov 2026 07:28:00 GMT.");
    }

    @Test
    void longDetailsAreCapped() {
        String body = "{\"detail\":\"" + "x".repeat(5000) + "\"}";
        assertThat(errors.map(get, res(400, "application/json", body)).getMessage().length()).isLessThan(900);
    }

    @Test
    void retryPolicyBacksOffHonoursRetryAfterAndStops() {
        RetryPolicy p = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertThat(p.delay(1, null, 0, () -> 1.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delay(2, null, 0, () -> 1.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delay(1, "3", 0, () -> 0.0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.delay(3, null, 0, () -> 1.0)).as("attempts exhausted").isNull();
        assertThat(p.delay(1, "60", 0, () -> 1.0)).as("Retry-After beyond the budget").isNull();
        assertThat(p.delay(1, null, 9_950, () -> 1.0)).as("total time exhausted").isNull();
        assertThat(new ApiRequest("POST", "/x", java.util.Map.of(), null, java.util.Map.of(), java.util.List.of(), true)
                .retryable()).isFalse();
    }

    @Test
    void pathSegmentsCannotChangeTheRoute() {
        assertThat(ApiRequest.segment("a/b?c#d e%")).isEqualTo("a%2Fb%3Fc%23d%20e%25");
    }
}
