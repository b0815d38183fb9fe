package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.runs.Runbooks;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static io.jettymcp.e2e.support.ServerProcess.args;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * run-runbook in a server process: {@code ~/RUNBOOK.md} is read from the {@code $HOME} the server started with, and
 * JETTY_TIMEOUT_SECONDS (read at start-up) sets the start's timeout_hint. Everything else about run-runbook is
 * checked in-process by {@code io.jettymcp.catalog.runs.RunsToolsetTest}.
 */
class RunbookE2ETest extends DemoServerTest {

    static final String RUNBOOK = Runbooks.SAMPLE_TABLES;

    @Override
    protected String token() {
        return SandboxSeeds.USER_TOKEN;
    }

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        return builder.env("JETTY_TIMEOUT_SECONDS", "3");
    }

    @BeforeAll
    void writeRunbook() throws Exception {
        Files.writeString(server.home().resolve("RUNBOOK.md"), RUNBOOK);
    }

    @BeforeEach
    void clean() {
        sandbox.reset();
        sandbox.switches().production();
    }

    private RecordedRequest chat() {
        List<RecordedRequest> posts = sandbox.requests().matching("POST", "/v1/chat/completions");
        assertThat(posts).hasSize(1);
        return posts.get(0);
    }

    @Test
    void runbookFileStartsAndReturnsIdsWithVariablesInTheJettyBlock() {
        // what needs the process: ~ is the HOME read at start-up, the hint comes from JETTY_TIMEOUT_SECONDS; the rest
        // of the start (ids, body, secrets checked first) is RunsToolsetTest's
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "rb-e2e", "runbook_path", "~/RUNBOOK.md",
                "template_variables", Map.of("sample_size", "7")));
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(out.path("trajectory_id").asText()).matches("[0-9a-f]{8}");
        JsonNode body = chat().bodyJson();
        assertThat(body.path("messages").get(0).path("content").asText()).as("the file under ~").isEqualTo(RUNBOOK);
        assertThat(body.path("jetty").path("timeout_hint").asInt()).as("half the 3 s bound, at least 1").isEqualTo(1);
        assertThat(body.path("jetty").path("template_variables").path("sample_size").asText()).isEqualTo("7");
        assertThat(out.toString()).doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY);
    }
}
