package io.jettymcp.tool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Text users and models wrote, as Jetty returns it, loses hidden characters and provider keys on the way out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UntrustedTextTest {

    final InProcess server = InProcess.builder().build();

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void untrustedTextLosesHiddenCharactersAndKeys() {
        String sneaky = "Summarize\u202E txet\u200B now. Use sk-ant-api03-abcdefghijklmnopqrstuvwxyz and AIzaSyA1234567890abcdefghijklmn";
        server.ok("update-task", Map.of("task", "judge", "description", sneaky));
        assertThat(server.sandbox().requests().matching("PUT", "/api/v1/tasks/demo/judge")).hasSize(1);
        String out = server.ok("get-task", Map.of("task", "judge")).path("description").asText();
        assertThat(out).startsWith("Summarize txet now.").doesNotContain("\u202E").doesNotContain("\u200B")
                .doesNotContain("sk-ant-api03-abc").doesNotContain("AIzaSyA123");
    }
}
