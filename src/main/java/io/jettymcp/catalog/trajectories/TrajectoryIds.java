package io.jettymcp.catalog.trajectories;

import io.jettymcp.api.Routes;
import io.jettymcp.guard.ArgumentValidator;

/**
 * Jetty's two run identifiers. A run POST answers a workflow id such as
 * {@code jon-runbooks-pdf-amber-hawk--3bc97289}; every trajectory endpoint wants only the suffix after
 * the last {@code --} (polling with the full id silently yields a null status forever), while
 * {@code workflows-logs} wants the full id. Tools accept either and convert here.
 */
public final class TrajectoryIds {

    private TrajectoryIds() {
    }

    /** The trajectory id: the suffix after the last {@code --}, or the value itself. */
    public static String trajectoryId(String idOrWorkflowId) {
        int i = idOrWorkflowId.lastIndexOf("--");
        String id = i < 0 ? idOrWorkflowId : idOrWorkflowId.substring(i + 2);
        ArgumentValidator.checkName("trajectory_id", id);
        return id;
    }

    /** {@code {collection}/{task}--{id}} with '/' replaced by '-', as Jetty builds it. */
    public static String workflowId(String collection, String task, String trajectoryId) {
        return collection + "-" + task + "--" + trajectoryId;
    }

    /** The trajectory's page in the Jetty web app. */
    public static String link(String collection, String task, String trajectoryId) {
        return Routes.webLink(collection, task, trajectoryId);
    }

    /** Adds trajectory_id, workflow_id and link from an answer carrying either id; false when it has neither. */
    public static boolean describe(com.fasterxml.jackson.databind.node.ObjectNode out, com.fasterxml.jackson.databind.JsonNode answer,
                            String collection, String task) {
        String wf = answer.path("workflow_id").isTextual() ? answer.get("workflow_id").asText() : null;
        String id = answer.path("trajectory_id").isTextual() ? answer.get("trajectory_id").asText() : null;
        if (id == null && wf != null && wf.contains("--")) {
            id = wf.substring(wf.lastIndexOf("--") + 2);
        }
        if (id == null || !ArgumentValidator.NAME.matcher(id).matches()) {
            return false;
        }
        out.put("trajectory_id", id);
        if (wf != null) {
            out.put("workflow_id", wf);
        }
        out.put("link", link(collection, task, id));
        return true;
    }
}
