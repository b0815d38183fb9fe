package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.redact.Redactor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a failed Jetty answer into a message that says what happened and what to do. Jetty's own
 * {@code detail} text is kept (capped): it is usually the most precise explanation there is.
 */
public final class ApiErrors {

    static final int DETAIL_CAP = 500;

    private final ObjectMapper mapper;
    private final String baseUrl;
    private final String tokenSource;
    private final Redactor redactor;

    public ApiErrors(ObjectMapper mapper, String baseUrl) {
        this(mapper, baseUrl, null);
    }

    public ApiErrors(ObjectMapper mapper, String baseUrl, String tokenSource) {
        this(mapper, baseUrl, tokenSource, new Redactor());
    }

    /**
     * @param tokenSource where the token came from (e.g. JETTY_API_TOKEN, X-Jetty-Api-Key), named in 401 advice
     * @param redactor    shortens Jetty's detail: it redacts as it cuts, so no secret's head is left at the cut
     */
    public ApiErrors(ObjectMapper mapper, String baseUrl, String tokenSource, Redactor redactor) {
        this.mapper = mapper;
        this.baseUrl = baseUrl;
        this.tokenSource = tokenSource;
        this.redactor = redactor;
    }

    public JettyApiException map(ApiRequest req, ApiResponse res) {
        int s = res.status();
        String what = req.method() + " " + req.path();
        String text = res.text();
        if (res.html()) {
            if (s == 524 || text.contains("Error code 524") || text.contains("error code: 524")) {
                return new JettyApiException(524, "Jetty's edge (Cloudflare 524) gave up after ~100 s on " + what
                        + "; the operation may still be running server-side. Do not repeat it blindly: check its "
                        + "state first (for runs: list-trajectories or wait-for-trajectory).", res);
            }
            if (text.contains("1010")) {
                return new JettyApiException(s, "Jetty's edge (Cloudflare) blocked the request (error 1010: client "
                        + "signature refused). This is not a token problem; the server sends its own User-Agent, so "
                        + "check for a proxy rewriting it.", res);
            }
            return new JettyApiException(s, "Jetty answered " + what + " with HTTP " + s
                    + " and an HTML page instead of JSON (an edge or proxy error)." + (req.retryable() ? " Try again shortly."
                    : " It was not retried, as it may have taken effect before the error."), res);
        }
        String detail = detail(text);
        String d = detail.isEmpty() ? "" : ": " + detail;
        return switch (s) {
            case 400 -> new JettyApiException(s, "Jetty refused the request (400" + d + "). Fix the named value and try again.", res);
            case 401 -> new JettyApiException(s, "Jetty rejected the token (401" + d + "): the key is invalid, inactive "
                    + "or revoked, or was minted on another backend. " + setKey() + "; if the key is fresh, check that "
                    + "JETTY_API_URL (" + baseUrl + ") is the backend it was minted on.", res);
            case 403 -> new JettyApiException(s, forbidden(what, detail, d), res);
            case 404 -> new JettyApiException(s, "Not found (404" + d + "). Check the spelling with list-collections, "
                    + "list-tasks or list-trajectories.", res);
            case 405 -> new JettyApiException(s, "Jetty does not support " + what + " (405" + d + ").", res);
            case 409 -> new JettyApiException(s, "Conflict (409" + d + "): the resource changed or already exists. "
                    + "Read it again, then retry.", res);
            case 422 -> new JettyApiException(s, "Jetty rejected the input (422" + d + "). Fix the listed fields.", res);
            case 429 -> new JettyApiException(s, "Jetty is rate limiting (429" + d + ")."
                    + retryAfter(res.retryAfter()), res);
            default -> s >= 500
                    ? new JettyApiException(s, "Jetty had a server error (" + s + d + ") on " + what + ".", res)
                    : new JettyApiException(s, "Jetty answered " + what + " with HTTP " + s + d + ".", res);
        };
    }

    private String setKey() {
        if (tokenSource != null && tokenSource.startsWith("X-")) {
            return "Send a valid key in the " + tokenSource + " header";
        }
        return "Set a valid key in JETTY_API_TOKEN or ~/.config/jetty/token"
                + (tokenSource == null || tokenSource.equals("none") ? "" : " (this one came from " + tokenSource + ")");
    }

    /**
     * Jetty's 403 is the authority on what a key may touch (whoami may not exist, §7 E3), so its detail decides
     * the advice: an API key is bound to one collection; a user token may lack write access.
     */
    private static String forbidden(String what, String detail, String d) {
        String lower = detail.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("collection")) {
            return "Jetty refused access (403" + d + ") to " + what + ": the key belongs to another collection (an mlc_ "
                    + "key is bound to exactly one). Use the key's own collection (list-collections shows it), or a key "
                    + "made for this collection at jetty.io.";
        }
        if (lower.contains("write") || lower.contains("access level")) {
            return "Jetty refused access (403" + d + ") to " + what + ": the token may read but not write here. Use a "
                    + "token with write access.";
        }
        return "Jetty refused access (403" + d + ") to " + what + ": the key belongs to another collection or lacks "
                + "write access. list-collections shows the collections the key can use.";
    }

    /** Retry-After is seconds or an HTTP date (RFC 9110); shown as given, with the unit only for seconds. */
    private static String retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return " Wait a little, then retry.";
        }
        String v = value.strip().replaceAll("[^\\x20-\\x7e]", "?");
        return v.chars().allMatch(Character::isDigit) ? " Retry after " + v + " s." : " Retry after " + v + ".";
    }

        /** Jetty's FastAPI {@code detail}: a string, or a list of {loc, msg} for validation errors. */
    String detail(String body) {
        String out;
        try {
            JsonNode n = mapper.readTree(body);
            JsonNode d = n == null ? null : n.get("detail");
            if (d == null) {
                d = n == null ? null : n.get("error");
            }
            if (d == null) {
                out = body;
            } else if (d.isTextual()) {
                out = d.asText();
            } else if (d.isArray()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode e : d) {
                    List<String> loc = new ArrayList<>();
                    e.path("loc").forEach(l -> loc.add(l.asText()));
                    parts.add((loc.isEmpty() ? "" : String.join(".", loc) + ": ") + e.path("msg").asText(e.toString()));
                }
                out = String.join("; ", parts);
            } else {
                out = d.toString();
            }
        } catch (IOException | RuntimeException e) {
            out = body;
        }
        out = out.strip().replaceAll("\\s+", " ");
        return out.length() > DETAIL_CAP ? redactor.cut(out, DETAIL_CAP) + " (" + (out.length() - DETAIL_CAP) + " more characters)" : out;
    }
}
