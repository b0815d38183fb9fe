package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** Storage: file download, listing and the two upload flows (jetty-api.md §2.5). */
final class FilesApi {

    private final Sim sim;

    FilesApi(Sim sim) {
        this.sim = sim;
    }

    void register(Router r) {
        r.add("GET", "/api/v1/file/{path:path}", this::file);
        r.add("GET", "/api/v1/list-files", this::list);
        r.add("POST", "/api/v1/sandbox/upload", this::sandboxUpload);
        r.add("POST", "/api/v1/files", this::openAiFile);
        // documented in one routines guide but absent upstream
        Router.Handler notAllowed = ex -> Reply.json(405, Json.obj().put("detail", "Method Not Allowed"));
        r.add("POST", "/api/v1/files/upload", notAllowed);
        r.add("GET", "/api/v1/files/upload", notAllowed);
        r.add("PUT", "/api/v1/files/upload", notAllowed);
    }

    private static String collectionOf(String path) {
        int s = path.indexOf('/');
        return s < 0 ? path : path.substring(0, s);
    }

    private Reply file(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String path = ex.param("path");
        Auth.scope(p, collectionOf(path), false);
        StoredFile f = sim.state().files.get(path);
        if (f == null) {
            throw ApiError.detail(404, "File not found");
        }
        return Reply.raw(200, null, f.contentType(), f.data())
                .header("content-disposition", "attachment; filename=\"" + f.name() + "\"");
    }

    private Reply list(Exchange ex) {
        Principal p = sim.auth.require(ex);
        String prefix = ex.q("prefix");
        if (prefix == null || prefix.isBlank()) {
            throw ApiError.missing("query", "prefix");
        }
        Auth.scope(p, collectionOf(prefix), false);
        ObjectNode o = Json.obj();
        o.put("prefix", prefix);
        ArrayNode files = o.putArray("files");
        for (StoredFile f : sim.state().files.tailMap(prefix).values()) {
            if (!f.path().startsWith(prefix)) {
                break;
            }
            ObjectNode n = files.addObject();
            n.put("path", f.path());
            n.put("name", f.name());
            n.put("size", f.data().length);
            n.put("content_type", f.contentType());
            n.put("created", Json.ts(f.created()));
        }
        o.put("count", files.size());
        return Reply.json(o);
    }

    /** Collection for an upload: the form's "collection" field, else the API key's own collection. */
    private CollectionRec uploadCollection(Principal p, Form form) {
        String c = RunsApi.blankToNull(form.text("collection"));
        if (c == null) {
            c = p.scope();
        }
        if (c == null) {
            throw ApiError.missing("body", "collection");
        }
        CollectionRec col = sim.collection(p, c, false, CollectionsApi.NOT_FOUND);
        Auth.write(p);
        return col;
    }

    private Reply sandboxUpload(Exchange ex) {
        Principal p = sim.auth.require(ex);
        Form form = Form.of(ex);
        List<Multipart.Part> files = form == null ? List.of() : form.files("files");
        if (files.isEmpty()) {
            throw ApiError.missing("body", "files");
        }
        CollectionRec c = uploadCollection(p, form);
        String uploadId = sim.state().hex8() + sim.state().hex8();
        Instant now = sim.clock.now();
        ObjectNode o = Json.obj();
        o.put("upload_id", uploadId);
        ArrayNode paths = o.putArray("file_paths");
        for (int i = 0; i < files.size(); i++) {
            Multipart.Part f = files.get(i);
            String path = c.name + "/_sandbox_uploads/" + uploadId + "/" + Form.safeName(f.filename(), "file" + i);
            sim.state().files.put(path, new StoredFile(path, ct(f, path), f.data(), now));
            paths.add(path);
        }
        o.put("count", files.size());
        return Reply.json(o);
    }

    private Reply openAiFile(Exchange ex) {
        Principal p = sim.auth.require(ex);
        Form form = Form.of(ex);
        Multipart.Part f = form == null ? null : form.file("file");
        if (f == null) {
            throw ApiError.missing("body", "file");
        }
        CollectionRec c = uploadCollection(p, form);
        String id = "file-" + sim.state().hex8() + sim.state().hex8() + sim.state().hex8();
        String name = Form.safeName(f.filename(), "upload.bin");
        String path = c.name + "/_files/" + id + "/" + name;
        Instant now = sim.clock.now();
        sim.state().files.put(path, new StoredFile(path, ct(f, path), f.data(), now));
        sim.state().fileIds.put(id, path);
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("object", "file");
        o.put("bytes", f.data().length);
        o.put("created_at", now.getEpochSecond());
        o.put("filename", name);
        o.put("purpose", RunsApi.blankToNull(form.text("purpose")) == null ? "assistants" : form.text("purpose"));
        o.put("status", "uploaded");
        return Reply.json(o);
    }

    private static String ct(Multipart.Part f, String path) {
        return f.contentType() != null ? f.contentType() : StoredFile.contentTypeFor(path);
    }
}
