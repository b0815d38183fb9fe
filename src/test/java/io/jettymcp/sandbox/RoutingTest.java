package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoutingTest extends SandboxTestBase {

    @Test
    void listRoutesWithoutSlashRedirect307() {
        Http.Resp r = http.get("/api/v1/collections?limit=5", DEMO);
        assertThat(r.status()).isEqualTo(307);
        assertThat(r.header("location")).isEqualTo(sandbox.baseUrl() + "/api/v1/collections/?limit=5");
        Http.Resp t = http.get("/api/v1/tasks/demo", DEMO);
        assertThat(t.status()).isEqualTo(307);
        assertThat(t.header("location")).endsWith("/api/v1/tasks/demo/");
        assertThat(http.get("/api/v1/models/demo", DEMO).status()).isEqualTo(307);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() {
        Http.Resp r = http.get("/api/v1/nothing-here", DEMO);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).isEqualTo("Not Found");
        assertThat(http.delete("/api/v1/auth/whoami", DEMO).status()).isEqualTo(405);
    }

    @Test
    void openApiIsServedWithoutAuthFromTheRouteTableLikeFastApi() {
        com.fasterxml.jackson.databind.JsonNode paths = http.get("/openapi.json", null).json().path("paths");
        // generated from the router, so a route added to the sandbox shows up (the storage detail route, E5)
        assertThat(paths.path("/api/v1/trajectory/{c}/{t}/{id}").has("get")).isTrue();
        assertThat(paths.path("/api/v1/tasks/{c}/{t}").has("put")).isTrue();
        assertThat(paths.has("/api/v1/file/{path}")).as("a :path converter is written as a plain parameter").isTrue();
        // FastAPI leaves its own documentation routes out of the schema; the admin surface is not Jetty's
        assertThat(paths.has("/openapi.json")).isFalse();
        assertThat(paths.has("/docs")).isFalse();
        paths.fieldNames().forEachRemaining(p -> assertThat(p).doesNotStartWith("/__sim"));
    }

    @Test
    void namesAreCaseInsensitive() {
        assertThat(http.get("/api/v1/collections/DEMO", DEMO).json().get("name").asText()).isEqualTo("demo");
        assertThat(http.get("/api/v1/tasks/demo/Simple-Chat", DEMO).json().get("name").asText()).isEqualTo("simple-chat");
        // the tasks router compares the key's collection exactly (bakery quirk)
        assertThat(http.get("/api/v1/tasks/DEMO/simple-chat", DEMO).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/tasks/DEMO/simple-chat", USER).status()).isEqualTo(200);
    }

    @Test
    void perCollectionSearchPathIsReadAsTaskName() {
        Http.Resp r = http.get("/api/v1/tasks/demo/search?q=echo", DEMO);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).isEqualTo("Task 'search' in collection 'demo' not found");
    }

    @Test
    void userAgentBlockAnswers1010() {
        var req = http.req("/api/v1/health", null).setHeader("User-Agent", "Python-urllib/3.12").GET();
        Http.Resp r = http.send(req);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("content-type")).startsWith("text/html");
        assertThat(r.text()).contains("error code: 1010");
        sandbox.switches().blockedUserAgents(java.util.List.of());
        assertThat(http.send(http.req("/api/v1/health", null).setHeader("User-Agent", "Python-urllib/3.12").GET()).status())
                .isEqualTo(200);
    }

    @Test
    void requestsAreRecordedButAdminCallsAreNot() {
        http.get("/api/v1/collections/", DEMO);
        http.get("/__sim/requests", null);
        var all = sandbox.requests().all();
        assertThat(all).hasSize(1);
        RecordedRequest r = all.get(0);
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.path()).isEqualTo("/api/v1/collections/");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + DEMO);
        assertThat(r.headers().get("user-agent")).isEqualTo(Http.UA);
        var view = http.get("/__sim/requests", null).json();
        assertThat(view.get("count").asInt()).isEqualTo(1);
        assertThat(view.at("/requests/0/headers/authorization").asText()).doesNotContain(DEMO).endsWith("d05f");
        assertThat(sandbox.requests().matching("GET", "/api/v1/collections/.*")).hasSize(1);
    }
}
