package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunToolsTest {

    static final ObjectMapper M = new ObjectMapper();

    @Test
    void autoSendsTrialKeysOnlyForAnActiveTrialWithoutAProviderKey() throws Exception {
        var trial = M.readTree("{\"active\":true,\"runs_used\":3,\"runs_limit\":10,\"runs_remaining\":7}");
        Map<String, Boolean> noKeys = Map.of("PLAIN", true, "OPENAI_API_KEY", false); // a blank key is no key
        TrialKeys tk = TrialKeys.decide(trial, noKeys);
        assertThat(tk.value()).isEqualTo("true");
        assertThat(tk.why()).contains("auto");
        assertThat(tk.sent()).contains(true);

        TrialKeys keyed = TrialKeys.decide(trial, Map.of("ANTHROPIC_API_KEY", true));
        assertThat(keyed.value()).isNull();
        assertThat(keyed.why()).contains("ANTHROPIC_API_KEY");
        assertThat(keyed.sent()).isEmpty();

        assertThat(TrialKeys.decide(M.readTree("{\"active\":false}"), noKeys).value()).isNull();
        assertThat(TrialKeys.decide(M.readTree("{\"status\":\"active\",\"runs_remaining\":2}"), noKeys).value()).isEqualTo("true");
        assertThat(TrialKeys.decide(M.readTree("{\"active\":true,\"runs_remaining\":0}"), noKeys).why()).contains("no runs left");
        // a runs_remaining Jetty did not send as a number is unreadable: not sent (Jetty applies trial keys itself)
        assertThat(TrialKeys.decide(M.readTree("{\"active\":true,\"runs_remaining\":\"0\"}"), noKeys).value()).isNull();
    }

    /** The edges run-task and run-runbook once decided differently; both now call {@link TrialKeys#decide}. */
    @Test
    void autoSendsNothingWhenAnythingIsUnknownOrAKeyExists() throws Exception {
        var active = M.readTree("{\"active\":true,\"runs_remaining\":7}");
        var failedLookUp = MissingNode.getInstance();
        assertThat(TrialKeys.decide(active, Map.of("OPENROUTER_API_KEY", true)).why())
                .isEqualTo("not sent (auto: the collection has OPENROUTER_API_KEY)");
        assertThat(TrialKeys.decide(failedLookUp, Map.of()).sent()).isEmpty();
        assertThat(TrialKeys.decide(failedLookUp, Map.of()).why()).contains("could not read the trial;");
        assertThat(TrialKeys.decide(active, null).why()).contains("could not read the collection's provider keys");
        assertThat(TrialKeys.decide(failedLookUp, Map.of("OPENAI_API_KEY", true)).why()).contains("OPENAI_API_KEY");
        assertThat(TrialKeys.decide(M.readTree("{\"active\":\"yes\"}"), Map.of()).sent()).isEmpty();
        assertThat(TrialKeys.explicit(false).sent()).contains(false);
    }
}
