package io.jettymcp.tool.chain;

import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing reaches Jetty before the policy but whoami: a denied call of a real tool records no other request, and a
 * chain with any request-making step moved before {@link CheckPolicy} does (so this check would catch the move).
 * Also: a failure before the tenant is known is redacted with the server's own secrets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyBeforeRequestsTest {

    final ChainFixture f = new ChainFixture();

    @AfterAll
    void stop() {
        f.close();
    }

    /** Requests the sandbox recorded during a denied get-task call, whoami aside. */
    List<RecordedRequest> sentBeforeDenial(List<Step> steps) {
        f.policy = (s, a, r, asker) -> Mono.error(new ToolError("denied"));
        f.server.sandbox().requests().clear();
        McpSchema.CallToolResult r = f.call(steps, f.server.tenant(), f.server.tools().get("get-task"),
                Map.of("collection", SandboxSeeds.DEMO, "task", "text-echo"));
        assertThat(r.isError()).isTrue();
        return f.server.sandbox().requests().all().stream().filter(q -> !q.path().contains("whoami")).toList();
    }

    @Test
    void theCanonicalChainSendsNothingBeforeADenial() {
        assertThat(sentBeforeDenial(f.steps())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Invoke", "LearnCollectionSecrets+Invoke", "LearnCollectionSecrets+Invoke+LearnAnswerCollections"})
    void movingARequestMakingStepBeforeThePolicyIsCaught(String moved) {
        List<Step> steps = f.steps();
        List<String> names = List.of(moved.split("\\+"));
        List<Step> block = steps.stream().filter(s -> names.contains(s.name())).toList();
        steps.removeAll(block);
        int policy = steps.indexOf(steps.stream().filter(s -> s instanceof CheckPolicy).findFirst().orElseThrow());
        steps.addAll(policy, block);
        assertThat(sentBeforeDenial(steps)).as("requests sent with %s before the policy", moved).isNotEmpty();
    }

    @Test
    void aFailureBeforeTheTenantIsKnownIsRedactedWithTheServersSecrets() {
        TenantSecrets server = new TenantSecrets();
        server.registerKey(SandboxSeeds.DEMO_TOKEN);
        boolean[] asked = new boolean[1];
        CallContext ctx = CallContext.of(() -> {
            asked[0] = true;
            return f.server.tenant();
        }, server);
        // an argument error quoting the server's token: the tenant is not asked for yet, the server's set redacts
        McpSchema.CallToolResult r = new GuardChain(f.steps()).call(f.tool, ctx, Map.of(SandboxSeeds.DEMO_TOKEN, 1))
                .block(Duration.ofSeconds(10));
        assertThat(r.isError()).isTrue();
        assertThat(ChainFixture.text(r)).doesNotContain(SandboxSeeds.DEMO_TOKEN);
        assertThat(asked[0]).as("the tenant is asked for after validation").isFalse();
    }
}
