package io.jettymcp.tool;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Settings;
import io.jettymcp.redact.Redactor;

/** Services every handler may use, built once at start-up and passed in by constructor. */
public record ToolContext(Settings settings, ObjectMapper mapper, Redactor redactor, String version, RecentRuns recentRuns) {

    public ToolContext(Settings settings, ObjectMapper mapper, Redactor redactor, String version) {
        this(settings, mapper, redactor, version, new RecentRuns());
    }
}
