package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stdio JVM flags are written in three places that cannot share a file: the launcher (sh), the bundle's
 * Windows command line (src/mcpb/manifest.json) and {@link ClientConfig} (snippets without the launcher). The
 * launcher is the source; this test fails when the other two drift from it.
 */
class StdioFlagsTest {

    private static List<String> launcherFlags() throws IOException {
        Matcher m = Pattern.compile("(?m)^opts=\"([^\"]+)\"").matcher(Files.readString(Path.of("jetty-mcp")));
        assertThat(m.find()).as("the launcher's opts= line").isTrue();
        return Arrays.asList(m.group(1).trim().split("\\s+"));
    }

    @Test
    void clientConfigUsesTheLaunchersFlags() throws IOException {
        assertThat(ClientConfig.STDIO_JVM_FLAGS).isEqualTo(launcherFlags());
    }

    @Test
    void theBundlesWindowsCommandUsesTheLaunchersFlags() throws IOException {
        JsonNode args = new ObjectMapper().readTree(Path.of("src/mcpb/manifest.json").toFile())
                .at("/server/mcp_config/platform_overrides/win32/args");
        List<String> flags = new ArrayList<>();
        for (JsonNode a : args) {
            if (a.asText().equals("-jar")) {
                break;
            }
            flags.add(a.asText());
        }
        assertThat(flags).isEqualTo(launcherFlags());
    }
}
