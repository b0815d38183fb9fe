package io.jettymcp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark's checks of a first result and of the report's hand-written part (no timing here). */
class StartupBenchTest {

    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void readsCollectionNamesFromBothServersShapes() throws IOException {
        String official = "{\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":"
                + "\"[{\\\"id\\\":1,\\\"name\\\":\\\"demo\\\"},{\\\"id\\\":2,\\\"name\\\":\\\"acme\\\"}]\"}]}}";
        String ours = "{\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":"
                + "\"{\\\"collections\\\":[{\\\"name\\\":\\\"demo\\\"},{\\\"name\\\":\\\"acme\\\"}],\\\"count\\\":2}\"}],"
                + "\"isError\":false}}";

        assertThat(StartupBench.collections(M.readTree(official))).containsExactly("acme", "demo");
        assertThat(StartupBench.collections(M.readTree(ours))).containsExactly("acme", "demo");
    }

    @Test
    void aToolErrorIsNotAFirstResult() {
        String error = "{\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Jetty rejected the key\"}],"
                + "\"isError\":true}}";

        assertThatThrownBy(() -> StartupBench.collections(M.readTree(error)))
                .hasMessageContaining("tool error: Jetty rejected the key");
    }

    @Test
    void keepsEverythingFromTheMarkerOn() {
        String report = "# generated\n\n| a |\n\n" + StartupBench.MARKER + "\n\n## First call: by hand\n\ntext\n";

        assertThat(StartupBench.handWritten(report)).isEqualTo(StartupBench.MARKER + "\n\n## First call: by hand\n\ntext\n");
        assertThat(StartupBench.handWritten("# old report without a marker\n")).isEqualTo(StartupBench.MARKER + "\n");
    }
}
