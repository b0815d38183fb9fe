package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.catalog.Catalog;
import io.jettymcp.catalog.environment.EnvTools;
import io.jettymcp.catalog.routines.Cadence;
import io.jettymcp.catalog.trajectories.TrajectoryTools;
import io.jettymcp.guard.ToolError;
import io.jettymcp.spec.SpecException;
import io.jettymcp.spec.ToolSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Facts the tool specs state (enums, patterns) are stated there once: handlers read them from the spec, and the
 * few Java copies kept for a reason are checked against the spec here.
 */
class SpecFactsTest {

    private static final ObjectMapper M = new ObjectMapper();

    private static ToolSpec spec(String name) {
        return TestContexts.spec(name);
    }

    /** The spec with its input schema edited. */
    private static ToolSpec edited(String name, Consumer<ObjectNode> edit) {
        ToolSpec s = spec(name);
        ObjectNode input = s.input().deepCopy();
        edit.accept(input);
        return new ToolSpec(s.name(), s.title(), s.toolset(), s.description(), s.annotations(), input, s.outputSchema(),
                s.http(), s.handler(), s.output(), s.auth(), s.reads());
    }

    @Test
    void logLevelsKeepTheSpecsNamesInSeverityOrder() {
        // kept in Java: its order ranks severity, which the spec's enum does not promise
        assertThat(TrajectoryTools.LEVELS).isEqualTo(spec("get-workflow-logs").inputEnum("/properties/level"));
    }

    @Test
    void specsThatShareAFactStateItAlike() {
        for (String p : new String[]{"/properties/cadence/properties/type", "/properties/cadence/properties/day_of_week"}) {
            assertThat(spec("update-routine").inputEnum(p)).as(p).isEqualTo(spec("create-routine").inputEnum(p));
        }
        // delete-env-vars and set-env-vars apply check-secrets' name rule
        assertThat(spec("delete-env-vars").inputPattern(EnvTools.NAME_SCHEMA).pattern())
                .isEqualTo(spec("check-secrets").inputPattern(EnvTools.NAME_SCHEMA).pattern());
    }

    @Test
    void cadenceNamesComeFromTheSpec() {
        Cadence twoDays = Cadence.of(edited("create-routine", in -> ((ArrayNode) in.at(
                "/properties/cadence/properties/day_of_week/enum")).removeAll().add("mon").add("tue")));
        assertThatThrownBy(() -> twoDays.check(M.createObjectNode().put("type", "weekly").put("hour_utc", 9)
                .put("day_of_week", "sun"))).isInstanceOf(ToolError.class).hasMessageContaining("one of mon, tue ");
        assertThatCode(() -> twoDays.check(M.createObjectNode().put("type", "weekly").put("hour_utc", 9)
                .put("day_of_week", "tue"))).doesNotThrowAnyException();
    }

    @Test
    void aSpecCadenceTypeWithoutRulesStopsStartUp() {
        ToolSpec monthly = edited("create-routine", in -> ((ArrayNode) in.at("/properties/cadence/properties/type/enum"))
                .add("monthly"));
        assertThatThrownBy(() -> Cadence.of(monthly)).isInstanceOf(SpecException.class)
                .hasMessageContaining("create-routine").hasMessageContaining("monthly");
    }

    @Test
    void envNamesFollowTheSpecsPattern(@TempDir Path dir) {
        EnvTools upperOnly = new EnvTools(TestContexts.ctx(dir), edited("check-secrets",
                in -> ((ObjectNode) in.at("/properties/names/items")).put("pattern", "^[A-Z]+$")));
        ObjectNode args = M.createObjectNode();
        args.putObject("variables").put("lower_case", "v");
        assertThatThrownBy(() -> upperOnly.precheckVariables(args)).isInstanceOf(ToolError.class)
                .hasMessageContaining("invalid variable name 'lower_case'");
        assertThatCode(() -> new EnvTools(TestContexts.ctx(dir), spec("check-secrets")).precheckVariables(args))
                .doesNotThrowAnyException();
    }

    @Test
    void aFactMissingFromItsSpecStopsStartUp() {
        ToolSpec noEnum = edited("run-runbook", in -> ((ObjectNode) in.at("/properties/agent")).remove("enum"));
        assertThatThrownBy(() -> Catalog.handlers(TestContexts.ctx(Path.of(".")), java.util.List.of(noEnum,
                spec("check-secrets"), spec("create-routine"), spec("update-routine"))))
                .isInstanceOf(SpecException.class).hasMessageContaining("run-runbook").hasMessageContaining("/properties/agent");
    }
}
