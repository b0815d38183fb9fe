package io.jettymcp.shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerShapeTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String s) throws Exception {
        return mapper.readTree(s);
    }

    @Test
    void reportsEachMissingFieldByItsDeclaredPath() throws Exception {
        JsonNode page = json("{\"trajectories\":[{\"trajectory_id\":\"a\"},{\"id\":\"b\"}],\"total\":2}");
        assertThat(AnswerShape.missing(page, List.of("trajectories[]", "total", "has_more", "trajectories[].trajectory_id")))
                .containsExactly("has_more", "trajectories[].trajectory_id");
        assertThat(AnswerShape.missing(json("{\"trajectories\":{}}"), List.of("trajectories[]"))).containsExactly("trajectories[]");
    }

    @Test
    void bareListsAlternativesAndNesting() throws Exception {
        JsonNode hits = json("[{\"entity_name\":\"a\"},{\"full_name\":\"c/b\"}]");
        assertThat(AnswerShape.missing(hits, List.of("[]", "[].entity_name|name|full_name"))).isEmpty();
        assertThat(AnswerShape.missing(hits, List.of("[].entity_name"))).containsExactly("[].entity_name");
        assertThat(AnswerShape.missing(json("{\"a\":[]}"), List.of("[]"))).containsExactly("[]");
        JsonNode nested = json("{\"jetty_metadata\":{\"workflow_id\":\"x--1\"},\"error\":null}");
        assertThat(AnswerShape.missing(nested, List.of("jetty_metadata.trajectory_id|workflow_id", "error"))).isEmpty();
        assertThat(AnswerShape.missing(nested, List.of("jetty_metadata.id", "error.detail"))).containsExactly("jetty_metadata.id", "error.detail");
        assertThat(AnswerShape.missing(json("[]"), List.of("[].name"))).as("no rows, nothing to lack").isEmpty();
    }

    @Test
    void malformedPathsAreNamed() {
        assertThat(AnswerShape.problem("trajectories[].trajectory_id")).isNull();
        assertThat(AnswerShape.problem("[].entity_name|name")).isNull();
        assertThat(AnswerShape.problem("a..b")).contains("empty segment");
        assertThat(AnswerShape.problem("a|")).contains("empty alternative");
        assertThat(AnswerShape.problem("a[0]")).contains("bad segment");
        assertThat(AnswerShape.problem("")).isNotNull();
    }

    @Test
    void wholeShapesCanBeAlternatives() throws Exception {
        String rows = "trajectories[].trajectory_id or [].trajectory_id";
        assertThat(AnswerShape.missing(json("{\"trajectories\":[{\"trajectory_id\":\"a\"}]}"), List.of(rows))).isEmpty();
        assertThat(AnswerShape.missing(json("[{\"trajectory_id\":\"a\"}]"), List.of(rows))).isEmpty();
        assertThat(AnswerShape.missing(json("{\"trajectories\":[{\"id\":\"a\"}]}"), List.of(rows))).containsExactly(rows);
        assertThat(AnswerShape.missing(json("{\"runs\":[]}"), List.of("trajectories[] or []"))).hasSize(1);
        assertThat(AnswerShape.branches(rows)).containsExactly("trajectories[].trajectory_id", "[].trajectory_id");
        assertThat(AnswerShape.problem("a or b[].c")).isNull();
        assertThat(AnswerShape.problem("a or ")).contains("empty segment");
    }
}
