package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.shape.SizeCap;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Signal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each step on its own, on a call prepared as the steps before it would leave it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepsTest {

    final ChainFixture f = new ChainFixture();

    @AfterAll
    void stop() {
        f.close();
    }

    Call call(Map<String, Object> arguments) {
        Call c = new Call(f.tool, CallContext.of(f.server::tenant, new TenantSecrets()), arguments);
        c.args = ChainFixture.M.valueToTree(arguments);
        return c;
    }

    @Test
    void validateParsesAndChecksTheArguments() {
        Call c = call(Map.of("n", 3));
        c.args = null;
        new Validate(ChainFixture.M, new ArgumentValidator()).run(c).block();
        assertThat(c.args.path("n").asInt()).isEqualTo(3);
        assertThatThrownBy(() -> new Validate(ChainFixture.M, new ArgumentValidator()).run(call(Map.of("nope", 1))).block())
                .isInstanceOf(ToolError.class).hasMessageContaining("nope");
    }

    @Test
    void refuseLocalPathsRefusesOnlyWhenLocalFilesAreNotAllowed() {
        assertThatThrownBy(() -> new RefuseLocalPaths(false).run(call(Map.of("file", "/etc/passwd"))).block())
                .isInstanceOf(ToolError.class).hasMessageContaining("'file'").hasMessageContaining("--files-root");
        new RefuseLocalPaths(true).run(call(Map.of("file", "/etc/passwd"))).block();
        new RefuseLocalPaths(false).run(call(Map.of("n", 1))).block();
    }

    @Test
    void precheckRunsTheHandlersRules() {
        assertThatThrownBy(() -> new Precheck().run(call(Map.of("n", 13))).block()).hasMessageContaining("13 is refused");
        new Precheck().run(call(Map.of("n", 12))).block();
    }

    @Test
    void requireTokenLearnsTheTenantAndRefusesAKeylessOne() {
        Call c = call(Map.of());
        new RequireToken().run(c).block();
        assertThat(c.tenant).isSameAs(f.server.tenant());
        assertThat(c.share).isNotNull();
        c.share.close();
        JettyApi none = JettyApi.create("http://127.0.0.1:1", Token.NONE, Duration.ofSeconds(1), Duration.ofSeconds(1),
                RetryPolicy.NONE, ChainFixture.M, "t");
        Call keyless = new Call(f.tool, CallContext.of(() -> new Tenant(none, new CollectionScope(Set.of(), none)),
                new TenantSecrets()), Map.of());
        assertThatThrownBy(() -> new RequireToken().run(keyless).block()).hasMessage(JettyApi.NO_TOKEN);
    }

    @Test
    void resolveCollectionsInjectsTheCollectionAndNamesWhatTheCallTouches() {
        Call c = call(Map.of("collection", SandboxSeeds.DEMO, "path", SandboxSeeds.DEMO + "/a.txt"));
        c.tenant = f.server.tenant();
        new ResolveCollections(null).run(c).block();
        assertThat(c.collection).isEqualTo(SandboxSeeds.DEMO);
        assertThat(c.args.path("collection").asText()).isEqualTo(SandboxSeeds.DEMO);
        assertThat(c.reach.single()).isEqualTo(SandboxSeeds.DEMO);
        Call none = call(Map.of());
        none.tenant = f.server.tenant();
        new ResolveCollections(null).run(none).block();
        assertThat(none.collection).isNull();
        assertThat(none.reach).isEqualTo(io.jettymcp.guard.Policy.Reach.NONE);
    }

    @Test
    void checkPolicyShowsThePolicyNoSecret() {
        Call c = call(Map.of("key", "arg-secret-0042", "collection", "x-registered-secret-0042-y"));
        c.tenant = new Tenant(f.server.tenant().api(), f.server.tenant().scope());
        c.tenant.secrets().register("registered-secret-0042");
        c.reach = io.jettymcp.guard.Policy.Reach.NONE;
        ObjectNode[] seen = new ObjectNode[1];
        new CheckPolicy((s, a, r, asker) -> {
            seen[0] = a;
            return reactor.core.publisher.Mono.empty();
        }).run(c).block();
        assertThat(seen[0].toString()).doesNotContain("arg-secret-0042").doesNotContain("registered-secret-0042")
                .contains("(secret)");
        assertThat(c.args.path("key").asText()).as("the call's own arguments are untouched").isEqualTo("arg-secret-0042");
    }

    @Test
    void registerCallerSecretsRegistersTheSecretArguments() {
        Call c = call(Map.of("key", "arg-secret-0042"));
        c.tenant = new Tenant(f.server.tenant().api(), f.server.tenant().scope());
        new RegisterCallerSecrets().run(c).block();
        assertThat(c.tenant.secrets().redact("x arg-secret-0042")).doesNotContain("arg-secret-0042");
    }

    @Test
    void learnCollectionSecretsPreparesTheReadsWithoutStartingThem() {
        Call c = call(Map.of("path", "acme/a.txt"));
        c.collection = SandboxSeeds.DEMO;
        c.tenant = f.server.tenant();
        f.server.sandbox().requests().clear();
        new LearnCollectionSecrets(new io.jettymcp.guard.EnvSecrets()).run(c).block();
        assertThat(c.owners).containsExactly(SandboxSeeds.DEMO, "acme");
        assertThat(c.ownerReads).isNotNull();
        assertThat(f.server.sandbox().requests().all()).as("nothing is read before the handler's request").isEmpty();
    }

    @Test
    void invokeRunsTheHandlerWithTheResolvedCall() {
        Call c = call(Map.of("n", 1));
        c.tenant = f.server.tenant();
        c.collection = "demo";
        f.handled.clear();
        new Invoke().run(c).block();
        assertThat(c.answer.get().toString()).isEqualTo("{\"ok\":true}");
        assertThat(f.handled).singleElement().satisfies(t -> assertThat(t.collection()).isEqualTo("demo"));
    }

    @Test
    void learnAnswerCollectionsNotesACollectionWhoseSecretsCannotBeRead() {
        Call c = call(Map.of());
        c.tenant = f.server.tenant();
        c.ownerReads = reactor.core.publisher.Mono.just(Map.of());
        c.answer = Signal.next(ChainFixture.json("{\"collection\":\"nowhere-collection\",\"text\":\"t\"}"));
        new LearnAnswerCollections(new io.jettymcp.guard.EnvSecrets()).run(c).block();
        assertThat(c.failed).containsKey("nowhere-collection");
    }

    @Test
    void shapeWithholdsFreeTextOfUncheckedCollectionsAndPassesErrorsOn() {
        Call c = call(Map.of());
        c.owners = Set.of("demo");
        c.failed.put("demo", "HTTP 500");
        c.answer = Signal.next(ChainFixture.json("{\"collection\":\"demo\",\"text\":\"free\"}"));
        new Shape(new io.jettymcp.shape.Projection(ChainFixture.M)).run(c).block();
        assertThat(c.shaped.toString()).doesNotContain("free").contains("withheld");
        Call failed = call(Map.of());
        failed.answer = Signal.error(new ToolError("handler says no"));
        assertThatThrownBy(() -> new Shape(new io.jettymcp.shape.Projection(ChainFixture.M)).run(failed).block())
                .hasMessage("handler says no");
    }

    @Test
    void cleanAndRedactCleansRedactsAndCaps() {
        Call c = call(Map.of());
        c.tenant = new Tenant(f.server.tenant().api(), f.server.tenant().scope());
        c.tenant.secrets().register("registered-secret-0042");
        c.shaped = ChainFixture.json("{\"a\":\"x registered-secret-0042 \\u200b\",\"registered-secret-0042\":1,"
                + "\"long\":\"" + "y".repeat(5000) + "\"}");
        new CleanAndRedact(ChainFixture.M, new SizeCap(ChainFixture.M), 1000).run(c).block();
        String text = ((McpSchema.TextContent) c.result.content().get(0)).text();
        assertThat(text).doesNotContain("registered-secret-0042").doesNotContain("\u200b");
        assertThat(text.length()).isLessThanOrEqualTo(1000);
    }
}
