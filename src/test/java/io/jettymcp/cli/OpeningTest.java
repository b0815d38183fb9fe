package io.jettymcp.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The opening answers live where the launcher keeps its class caches, unless told otherwise. */
class OpeningTest {

    @Test
    void theDirectoryFollowsTheLauncher() {
        assertThat(Opening.dir(Map.of("HOME", "/h"), "Linux")).isEqualTo(Path.of("/h/.cache/jetty-mcp"));
        assertThat(Opening.dir(Map.of("HOME", "/h", "XDG_CACHE_HOME", "/x"), "Linux")).isEqualTo(Path.of("/x/jetty-mcp"));
        assertThat(Opening.dir(Map.of("HOME", "/h"), "Mac OS X")).isEqualTo(Path.of("/h/Library/Caches/jetty-mcp"));
        assertThat(Opening.dir(Map.of("LOCALAPPDATA", "/l"), "Windows 11")).isEqualTo(Path.of("/l/jetty-mcp"));
        assertThat(Opening.dir(Map.of("HOME", "/h", "JETTY_MCP_CACHE_DIR", "/own"), "Linux")).isEqualTo(Path.of("/own"));
        assertThat(Opening.dir(Map.of("HOME", "/h", "JETTY_MCP_CACHE_DIR", "off"), "Linux")).isNull();
    }
}
