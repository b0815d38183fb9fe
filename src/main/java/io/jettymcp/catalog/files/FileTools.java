package io.jettymcp.catalog.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Files between this machine and Jetty storage: upload (local files under the allowed roots), download
 * (written under the download directory and never outside it, whatever the storage path or save_as
 * says), and listing by prefix. Storage paths are collection-prefixed; the guard chain has already
 * checked that their collection is in scope.
 */
public final class FileTools {

    static final int INLINE_MAX_BYTES = 8 * 1024;
    static final int LIST_CAP = 500;
    /** Large enough for run artefacts (videos, zips); small enough that a mistake cannot fill a disk. */
    static final long MAX_DOWNLOAD_BYTES = 512L * 1024 * 1024;

    private final ToolContext ctx;
    private final LocalFiles files;

    public FileTools(ToolContext ctx) {
        this.ctx = ctx;
        this.files = new LocalFiles(ctx.settings().filesRoots(), ctx.settings().maxUploadBytes(), Path.of(""),
                LocalFiles.userHome());
    }

    /** Before any request (and before an approval prompt): the files exist, are allowed and fit. */
    public void precheckUpload(ObjectNode args) {
        JsonNode given = args.get("paths");
        if (given != null && given.isArray()) {
            files.checkAll("paths", ToolCall.texts(given));
        }
    }

    /** Before any request: where the file would be written stays inside the download directory. */
    public void precheckDownload(ObjectNode args) {
        String saveAs = args.path("save_as").asText(null);
        String path = args.path("path").asText(null);
        if (saveAs == null && path == null) {
            return; // the validator has said that path is required
        }
        if (!ctx.settings().localFilesAllowed()) {
            if (saveAs != null) {
                throw ToolError.argument("save_as", "names a file on the server's disk, which this server does not write "
                        + "over HTTP; leave it out to get a small text file inline, or start the server with --files-root");
            }
            return;
        }
        Path dir = ctx.settings().downloadDir();
        checkNoEscape(dir, target(dir, saveAs != null ? saveAs : path, saveAs != null ? "save_as" : "path"));
    }

    public Mono<JsonNode> upload(ToolCall call) {
        List<LocalFiles.Checked> local = files.checkAll("paths", ToolCall.texts(call.node("paths")));
        // each file opened once and sent from what was opened (F6)
        return Mono.using(() -> files.openAll("paths", local), opened -> {
            List<ApiRequest.FilePart> parts = new ArrayList<>();
            opened.forEach(f -> parts.add(new ApiRequest.FilePart("files", f.name(), f::stream)));
            return call.api().json(ApiRequest.multipart(Routes.FILES_UPLOAD.path(), java.util.Map.of(), parts))
                    .onErrorMap(e -> opened.stream().anyMatch(LocalFiles.Opened::changed),
                            e -> opened.stream().filter(LocalFiles.Opened::changed).findFirst().orElseThrow().changedError("paths"));
        }, opened -> opened.forEach(LocalFiles.Opened::close))
                .onErrorMap(JettyApiException.class, e -> e.outcomeUnknown() ? new ToolError(e.getMessage()
                        + " The files may or may not have been stored; uploading again only makes another copy.") : e)
                .map(answer -> {
                    ObjectNode o = ctx.mapper().createObjectNode();
                    o.setAll((ObjectNode) (answer.isObject() ? answer : ctx.mapper().createObjectNode().set("answer", answer)));
                    o.put("next", "Pass file_paths where a run reads storage paths: init_params.file_paths of a run, or "
                            + "jetty.file_paths of a runbook call. (run-task can also send local files itself with its files argument.)");
                    return o;
                });
    }

