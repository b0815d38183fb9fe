package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Settings;

/**
 * Services every handler may use, built once at start-up and passed in by constructor. No redactor: a handler
 * redacts with its caller's set ({@code call.api().redactor()}, {@code call.secrets()}), never a process-wide one.
 *
 * @param waits reached when a stopping server's drain time is up: every wait answers "still running" then
 */
public record ToolContext(Settings settings, ObjectMapper mapper, String version, RecentRuns recentRuns, WaitLimit waits) {

    public ToolContext(Settings settings, ObjectMapper mapper, String version) {
        this(settings, mapper, version, new RecentRuns());
    }

    public ToolContext(Settings settings, ObjectMapper mapper, String version, RecentRuns recentRuns) {
        this(settings, mapper, version, recentRuns, new WaitLimit());
    }
}
