package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Settings;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;

import java.util.List;
import java.nio.file.Path;

/** Handler contexts and packaged specs for tests that call one handler class directly. */
public final class TestContexts {

    private static final ObjectMapper M = new ObjectMapper();

    private TestContexts() {
    }

    /** A context whose Jetty is unreachable: for handlers tested without a sandbox. */
    public static ToolContext context() {
        Settings s = Settings.builder().baseUrl("http://127.0.0.1:1").downloadDir(Path.of("target/dl")).build();
        return new ToolContext(s, M, "test");
    }

    /** Like {@link #context}, with local files allowed under (and downloads written to) {@code root}. */
    public static ToolContext ctx(Path root) {
        Settings s = Settings.builder().baseUrl("http://127.0.0.1:1").filesRoots(List.of(root), true).downloadDir(root).build();
        return new ToolContext(s, M, "test");
    }

    /** A packaged tool spec, for handlers that read facts from theirs. */
    public static ToolSpec spec(String name) {
        return new SpecLoader(M).loadPackaged().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
