package io.jettymcp.tool.chain;

import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.ToolError;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chain's steps and their order: a chain built with a step dropped or moved fails by name, and for each step a
 * probe shows what a call would get wrong without it (the canonical chain passes the probe, the chain without the
 * step fails it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardChainOrderTest {

    final ChainFixture f = new ChainFixture();
    /** A value of demo's environment that looks like no known key (those are masked by their shape anyway). */
    static final String KEY = "plain-environment-value-0042";

    @org.junit.jupiter.api.BeforeAll
    void seed() {
        f.server.ok("set-env-vars", Map.of("collection", SandboxSeeds.DEMO, "variables", Map.of("PROBE", KEY)));
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @BeforeEach
    void reset() {
        f.handled.clear();
        f.policy = io.jettymcp.guard.Policy.ALLOW_ALL;
        f.answer = c -> ChainFixture.M.createObjectNode().put("ok", true);
    }

    static List<String> names() {
        return GuardChain.ORDER.stream().map(Class::getSimpleName).toList();
    }

    @Test
    void theServersStepsAreTheCanonicalOnes() {
        assertThat(new GuardChain(f.steps()).steps()).extracting(Step::name).containsExactlyElementsOf(names());
    }

    @ParameterizedTest
    @MethodSource("names")
    void aDroppedStepFailsByName(String step) {
        assertThatThrownBy(() -> new GuardChain(f.without(step))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the guard chain lacks its " + step + " step");
    }

    static List<Integer> positions() {
        return IntStream.range(0, GuardChain.ORDER.size() - 1).boxed().toList();
    }

    @ParameterizedTest
    @MethodSource("positions")
    void aStepSwappedWithTheNextFailsByName(int i) {
        List<Step> steps = f.steps();
        java.util.Collections.swap(steps, i, i + 1);
        assertThatThrownBy(() -> new GuardChain(steps)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the guard chain's step " + (i + 1) + " must be " + names().get(i)
                        + ", not " + names().get(i + 1));
    }

    @Test
    void anExtraStepFailsByName() {
        List<Step> steps = f.steps();
        steps.add(new Precheck());
        assertThatThrownBy(() -> new GuardChain(steps)).hasMessageStartingWith("the guard chain has an unknown step Precheck");
    }

    // what each step is for: the canonical chain does it, the chain without the step does not

    McpSchema.CallToolResult canonical(Map<String, Object> args) {
        return f.call(f.steps(), args);
    }

    McpSchema.CallToolResult without(String step, Map<String, Object> args) {
        return f.call(f.without(step), args);
    }

    /** A tenant of demo's key with a redaction set of its own: it has learned nothing yet. */
    Tenant fresh() {
        return f.server.tenant(SandboxSeeds.DEMO_TOKEN, RetryPolicy.NONE);
    }

    @Test
    void withoutValidateBadArgumentsAreNotNamed() {
        assertThat(ChainFixture.text(canonical(Map.of("n", "many")))).contains("'n'");
        assertThat(ChainFixture.text(without("Validate", Map.of("n", "many")))).doesNotContain("'n'");
    }

    @Test
    void withoutRefuseLocalPathsAServerPathIsReadOverHttp() {
        List<Step> overHttp = f.steps();
        overHttp.set(1, new RefuseLocalPaths(false));
        assertThat(ChainFixture.text(f.call(overHttp, Map.of("file", "/etc/passwd")))).contains("--files-root");
        assertThat(f.handled).isEmpty();
        overHttp.remove(1);
        assertThat(f.call(overHttp, Map.of("file", "/etc/passwd")).isError()).isFalse();
        assertThat(f.handled).hasSize(1);
    }

    @Test
    void withoutPrecheckTheHandlersRulesAreSkipped() {
        assertThat(ChainFixture.text(canonical(Map.of("n", 13)))).contains("13 is refused");
        assertThat(without("Precheck", Map.of("n", 13)).isError()).isFalse();
        assertThat(f.handled).hasSize(1);
    }

    @Test
    void withoutRequireTokenAKeylessCallIsNotToldWhatToDo() {
        JettyApi none = JettyApi.create(f.server.sandbox().baseUrl(), Token.NONE, Duration.ofSeconds(1),
                Duration.ofSeconds(5), RetryPolicy.NONE, ChainFixture.M, "t");
        Tenant keyless = new Tenant(none, new CollectionScope(Set.of(), none));
        assertThat(ChainFixture.text(f.call(f.steps(), keyless, f.tool, Map.of()))).isEqualTo(JettyApi.NO_TOKEN);
        assertThat(ChainFixture.text(f.call(f.without("RequireToken"), keyless, f.tool, Map.of())))
                .isNotEqualTo(JettyApi.NO_TOKEN);
    }

    @Test
    void withoutResolveCollectionsACollectionOutOfScopeReachesTheHandler() {
        assertThat(canonical(Map.of("collection", SandboxSeeds.ACME)).isError()).isTrue();
        assertThat(f.handled).isEmpty();
        McpSchema.CallToolResult r = without("ResolveCollections", Map.of("collection", SandboxSeeds.ACME));
        assertThat(f.handled).as(ChainFixture.text(r)).hasSize(1);
    }

    @Test
    void withoutCheckPolicyADeniedCallRuns() {
        f.policy = (s, a, r, asker) -> reactor.core.publisher.Mono.error(new ToolError("denied"));
        assertThat(ChainFixture.text(canonical(Map.of()))).isEqualTo("denied");
        assertThat(without("CheckPolicy", Map.of()).isError()).isFalse();
        assertThat(f.handled).hasSize(1);
    }

    @Test
    void withoutRegisterCallerSecretsASecretArgumentIsEchoed() {
        String secret = "caller-secret-value-0042";
        f.answer = c -> ChainFixture.M.createObjectNode().put("echo", "got " + c.str("key"));
        assertThat(ChainFixture.text(canonical(Map.of("key", secret)))).doesNotContain(secret);
        assertThat(ChainFixture.text(without("RegisterCallerSecrets", Map.of("key", "other-secret-value-0042"))))
                .contains("other-secret-value-0042");
    }

    @Test
    void withoutLearnCollectionSecretsTheCallsCollectionsSecretsShow() {
        // demo's environment holds KEY; the answer does not name demo, the call does
        f.answer = c -> ChainFixture.M.createObjectNode().put("output", "the key is " + KEY);
        Map<String, Object> args = Map.of("collection", SandboxSeeds.DEMO);
        assertThat(ChainFixture.text(f.call(f.without("LearnCollectionSecrets"), fresh(), f.tool, args))).contains(KEY);
        assertThat(ChainFixture.text(f.call(f.steps(), fresh(), f.tool, args))).doesNotContain(KEY);
    }

    @Test
    void withoutLearnAnswerCollectionsTheSecretsOfACollectionTheAnswerNamesShow() {
        f.answer = c -> ChainFixture.M.createObjectNode().put("collection", SandboxSeeds.DEMO).put("output", "key " + KEY);
        assertThat(ChainFixture.text(f.call(f.without("LearnAnswerCollections"), fresh(), f.tool, Map.of()))).contains(KEY);
        assertThat(ChainFixture.text(f.call(f.steps(), fresh(), f.tool, Map.of()))).doesNotContain(KEY);
    }

    @Test
    void withoutInvokeNothingRuns() {
        assertThat(canonical(Map.of()).isError()).isFalse();
        assertThat(f.handled).hasSize(1);
        assertThat(without("Invoke", Map.of()).isError()).isTrue();
        assertThat(f.handled).hasSize(1);
    }

    @Test
    void withoutShapeThereIsNoAnswerToShow() {
        assertThat(ChainFixture.text(canonical(Map.of()))).isEqualTo("{\"ok\":true}");
        assertThat(without("Shape", Map.of()).isError()).isTrue();
    }

    @Test
    void withoutCleanAndRedactThereIsNoResult() {
        assertThat(canonical(Map.of())).isNotNull();
        assertThat(without("CleanAndRedact", Map.of())).isNull();
    }
}
