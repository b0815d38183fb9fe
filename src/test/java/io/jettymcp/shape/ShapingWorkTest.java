package io.jettymcp.shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F8: shaping is linear in the answer's size and bounded in depth. The work counter (nodes visited plus
 * bytes serialised) for a 1 MB answer nested 200 deep stays within twice that of one nested 25 deep.
 */
class ShapingWorkTest {

    private final ObjectMapper m = new ObjectMapper();

    private long workOf(JsonNode doc) {
        SizeCap cap = new SizeCap(m);
        JsonNode out = cap.fit(doc, 16384, "Use get-task with full.");
        assertThat(cap.size(out)).isLessThanOrEqualTo(16384);
        return cap.work();
    }

    @Test
    void workIsLinearInSizeWhateverTheDepth() {
        long deep = workOf(DeepDocs.nested(200, 1 << 20));
        long shallow = workOf(DeepDocs.nested(25, 1 << 20));
        assertThat(deep).as("work for 200 levels vs 25 levels (%d)", shallow).isLessThanOrEqualTo(2 * shallow);
        assertThat(shallow).as("work for a 1 MB answer").isLessThanOrEqualTo(8L << 20);
    }

    @Test
    void deepLevelsAreSummarised() {
        SizeCap cap = new SizeCap(m);
        JsonNode small = cap.fit(DeepDocs.nested(200, 6000), 16384, null); // within the byte budget, not the depth
        assertThat(depth(small)).isLessThanOrEqualTo(SizeCap.MAX_DEPTH);
        assertThat(cap.write(small)).contains("at depth>" + SizeCap.MAX_DEPTH);
        assertThat(small.path("_truncated").asText()).contains("deeper");

        JsonNode big = cap.fit(DeepDocs.nested(200, 1 << 20), 16384, null);
        assertThat(depth(big)).isLessThanOrEqualTo(SizeCap.MAX_DEPTH);
        assertThat(cap.size(big)).isLessThanOrEqualTo(16384);
    }

    private static int depth(JsonNode n) {
        int d = 0;
        for (JsonNode c : n) {
            d = Math.max(d, depth(c));
        }
        return n.isContainerNode() ? d + 1 : 0;
    }
}
