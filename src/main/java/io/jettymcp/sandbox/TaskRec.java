package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** A task (named workflow) in a collection. Guarded by the Sim lock. */
final class TaskRec {

    final int id;
    final int collectionId;
    String name;
    ObjectNode workflow;
    String version = "1.0.0";
    String description = "";
    boolean hasFileUploads;
    boolean isPrivate = true;
    boolean isChatFlow;
    JsonNode croissantMetadata;
    final Instant createdAt;
    Instant updatedAt;

    TaskRec(int id, int collectionId, String name, ObjectNode workflow, Instant createdAt) {
        this.id = id;
        this.collectionId = collectionId;
        this.name = name;
        this.workflow = workflow;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    /** TaskResponse as the plain GET returns it (env/storage only via task-details). */
    ObjectNode toJson() {
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("name", name);
        o.set("workflow", workflow.deepCopy());
        o.put("collection_id", collectionId);
        o.put("version", version);
        o.put("description", description);
        o.put("has_file_uploads", hasFileUploads);
        o.put("entity_type", "task");
        o.put("is_private", isPrivate);
        o.put("is_chat_flow", isChatFlow);
        o.set("croissant_metadata", croissantMetadata == null ? Json.F.nullNode() : croissantMetadata.deepCopy());
        o.put("created_at", Json.ts(createdAt));
        o.put("updated_at", Json.ts(updatedAt));
        o.putNull("environment_variables");
        o.putNull("storage_info");
        o.putNull("storage_provider");
        return o;
    }

    /** TaskListResponse row. */
    ObjectNode toListJson(String collectionName) {
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("name", name);
        o.set("workflow", workflow.deepCopy());
        o.put("version", version);
        o.put("description", description);
        o.put("has_file_uploads", hasFileUploads);
        o.put("collection_id", collectionId);
        o.put("collection_name", collectionName);
        o.put("entity_type", "task");
        o.put("is_private", isPrivate);
        o.set("croissant_metadata", croissantMetadata == null ? Json.F.nullNode() : croissantMetadata.deepCopy());
        return o;
    }
}
