package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox is its own world (it imports nothing of the server), so it keeps its own copy of the Jetty facts
 * the tool specs also publish; each copy is checked against the spec here.
 */
class SandboxSpecFactsTest {

    private static final List<ToolSpec> SPECS = new SpecLoader(new ObjectMapper()).loadPackaged();

    private static ToolSpec spec(String name) {
        return SPECS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void cadenceNames() {
        for (String tool : List.of("create-routine", "update-routine")) {
            assertThat(Cadence.TYPES).as(tool).isEqualTo(spec(tool).inputEnum("/properties/cadence/properties/type"));
            assertThat(Cadence.DAYS).as(tool).isEqualTo(spec(tool).inputEnum("/properties/cadence/properties/day_of_week"));
        }
    }

    @Test
    void routineNamePattern() {
        assertThat(RoutinesApi.SLUG.pattern()).isEqualTo(spec("create-routine").inputPattern("/properties/name").pattern());
    }

    @Test
    void runbookAgentsAndProviders() {
        assertThat(ChatApi.AGENTS).isEqualTo(Set.copyOf(spec("run-runbook").inputEnum("/properties/agent")));
        assertThat(ChatApi.PROVIDERS).isEqualTo(Set.copyOf(spec("run-runbook").inputEnum("/properties/model_provider")));
    }

    @Test
    void subscriptionCredentials() {
        assertThat(RunsApi.SUBSCRIPTIONS)
                .isEqualTo(Set.copyOf(spec("run-task").inputEnum("/properties/subscription_credential")));
    }

    @Test
    void settableTrajectoryStatuses() {
        assertThat(TrajectoriesApi.SETTABLE)
                .isEqualTo(Set.copyOf(spec("set-trajectory-status").inputEnum("/properties/status")));
    }
}
