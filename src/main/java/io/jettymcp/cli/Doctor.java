package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Settings;
import io.jettymcp.guard.Redactor;
import io.jettymcp.server.Version;
import io.jettymcp.spec.SpecLoader;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code jetty-mcp doctor}: checks what a user would check by hand when the assistant says Jetty
 * does not work — the token and where it came from, the API base URL, what whoami says, the scope
 * and the tool catalog — and prints it (redacted) with what to do about each problem.
 */
final class Doctor {

    private Doctor() {
    }

    static int run(Settings s, PrintStream out) {
        Redactor redactor = new Redactor();
        if (s.token().present()) {
            redactor.register(s.token().value());
        }
        ObjectMapper mapper = new ObjectMapper();
        boolean ok = true;
        out.println("jetty-mcp " + Version.get() + " on Java " + System.getProperty("java.version"));
        out.println("API base URL     " + s.baseUrl() + (s.baseUrl().equals(Settings.DEFAULT_BASE_URL) ? " (default)" : ""));
        out.println("token            " + s.token().masked() + (s.token().present() ? " from " + s.token().source() : ""));
        out.println("collections      " + (s.collections().isEmpty() ? "the token's own scope" : s.collections()));
        out.println("files roots      " + s.filesRoots());
        out.println("downloads        " + s.downloadDir());
        try {
            int n = new SpecLoader(mapper).loadPackaged().size();
            out.println("tool specs       " + n + " valid");
        } catch (RuntimeException e) {
            out.println("tool specs       INVALID: " + e.getMessage());
            ok = false;
        }
        JettyApi api = JettyApi.create(s.baseUrl(), s.token(), s.connectTimeout(), s.responseTimeout(), RetryPolicy.NONE,
                mapper, Version.get());
        try {
            api.json(ApiRequest.get("/api/v1/health").withoutAuth()).block(s.responseTimeout().plusSeconds(2));
            out.println("reachable        yes (/api/v1/health)");
        } catch (RuntimeException e) {
            out.println("reachable        NO: " + redactor.redact(e.getMessage()));
            ok = false;
        }
        if (!s.token().present()) {
            out.println("whoami           skipped: " + JettyApi.NO_TOKEN);
            return 1;
        }
        try {
            JsonNode who = api.json(ApiRequest.get("/api/v1/auth/whoami")).block(Duration.ofSeconds(s.responseTimeout().toSeconds() + 2));
            String scope = who.path("collection_scope").isTextual() ? who.get("collection_scope").asText() : null;
            out.println("whoami           " + who.path("auth_type").asText("?") + ", " + who.path("access_level").asText("?")
                    + ", identifier " + who.path("identifier").asText("?") + ", collection scope " + (scope == null ? "none (user token)" : scope));
            if (scope != null && !s.collections().isEmpty() && !s.collections().contains(scope)) {
                out.println("problem          JETTY_COLLECTIONS " + s.collections() + " does not include the key's collection '"
                        + scope + "': no collection can be used. Fix JETTY_COLLECTIONS or use another key.");
                ok = false;
            }
        } catch (RuntimeException e) {
            out.println("whoami           FAILED: " + redactor.redact(e.getMessage()));
            ok = false;
        }
        out.println(ok ? "All checks passed." : "Some checks failed: see above.");
        return ok ? 0 : 1;
    }
}
