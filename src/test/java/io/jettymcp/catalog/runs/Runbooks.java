package io.jettymcp.catalog.runs;

/** Runbooks the run-runbook tests start, in-process (RunsToolsetTest) and in a server process (RunbookE2ETest). */
public final class Runbooks {

    /** Needs OPENROUTER_API_KEY on the collection; one parameter, sample_size. */
    public static final String SAMPLE_TABLES = """
            ---
            version: 1.0
            agent: claude-code
            model: anthropic/claude-sonnet-4.6
            model_provider: openrouter
            snapshot: python312-uv
            secrets:
              OPENROUTER:
                env: OPENROUTER_API_KEY
                required: true
            parameters:
              sample_size:
                default: 5
            ---
            # Sample tables
            Read {{sample_size}} rows from /app/assets. Write summary.md to {{results_dir}}.
            """;

    private Runbooks() {
    }
}
