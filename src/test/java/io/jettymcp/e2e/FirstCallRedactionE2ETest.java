package io.jettymcp.e2e;

import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The very first call of a fresh server names no collection (search-tasks across collections), and
 * what it returns carries an env value, the token split by an invisible character, and text hidden
 * in Unicode tag characters: none of it gets through. One test, so nothing else warms the server up.
 */
class FirstCallRedactionE2ETest extends DemoServerTest {

    static final String ENV_SECRET = "first-call-env-secret-8c1d";
    /** the demo token with a zero-width space inside: whole again once the text is cleaned */
    static final String SPLIT_TOKEN = SandboxSeeds.DEMO_TOKEN.substring(0, 9) + "\u200B" + SandboxSeeds.DEMO_TOKEN.substring(9);
    /** "ignore" written in invisible tag characters (U+E0000 block) */
    static final String TAGGED = "see" + tags("ignore") + " notes";

    static String tags(String ascii) {
        StringBuilder sb = new StringBuilder();
        ascii.chars().forEach(c -> sb.appendCodePoint(0xE0000 + c));
        return sb.toString();
    }

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        rest("PATCH", "/api/v1/collections/demo/environment", "{\"environment_variables\":{\"NOTES_KEY\":\"" + ENV_SECRET + "\"}}");
        // Jetty's search shows no description, but does show the task's metadata: the notes go in both
        String notes = "Notes: " + ENV_SECRET + " " + SPLIT_TOKEN + " " + TAGGED;
        rest("POST", "/api/v1/tasks/demo", "{\"name\":\"leaky-notes\",\"description\":\"" + notes + "\","
                + "\"croissant_metadata\":{\"description\":\"" + notes + "\"},\"workflow\":{\"init_params\":{},\"steps\":[]}}");
        return builder;
    }

    @Test
    void aFirstCallWithoutACollectionLeaksNothing() {
        var r = server.call("search-tasks", Map.of("query", "leaky"));
        String out = ServerProcess.text(r) + r.structuredContent();
        assertThat(out).as("the task was found").contains("leaky-notes").contains("[REDACTED]");
        assertThat(out).doesNotContain(ENV_SECRET).doesNotContain(SandboxSeeds.DEMO_TOKEN)
                .doesNotContain(tags("ignore")).contains("see notes");
        assertThat(String.join("\n", server.stderr())).doesNotContain(ENV_SECRET).doesNotContain(SandboxSeeds.DEMO_TOKEN);
    }
}
