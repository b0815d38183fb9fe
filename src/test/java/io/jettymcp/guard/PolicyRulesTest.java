package io.jettymcp.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyRulesTest {

    @TempDir
    Path dir;

    private PolicyRules load(String json) throws Exception {
        Path f = dir.resolve("p.json");
        Files.writeString(f, json);
        return PolicyRules.load(f, new ObjectMapper());
    }

    @Test
    void denyBeatsApprovalBeatsAllow() throws Exception {
        PolicyRules p = load("""
                {"default":"allow","rules":[
                  {"tools":["run-*"],"permission":"allow"},
                  {"tools":["run-task"],"permission":"approval_required"},
                  {"tools":["*"],"collections":["prod"],"permission":"deny"}]}""");
        assertThat(p.decide("run-task", "demo")).isEqualTo(PolicyRules.Permission.APPROVAL_REQUIRED);
        assertThat(p.decide("run-runbook", "demo")).isEqualTo(PolicyRules.Permission.ALLOW);
        assertThat(p.decide("run-task", "prod")).isEqualTo(PolicyRules.Permission.DENY);
        assertThat(p.decide("get-task", null)).isEqualTo(PolicyRules.Permission.ALLOW);
        assertThat(p.listed("run-task")).as("denied only in prod: still listed").isTrue();
    }

    @Test
    void defaultDenyListsOnlyWhatARuleAllows() throws Exception {
        PolicyRules p = load("{\"default\":\"deny\",\"rules\":[{\"tools\":[\"list-*\",\"get-*\"],\"permission\":\"allow\"}]}");
        assertThat(p.listed("get-task")).isTrue();
        assertThat(p.listed("delete-task")).isFalse();
        assertThat(p.decide("delete-task", "demo")).isEqualTo(PolicyRules.Permission.DENY);
    }

    @Test
    void badFilesStopStartUpWithTheRuleNamed() {
        assertThatThrownBy(() -> load("{\"rules\":[{\"tools\":[\"x\"],\"permission\":\"maybe\"}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rule 0").hasMessageContaining("allow, approval_required or deny");
        assertThatThrownBy(() -> load("{\"rules\":[{\"permission\":\"deny\"}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'tools'");
    }
}
