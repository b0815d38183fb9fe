package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;

import java.util.regex.Pattern;

/**
 * What a started run is known by: the trajectory id (the suffix after the last {@code --} of the
 * workflow id — polling with the full workflow id silently yields a null status), the workflow id,
 * and the web link {@code https://jetty.io/{collection}/{task}/{trajectory_id}}.
 */
final class RunLink {

    static final String WEB = "https://jetty.io/";
    private static final Pattern TRAJECTORY_ID = Pattern.compile("[A-Za-z0-9]{4,64}");

    private RunLink() {
    }

    /** The trajectory id of a workflow id, or null when it has no {@code --} suffix. */
    static String trajectoryId(String workflowId) {
        if (workflowId == null) {
            return null;
        }
        int i = workflowId.lastIndexOf("--");
        String id = i < 0 ? null : workflowId.substring(i + 2);
        return id != null && TRAJECTORY_ID.matcher(id).matches() ? id : null;
    }

    static String link(String collection, String task, String trajectoryId) {
        return WEB + ApiRequest.segment(collection) + "/" + ApiRequest.segment(task) + "/" + ApiRequest.segment(trajectoryId);
    }

    /** Adds trajectory_id, workflow_id and link from an answer carrying either id; false when it has neither. */
    static boolean describe(ObjectNode out, JsonNode answer, String collection, String task) {
        String wf = text(answer, "workflow_id");
        String id = text(answer, "trajectory_id");
        if (id == null) {
            id = trajectoryId(wf);
        }
        if (id == null) {
            return false;
        }
        out.put("trajectory_id", id);
        if (wf != null) {
            out.put("workflow_id", wf);
        }
        out.put("link", link(collection, task, id));
        return true;
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n == null ? null : n.get(f);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
