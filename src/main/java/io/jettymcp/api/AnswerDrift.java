package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Jetty answered 2xx, but without a field the caller relies on: the API changed shape. The message
 * (rendered by {@code io.jettymcp.shape.Drift}) names the missing fields and shows the answer, or only its
 * top-level field names when the route can carry secrets. Never retried; for a write the outcome is
 * unknown ({@link #outcomeUnknown()}): the write may have happened.
 */
public final class AnswerDrift extends JettyApiException {

    private static final long serialVersionUID = 1L;

    private final transient Routes.Route route;
    private final List<String> missing;
    private final transient JsonNode answer;

    public AnswerDrift(Routes.Route route, int status, List<String> missing, JsonNode answer, String message) {
        super(status, message, null);
        this.route = route;
        this.missing = List.copyOf(missing);
        this.answer = answer;
    }

    public Routes.Route route() {
        return route;
    }

    /** The declared paths the answer lacks. */
    public List<String> missing() {
        return missing;
    }

    /** The parsed answer; never shown as is for a route with secrets. */
    public JsonNode answer() {
        return answer;
    }

    @Override
    public boolean outcomeUnknown() {
        return route.writes();
    }
}
