package io.jettymcp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.Routes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiDiffTest {

    private static OpenApiDiff diff(String paths) throws Exception {
        return OpenApiDiff.of(new ObjectMapper().readTree("{\"openapi\":\"3.1.0\",\"paths\":" + paths + "}"),
                List.of(Routes.FILE_GET, Routes.TASKS_GET, Routes.TASKS_LIST, Routes.TASKS_CREATE));
    }

    @Test
    void parameterNamesAndPathConvertersDoNotMatter() throws Exception {
        for (String file : List.of("/api/v1/file/{file_path:path}", "/api/v1/file/{file_path}")) {
            OpenApiDiff d = diff("{\"" + file + "\":{\"get\":{}},"
                    + "\"/api/v1/tasks/{collection_name}/{task_name}\":{\"get\":{},\"delete\":{}},"
                    + "\"/api/v1/tasks/{collection_name}/\":{\"get\":{}},\"/api/v1/tasks/{collection_name}\":{\"post\":{}}}");
            assertThat(d.missing()).as(file).isEmpty();
            assertThat(d.extras()).containsExactly("DELETE /api/v1/tasks/{collection_name}/{task_name}");
        }
    }

    @Test
    void aMissingRouteSaysWhenOnlyTheSlashOrTheMethodDiffers() throws Exception {
        OpenApiDiff d = diff("{\"/api/v1/tasks/{c}\":{\"post\":{},\"get\":{}},\"/api/v1/tasks/{c}/{t}\":{\"put\":{}}}");
        assertThat(d.missing()).containsOnlyKeys(Routes.FILE_GET, Routes.TASKS_GET, Routes.TASKS_LIST);
        assertThat(d.missing().get(Routes.TASKS_LIST)).contains("without the trailing slash");
        assertThat(d.missing().get(Routes.TASKS_GET)).isEqualTo("openapi.json has this path for PUT only");
        assertThat(d.missing().get(Routes.FILE_GET)).isEmpty();
    }
}
