package io.jettymcp.catalog.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** tool-specs/data (plain REST mappings) through the real registry and chain, against an in-process sandbox. */
class DataToolsetTest extends ToolsetTestBase {

    @Test
    void everyToolIsPublishedWithTitleAndAllFourAnnotations() {
        definitionsAreComplete(server, "data", "list-datasets", "list-models");
    }

    @Test
    void datasetsAreCompactRowsUnlessFull() {
        JsonNode ds = server.ok("list-datasets", Map.of());
        assertThat(ds.path("count").asInt()).isEqualTo(2);
        JsonNode first = ds.path("datasets").get(0);
        assertThat(first.path("name").asText()).isEqualTo("harbour-tickets");
        assertThat(first.path("format").asText()).isEqualTo("csv");
        assertThat(first.has("description")).isTrue();
        assertThat(first.has("croissant_metadata")).isFalse();
        assertThat(server.ok("list-datasets", Map.of("full", true)).path("datasets").get(0).has("dataset_metadata")).isTrue();
        assertThat(sandbox.requests().matching("GET", "/api/v1/datasets/demo")).hasSize(2);
    }

    @Test
    void modelsAreCompactRows() {
        JsonNode models = server.ok("list-models", Map.of());
        assertThat(models.path("models").findValuesAsText("name")).containsExactly("ticket-classifier", "haiku-lora");
        assertThat(models.path("models").get(0).path("framework").asText()).isEqualTo("sklearn");
        assertThat(models.path("models").get(0).has("model_attributes")).isFalse();
        assertThat(sandbox.requests().matching("GET", "/api/v1/models/demo/")).hasSize(1);
    }

    @Test
    void badArgumentsAndOtherCollectionsAreRefusedWithoutARequest() {
        assertThat(server.error("list-datasets", Map.of("full", "yes"))).contains("'full'");
        assertThat(server.error("list-models", Map.of("collection", "acme"))).contains("outside");
        assertThat(server.error("list-datasets", Map.of("collection", "acme"))).contains("outside");
        assertThat(sandbox.requests().matching("*", "/api/v1/(datasets|models)/.*")).isEmpty();
    }
}