    public Mono<JsonNode> list(ToolCall call) {
        Mono<String> prefix = call.has("prefix") ? Mono.just(withinCollection(call.str("prefix")))
                : call.tenant().scope().resolve(ctx.settings().pinnedCollection()).map(c -> c + "/")
                .onErrorMap(e -> e instanceof ToolError && e.getMessage().startsWith("Invalid argument 'collection'"),
                        e -> ToolError.argument("prefix", "is needed: this token may use several collections, so start "
                                + "the prefix with one (list-collections shows them)."));
        return prefix.flatMap(p -> call.api().json(ApiRequest.get(Routes.FILES_LIST.path()).withQuery("prefix", p)).map(answer -> {
            JsonNode list = answer.isArray() ? answer : answer.path("files");
            List<JsonNode> own = new ArrayList<>();
            String collection = p.substring(0, p.indexOf('/') + 1);
            list.forEach(f -> {
                String path = f.isTextual() ? f.asText() : f.path("path").asText(null);
                if (path == null || path.startsWith(collection)) {
                    own.add(f); // a second line of defence: never another collection's file, whatever Jetty matched
                }
            });
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("prefix", p);
            ArrayNode out = o.putArray("files");
            own.stream().limit(LIST_CAP).forEach(out::add);
            o.put("count", own.size());
            if (own.size() > LIST_CAP) {
                o.put("more", (own.size() - LIST_CAP) + " more files; narrow the prefix.");
            }
            return o;
        }));
    }

    /**
     * Jetty matches the prefix with a plain startsWith, so a bare collection name ("demo") would also list
     * collections whose names start with it ("demo-other/…"): a prefix without '/' is the collection itself.
     */
    static String withinCollection(String prefix) {
        return prefix.contains("/") ? prefix : prefix + "/";
    }

