package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class AuthTest extends SandboxTestBase {

    @Test
    void missingTokenIs401WithBearerChallenge() {
        Http.Resp r = http.get("/api/v1/collections/", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("detail").asText()).isEqualTo("Not authenticated");
        assertThat(r.header("www-authenticate")).isEqualTo("Bearer");
    }

    @Test
    void unknownKeyAndGarbageHaveDistinctTexts() {
        assertThat(http.get("/api/v1/collections/", "mlc_doesNotExist").detail()).isEqualTo("Invalid or inactive API key");
        Http.Resp r = http.get("/api/v1/collections/", "garbage");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.detail()).isEqualTo("Invalid API key or JWT token");
    }

    @Test
    void bearerSchemeIsCaseInsensitive() throws Exception {
        var req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/auth/whoami"))
                .header("User-Agent", Http.UA).header("Authorization", "bEaReR " + DEMO).GET().build();
        assertThat(http.raw(req).statusCode()).isEqualTo(200);
    }

    @Test
    void whoamiReportsScope() {
        var k = http.get("/api/v1/auth/whoami", DEMO).json();
        assertThat(k.get("auth_type").asText()).isEqualTo("api_key");
        assertThat(k.get("access_level").asText()).isEqualTo("WRITE");
        assertThat(k.get("identifier").asText()).isEqualTo("demo-key");
        assertThat(k.get("collection_scope").asText()).isEqualTo("demo");
        var u = http.get("/api/v1/auth/whoami", USER).json();
        assertThat(u.get("auth_type").asText()).isEqualTo("jwt");
        assertThat(u.get("identifier").asText()).isEqualTo("sandbox-user");
        assertThat(u.get("collection_scope").isNull()).isTrue();
        assertThat(http.get("/api/v1/auth/whoami", READER).json().get("access_level").asText()).isEqualTo("READ");
    }

    @Test
    void whoamiSwitchChangesTheAnswer() {
        assertThat(http.post("/__sim/switches", null, "{\"whoami\":\"absent\"}").json().get("whoami").asText()).isEqualTo("absent");
        Http.Resp absent = http.get("/api/v1/auth/whoami", DEMO);
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.detail()).isEqualTo("Not Found");
        assertThat(http.get("/api/v1/auth/whoami", null).status()).as("no route: no auth check either").isEqualTo(404);

        sandbox.switches().whoami(SandboxSwitches.Whoami.METHOD_NOT_ALLOWED);
        assertThat(http.get("/api/v1/auth/whoami", DEMO).status()).isEqualTo(405);
        sandbox.switches().whoami(SandboxSwitches.Whoami.REDIRECT);
        Http.Resp redirect = http.get("/api/v1/auth/whoami", DEMO);
        assertThat(redirect.status()).isEqualTo(307);
        assertThat(redirect.header("location")).isNotBlank();
        sandbox.switches().whoami(SandboxSwitches.Whoami.HTML);
        Http.Resp html = http.get("/api/v1/auth/whoami", DEMO);
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.header("content-type")).startsWith("text/html");
        sandbox.switches().whoami(SandboxSwitches.Whoami.NO_FIELDS);
        assertThat(http.get("/api/v1/auth/whoami", DEMO).json().size()).isZero();
        assertThat(http.get("/api/v1/auth/whoami", "mlc_doesNotExist").status()).as("still authenticates").isEqualTo(401);
        sandbox.switches().whoami(SandboxSwitches.Whoami.SERVER_ERROR);
        assertThat(http.get("/api/v1/auth/whoami", DEMO).status()).isEqualTo(503);
        sandbox.switches().whoami(SandboxSwitches.Whoami.SLOW);
        assertThat(http.get("/api/v1/auth/whoami", DEMO).json().get("collection_scope").asText()).isEqualTo("demo");

        assertThat(http.post("/__sim/switches", null, "{\"whoami\":\"sometimes\"}").status()).isEqualTo(422);
        assertThat(http.post("/__sim/switches", null, "{\"profile\":\"production\"}").json().get("whoami").asText())
                .as("production: whoami answers without the fields we would rely on").isEqualTo("no_fields");
        sandbox.reset();
        assertThat(sandbox.switches().whoami()).isEqualTo(SandboxSwitches.Whoami.NORMAL);
    }

    @Test
    void keyForAnotherCollectionIs403() {
        for (String p : new String[] {"/api/v1/collections/acme", "/api/v1/tasks/acme/", "/api/v1/collections/other/environment",
                "/api/v1/tasks/acme/triage", "/api/v1/datasets/acme", "/api/v1/models/other/"}) {
            Http.Resp r = http.get(p, DEMO);
            assertThat(r.status()).as(p).isEqualTo(403);
            assertThat(r.detail()).as(p).isEqualTo("API key not valid for this collection");
        }
    }

    @Test
    void readOnlyUserCannotWrite() {
        assertThat(http.get("/api/v1/tasks/other/", READER).status()).isEqualTo(200);
        Http.Resp r = http.json("PATCH", "/api/v1/collections/demo/environment", READER,
                "{\"environment_variables\":{\"A\":\"b\"}}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).isEqualTo("Access level WRITE required.");
    }

    @Test
    void unauthenticatedEndpoints() {
        assertThat(http.get("/api/v1/health", null).json().get("status").asText()).isEqualTo("healthy");
        assertThat(http.get("/openapi.json", null).json().path("paths").has("/api/v1/tasks/{c}/")).isTrue();
        assertThat(http.get("/api/v1/step-templates", null).status()).isEqualTo(200);
        Http.Resp pub = http.get("/api/v1/tasks/demo/text-echo", null);
        assertThat(pub.status()).isEqualTo(200);
        assertThat(pub.json().get("is_private").asBoolean()).isFalse();
        Http.Resp priv = http.get("/api/v1/tasks/demo/simple-chat", null);
        assertThat(priv.status()).isEqualTo(401);
        assertThat(priv.detail()).isEqualTo("Not authenticated");
    }

    @Test
    void echoSecretsSwitchLeaksTokenAndEnvIntoDetails() {
        sandbox.switches().echoSecretsInErrors(true);
        Http.Resp r = http.get("/api/v1/tasks/demo/nope", DEMO);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).startsWith("Task 'nope' in collection 'demo' not found")
                .contains(DEMO).contains(SandboxSeeds.DEMO_OPENROUTER_KEY);
        sandbox.switches().echoSecretsInErrors(false);
        assertThat(http.get("/api/v1/tasks/demo/nope", DEMO).detail()).isEqualTo("Task 'nope' in collection 'demo' not found");
    }
}
