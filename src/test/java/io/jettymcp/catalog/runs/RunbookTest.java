package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.catalog.files.LocalFiles;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.TestContexts;
import io.jettymcp.tool.ToolCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunbookTest {

    private static final ObjectMapper M = new ObjectMapper();

    static final String RUNBOOK = """
            ---
            version: 1.2
            evaluation: programmatic
            agent: claude-code
            model: anthropic/claude-sonnet-4.6
            model_provider: openrouter
            snapshot: prism-playwright
            primary_outputs: [extracted_tables.json]
            secrets:
              PDF_API_KEY:
                env: PDF_SERVICE_KEY
                description: key for the PDF service
                required: true
              OPTIONAL_TOKEN:
                env: NICE_TO_HAVE
                required: false
            parameters:
              sample_size:
                default: 10
              language:
                required: true
              style: terse
            ---
            # Extract tables
            Read {{ sample_size }} PDFs in {{language}}. Write results to {{results_dir}}. Mention {{audience}}.
            """;

    @Test
    void frontmatterIsRead() {
        Runbook rb = Runbook.parse(RUNBOOK, M);
        assertThat(rb.field("model")).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(rb.field("snapshot")).isEqualTo("prism-playwright");
        assertThat(rb.secrets()).containsExactly("PDF_SERVICE_KEY");
        assertThat(rb.defaults()).containsEntry("sample_size", "10").containsEntry("style", "terse");
        assertThat(rb.required()).containsExactly("language");
        assertThat(rb.placeholders()).containsExactly("sample_size", "language", "results_dir", "audience");
    }

    @Test
    void noFrontmatterAndListSecretsWork() {
        assertThat(Runbook.parse("# Just text {{x}}", M).frontmatter().isEmpty()).isTrue();
        Runbook rb = Runbook.parse("---\nsecrets: [A_KEY, {env: B_KEY}]\n---\nbody", M);
        assertThat(rb.secrets()).containsExactly("A_KEY", "B_KEY");
        assertThat(Runbook.parse("---\nsecrets: {}\n---\nbody", M).secrets()).isEmpty();
        assertThat(Runbook.parse("---\nsecrets: null\n---\nbody", M).secrets()).isEmpty();
    }

    @Test
    void frontmatterWithCommentsNestedOriginAndNoSecretsParses() {
        Runbook rb = Runbook.parse("""
                ---
                version: "2.0.1"
                evaluation: rubric
                model: claude-sonnet-4-6
                model_provider: anthropic
                # the headline deliverables, in order
                primary_outputs:
                  - report.json
                origin:
                  url: "https://example.org/skill"
                  attribution: {org: example, confidence: high}
                secrets: {}
                ---

                Do {{operation}} and write report.json to {{results_dir}}.
                """, M);
        assertThat(rb.field("model")).isEqualTo("claude-sonnet-4-6");
        assertThat(rb.field("version")).isEqualTo("2.0.1");
        assertThat(rb.secrets()).isEmpty();
        assertThat(rb.placeholders()).containsExactly("operation", "results_dir");
    }

    @Test
    void badYamlIsAToolError() {
        assertThatThrownBy(() -> Runbook.parse("---\nmodel: [unclosed\n---\nbody", M)).isInstanceOf(ToolError.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void modelChecksFollowTheTroubleshootingGuide() {
        List<String> w = new ArrayList<>();
        assertThatThrownBy(() -> RunbookTools.checkModel("", "anthropic", w)).hasMessageContaining("empty");
        assertThatThrownBy(() -> RunbookTools.checkModel(null, null, w)).hasMessageContaining("empty");
        assertThatThrownBy(() -> RunbookTools.checkModel("claude-sonnet-4-6", "openrouter", w))
                .hasMessageContaining("anthropic/claude-sonnet-4.6").hasMessageContaining("provider-qualified");
        assertThatThrownBy(() -> RunbookTools.checkModel("claude-sonnet-4-6", null, w)).hasMessageContaining("model_provider");
        RunbookTools.checkModel("anthropic/claude-sonnet-4.6", "openrouter", w);
        RunbookTools.checkModel("claude-sonnet-4-6", "anthropic", w);
        RunbookTools.checkModel("anthropic/claude-sonnet-4.6", null, w);
        assertThat(w).isEmpty();
        RunbookTools.checkModel("anthropic/claude-sonnet-4.6", "anthropic", w);
        assertThat(w).hasSize(1);
        assertThat(RunbookTools.dotted("claude-sonnet-4-6")).isEqualTo("claude-sonnet-4.6");
    }

    @Test
    void theRequestCarriesVariablesInTheJettyBlockNotTheUserMessage(@TempDir Path dir) throws Exception {
        RunbookTools tools = new RunbookTools(TestContexts.ctx(dir), TestContexts.spec("run-runbook"));
        ObjectNode args = M.createObjectNode().put("task", "t1");
        args.putObject("template_variables").put("language", "fr").put("sample_size", 3);
        args.putArray("file_paths").add("demo/_sandbox_uploads/u1/in.pdf");
        ToolCall call = new ToolCall(null, args, "demo", null, ToolCall.Progress.NONE);
        Runbook rb = Runbook.parse(RUNBOOK, M);
        RunbookTools.Plan plan = tools.plan(call, rb);
        assertThat(plan.secrets()).containsExactly("PDF_SERVICE_KEY");
        assertThat(plan.warnings()).anyMatch(s -> s.contains("audience"));
        JsonNode body = tools.body(rb.text(), plan, java.util.Optional.empty(), 5);
        assertThat(body.path("model").asText()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(body.path("stream").isBoolean()).isTrue();
        assertThat(body.path("stream").asBoolean(true)).as("real clients start runbooks without streaming").isFalse();
        assertThat(body.path("jetty").path("timeout_hint").asInt()).isEqualTo(5);
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo(RUNBOOK);
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("Execute the runbook.");
        JsonNode j = body.path("jetty");
        assertThat(j.path("runbook").asBoolean()).isTrue();
        assertThat(j.path("collection").asText()).isEqualTo("demo");
        assertThat(j.path("model_provider").asText()).isEqualTo("openrouter");
        assertThat(j.path("snapshot").asText()).isEqualTo("prism-playwright");
        assertThat(j.path("template_variables").toString())
                .isEqualTo("{\"sample_size\":\"3\",\"style\":\"terse\",\"language\":\"fr\"}");
        assertThat(j.path("file_paths").get(0).asText()).isEqualTo("demo/_sandbox_uploads/u1/in.pdf");
        assertThat(j.has("use_trial_keys")).isFalse();

        Runbook shouting = Runbook.parse(RUNBOOK.replace("model_provider: openrouter", "model_provider: OpenRouter"), M);
        assertThatThrownBy(() -> tools.plan(call, shouting)).hasMessageContaining("'OpenRouter'");
        Runbook badAgent = Runbook.parse(RUNBOOK.replace("agent: claude-code", "agent: claude"), M);
        assertThatThrownBy(() -> tools.plan(call, badAgent)).hasMessageContaining("'claude'");

        ObjectNode missing = M.createObjectNode().put("task", "t1");
        assertThatThrownBy(() -> tools.plan(new ToolCall(null, missing, "demo", null, ToolCall.Progress.NONE), rb))
                .hasMessageContaining("[language]");
        ObjectNode fileId = M.createObjectNode().put("task", "t1");
        fileId.putObject("template_variables").put("language", "fr");
        fileId.putArray("file_paths").add("file-abc123");
        assertThatThrownBy(() -> tools.plan(new ToolCall(null, fileId, "demo", null, ToolCall.Progress.NONE), rb))
                .hasMessageContaining("not a storage path");
    }

    @Test
    void theTimeoutHintIsFiveSecondsAndLeavesRoomBeforeOurOwnBound() {
        assertThat(RunbookTools.timeoutHint(RunbookTools.START_ABORT)).isEqualTo(5);
        assertThat(RunbookTools.timeoutHint(Duration.ofSeconds(3))).as("a short JETTY_TIMEOUT_SECONDS").isEqualTo(1);
        assertThat(RunbookTools.timeoutHint(Duration.ofMillis(500))).isEqualTo(1);
    }

    @Test
    void localRunbooksAreResolvedAndCheckedLikeOtherLocalFiles(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path home = Files.createDirectories(root.resolve("home"));
        Files.writeString(root.resolve("RUNBOOK.md"), "hello");
        Files.writeString(home.resolve("HOME.md"), "from home");
        Path outside = Files.writeString(dir.resolve("secret.md"), "nope");
        Files.createSymbolicLink(root.resolve("link.md"), outside);
        Files.writeString(root.resolve("huge.md"), "x".repeat(1024 * 1024 + 1));
        // the working directory and home are the root and a folder in it, as LocalFilesTest sets them up
        RunbookTools tools = new RunbookTools(TestContexts.ctx(root), TestContexts.spec("run-runbook"), new LocalFiles(List.of(root), Long.MAX_VALUE, root, home));
        assertThat(tools.read("RUNBOOK.md")).isEqualTo("hello");
        assertThat(tools.read(root.resolve("RUNBOOK.md").toString())).isEqualTo("hello");
        assertThat(tools.read("~/HOME.md")).as("~/ is the home directory, as for upload-file").isEqualTo("from home");
        assertThatThrownBy(() -> tools.read("link.md")).hasMessageContaining("link to a file outside");
        assertThatThrownBy(() -> tools.read("../secret.md")).hasMessageContaining("outside the folders");
        assertThatThrownBy(() -> tools.read("missing.md")).hasMessageContaining("'runbook_path'")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> tools.read("huge.md")).hasMessageContaining("larger than 1 MB");
        // outside the roots, an existing and a missing file get the same answer: it must not reveal which exists
        String existing = errorOf(() -> tools.read(outside.toString()));
        String missing = errorOf(() -> tools.read(dir.resolve("no-such.md").toString()));
        assertThat(existing).contains("outside the folders").contains("'runbook_path'");
        assertThat(missing.replace("no-such.md", "secret.md")).isEqualTo(existing);
    }

    private static String errorOf(Runnable r) {
        try {
            r.run();
        } catch (ToolError e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ToolError");
    }


}
