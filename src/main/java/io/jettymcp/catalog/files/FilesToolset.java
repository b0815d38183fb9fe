package io.jettymcp.catalog.files;

import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/files/}. */
public final class FilesToolset {

    private FilesToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        FileTools files = new FileTools(ctx);
        return Map.of(
                "list-files", files::list,
                "upload-file", ToolHandler.prechecked(files::precheckUpload, files::upload),
                "download-file", ToolHandler.prechecked(files::precheckDownload, files::download),
                "get-run-image", new RunImages(ctx)::image);
    }
}