    public Mono<JsonNode> download(ToolCall call) {
        String storagePath = call.str("path");
        String saveAs = call.str("save_as");
        boolean inline = call.bool("inline", true);
        if (!ctx.settings().localFilesAllowed()) {
            return inlineOnly(call, storagePath);
        }
        Path dir = ctx.settings().downloadDir();
        Path target = target(dir, saveAs != null ? saveAs : storagePath, saveAs != null ? "save_as" : "path");
        checkNoEscape(dir, target); // before the request: existing links under the directory are refused too
        ApiRequest req = ApiRequest.get(fileUri(storagePath));
        java.time.Duration deadline = ctx.settings().downloadTimeout();
        // streamed to a temporary file in the download directory, moved into place only once complete
        return Mono.fromCallable(() -> {
                    Files.createDirectories(dir);
                    return Files.createTempFile(dir, ".download-", ".part");
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(tmp -> call.api().download(req, tmp, MAX_DOWNLOAD_BYTES)
                        // however steadily bytes arrive, one download (retries included) ends at the deadline
                        .timeout(deadline, Mono.error(() -> new ToolError("download-file stopped: " + storagePath
                                + " was still arriving after " + deadline.toSeconds() + " s, the most one download may "
                                + "take (JETTY_DOWNLOAD_TIMEOUT_SECONDS). The partial file was removed and nothing was "
                                + "saved. Jetty is sending it very slowly: fetch it from the Jetty web app, or raise "
                                + "JETTY_DOWNLOAD_TIMEOUT_SECONDS.")))
                        .flatMap(d -> Mono.fromCallable(() -> place(dir, tmp, target, d, storagePath, inline))
                                .subscribeOn(Schedulers.boundedElastic()))
                        // removed before the error is answered (doFinally would run after it), and on cancellation
                        .onErrorResume(e -> Mono.fromRunnable(() -> deleteQuietly(tmp))
                                .subscribeOn(Schedulers.boundedElastic()).then(Mono.error(e)))
                        .doFinally(s -> deleteQuietly(tmp)));
    }

    /**
     * Over HTTP without --files-root the server's disk is not the caller's: nothing is written, and a small
     * text file comes back inline.
     */
    private Mono<JsonNode> inlineOnly(ToolCall call, String storagePath) {
        return call.api().send(ApiRequest.get(fileUri(storagePath))).map(res -> {
            String text = res.body().length <= INLINE_MAX_BYTES ? text(res.contentType(), res.body()) : null;
            if (text == null) {
                throw new ToolError(storagePath + " is " + res.body().length + " bytes" + (res.body().length <= INLINE_MAX_BYTES
                        ? " of binary data" : "") + ": over HTTP this server returns only text files up to "
                        + INLINE_MAX_BYTES / 1024 + " KB inline and writes nothing to its own disk. Open the file from the "
                        + "run's page in the Jetty web app instead.");
            }
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("path", storagePath);
            o.put("bytes", res.body().length);
            if (res.contentType() != null) {
                o.put("content_type", res.contentType());
            }
            o.put("content", text);
            o.put("saved_to", "not saved (served over HTTP: the server's disk is not yours)");
            return o;
        });
    }

    private static String fileUri(String storagePath) {
        // the storage-path check lets one trailing '/' through; the request has always dropped it
        return Routes.FILE_GET.path(storagePath.endsWith("/") ? storagePath.substring(0, storagePath.length() - 1) : storagePath);
    }

    private JsonNode place(Path dir, Path tmp, Path target, JettyApi.Download d, String storagePath, boolean inline)
            throws IOException {
        Files.createDirectories(target.getParent());
        checkNoEscape(dir, target); // again, now that the folders exist
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode o = ctx.mapper().createObjectNode();
        o.put("path", storagePath);
        o.put("saved_to", target.toString());
        o.put("bytes", d.bytes());
        if (d.contentType() != null) {
            o.put("content_type", d.contentType());
        }
        if (inline && d.bytes() <= INLINE_MAX_BYTES) {
            String text = text(d.contentType(), Files.readAllBytes(target));
            if (text != null) {
                o.put("content", text);
            }
        }
        return o;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover .part file in the download directory is harmless
        }
    }

    /** The local file for a relative name under the download directory; refuses absolute names and any '..' escape. */
    static Path target(Path dir, String relative, String arg) {
        Path rel;
        try {
            rel = Path.of(relative);
        } catch (InvalidPathException e) {
            throw ToolError.argument(arg, "is not a valid file name");
        }
        if (rel.isAbsolute() || relative.startsWith("~")) {
            throw ToolError.argument(arg, "must be a relative name: files are written under the download directory "
                    + dir + " only. Nothing was downloaded.");
        }
        Path t = dir.resolve(rel).normalize();
        if (!t.startsWith(dir) || t.equals(dir)) {
            throw ToolError.argument(arg, "points outside the download directory " + dir
                    + "; give a name inside it (no '..'). Nothing was downloaded.");
        }
        return t;
    }

    /** Follows links on the way down: an existing link under the directory must not lead the write elsewhere. */
    static void checkNoEscape(Path dir, Path target) {
        if (Files.isSymbolicLink(target)) {
            throw new ToolError("The download target " + target + " is a symbolic link; remove it or choose another "
                    + "save_as. Nothing was written.");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ToolError("The download target " + target + " is a directory; choose another save_as. Nothing was written.");
        }
        Path p = target.getParent();
        while (p != null && p.startsWith(dir) && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            p = p.getParent();
        }
        if (p == null || !p.startsWith(dir)) {
            return; // nothing under the directory exists yet
        }
        boolean inside;
        try {
            inside = p.toRealPath().startsWith(dir.toRealPath());
        } catch (IOException e) {
            inside = false; // a dangling link, or unreadable: do not write through it
        }
        if (!inside) {
            throw new ToolError("The download directory contains a link leading outside it (" + p
                    + "); files are only written inside " + dir + ". Nothing was written.");
        }
    }

    /** The body as text when it is small, valid UTF-8 and has no NUL bytes (so not an image or a zip). */
    static String text(String contentType, byte[] b) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (ct.startsWith("image/") || ct.startsWith("audio/") || ct.startsWith("video/") || ct.contains("zip")
                || ct.contains("pdf")) {
            return null;
        }
        for (byte x : b) {
            if (x == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
