package io.jettymcp.shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SizeCapTest {

    private final ObjectMapper m = new ObjectMapper();
    private final SizeCap cap = new SizeCap(m);

    @Test
    void smallResultsAreUntouched() {
        ObjectNode o = m.createObjectNode().put("a", 1);
        assertThat(cap.fit(o, 16384, null)).isSameAs(o);
    }

    @Test
    void longListsLoseTheirTailAndSaySo() {
        ObjectNode o = m.createObjectNode();
        ArrayNode rows = o.putArray("rows");
        for (int i = 0; i < 2000; i++) {
            rows.addObject().put("id", i).put("text", "row number " + i);
        }
        JsonNode out = cap.fit(o, 16384, "Use limit/page.");
        assertThat(cap.size(out)).isLessThanOrEqualTo(16384);
        assertThat(out.path("rows").size()).isBetween(1, 1999);
        assertThat(out.path("rows").get(0).path("id").asInt()).isZero();
        assertThat(out.path("_truncated").asText()).contains("left out").contains("Use limit/page.");
    }

    @Test
    void hugeStringsAreShortened() {
        ObjectNode o = m.createObjectNode().put("text", "y".repeat(100_000));
        JsonNode out = cap.fit(o, 16384, null);
        assertThat(cap.size(out)).isLessThanOrEqualTo(16384);
        assertThat(out.path("text").asText()).contains("more characters]");
    }

    @Test
    void anObjectWithThousandsOfKeysKeepsItsFirstFields() {
        ObjectNode o = m.createObjectNode();
        ObjectNode configs = o.put("name", "big").putObject("step_configs");
        for (int i = 0; i < 20_000; i++) {
            configs.putObject("step_" + i).put("activity", "text_echo");
        }
        JsonNode out = cap.fit(o, 16384, null);
        assertThat(cap.size(out)).isLessThanOrEqualTo(16384);
        assertThat(out.has("partial_json")).isFalse();
        assertThat(out.path("name").asText()).isEqualTo("big");
        assertThat(out.path("step_configs").path("step_0").path("activity").asText()).isEqualTo("text_echo");
        assertThat(out.path("_truncated").asText()).contains("field(s) of very large objects left out");
    }
}
