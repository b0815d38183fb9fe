package io.jettymcp.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.redact.Redactor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RunToolsTest {

    static final ObjectMapper M = new ObjectMapper();
    final Redactor redactor = new Redactor();
    final RunTools runs = new RunTools(context(redactor), new TrajectoryWaiter(new TrajectoryReader(context(redactor))));

    static ToolContext context(Redactor redactor) {
        Settings s = new Settings("http://127.0.0.1:1", Token.NONE, Set.of(), Set.of(), Set.of(), Set.of(), false,
                Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(Path.of(".")), false, Path.of("target/dl"), 16384,
                1024, false);
        return new ToolContext(s, M, redactor, "test");
    }

    @Test
    void autoSendsTrialKeysOnlyForAnActiveTrialWithoutAProviderKey() throws Exception {
        var trial = M.readTree("{\"active\":true,\"runs_used\":3,\"runs_limit\":10,\"runs_remaining\":7}");
        var noKeys = M.readTree("{\"environment_variables\":{\"PLAIN\":\"x\",\"OPENAI_API_KEY\":\"  \"}}");
        RunTools.TrialKeys tk = runs.decide(trial, noKeys);
        assertThat(tk.value()).isEqualTo("true");
        assertThat(tk.why()).contains("auto");

        var withKey = M.readTree("{\"environment_variables\":{\"ANTHROPIC_API_KEY\":\"sk-ant-api03-abcdefghijklmnop\"}}");
        RunTools.TrialKeys keyed = runs.decide(trial, withKey);
        assertThat(keyed.value()).isNull();
        assertThat(keyed.why()).contains("ANTHROPIC_API_KEY").doesNotContain("sk-ant");
        assertThat(redactor.redact("echo sk-ant-api03-abcdefghijklmnop")).doesNotContain("abcdefghijklmnop");

        assertThat(runs.decide(M.readTree("{\"active\":false}"), noKeys).value()).isNull();
        assertThat(runs.decide(M.readTree("{\"status\":\"active\",\"runs_remaining\":2}"), noKeys).value()).isEqualTo("true");
        assertThat(runs.decide(M.readTree("{\"active\":true,\"runs_remaining\":0}"), noKeys).why()).contains("no runs left");
    }
}
