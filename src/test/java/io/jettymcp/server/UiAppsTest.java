package io.jettymcp.server;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Who counts as declaring the MCP Apps extension. */
class UiAppsTest {

    @Test
    void theExtensionWithOurMimeTypeOrWithNoListOfMimeTypesCounts() {
        assertThat(UiApps.declares(Map.of(UiApps.EXTENSION, Map.of("mimeTypes", List.of(UiApps.MIME))))).isTrue();
        assertThat(UiApps.declares(Map.of(UiApps.EXTENSION, Map.of()))).isTrue();
    }

    @Test
    void otherMimeTypesOnlyOrOtherExtensionsOrNothingDoNotCount() {
        assertThat(UiApps.declares(Map.of(UiApps.EXTENSION, Map.of("mimeTypes", List.of("text/html+skybridge"))))).isFalse();
        assertThat(UiApps.declares(Map.of("io.modelcontextprotocol/tasks", Map.of()))).isFalse();
        assertThat(UiApps.declares(Map.of(UiApps.EXTENSION, "yes"))).isFalse();
        assertThat(UiApps.declares((Map<String, ?>) null)).isFalse();
        assertThat(UiApps.declaresRaw(Map.of("experimental", Map.of(UiApps.EXTENSION, Map.of())))).isFalse();
    }

    @Test
    void withoutASessionTheRequestsOwnMetaDecides() {
        Map<String, Object> caps = Map.of("extensions", Map.of(UiApps.EXTENSION, Map.of()));
        assertThat(UiApps.declaredInRequest(Map.of("_meta", Map.of(UiApps.REQUEST_CAPABILITIES, caps)))).isTrue();
        assertThat(UiApps.declaredInRequest(Map.of("_meta", Map.of()))).isFalse();
        assertThat(UiApps.declaredInRequest(null)).isFalse();
        assertThat(UiApps.declaredBy(null, Map.of(UiApps.REQUEST_CAPABILITIES, caps))).isTrue();
        assertThat(UiApps.declaredBy(null, null)).isFalse();
    }
}
