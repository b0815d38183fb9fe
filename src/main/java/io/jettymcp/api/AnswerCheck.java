package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a caller relies on in Jetty's answers, checked by {@link JettyApi} on every successful JSON answer
 * before the caller reads it: a reader that finds a field missing would otherwise show an empty or made-up
 * result. Tool calls install one built from their spec's {@code reads} ({@link JettyApi#withAnswerCheck}).
 */
@FunctionalInterface
public interface AnswerCheck {

    AnswerCheck NONE = (route, req, status, answer) -> {
    };

    /**
     * @param route the route the request matched
     * @throws AnswerDrift when the answer lacks a field the caller relies on
     */
    void check(Routes.Route route, ApiRequest req, int status, JsonNode answer);
}
