package io.jettymcp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.Routes;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Settings;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.redact.Redactor;
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
            api.json(ApiRequest.get(Routes.HEALTH.path()).withoutAuth()).block(s.responseTimeout().plusSeconds(2));
            out.println("reachable        yes (" + Routes.HEALTH.template() + ")");
        } catch (RuntimeException e) {
            out.println("reachable        NO: " + redactor.redact(e.getMessage()));
            ok = false;
        }
        if (!s.token().present()) {
            out.println("whoami           skipped: " + JettyApi.NO_TOKEN);
            return 1;
        }
        // whoami only informs (jetty-api.md §7 E3): "unknown" is not a failure, a rejected key is
        CollectionScope.Key who = new CollectionScope(java.util.Set.of(), api).key().block(Duration.ofSeconds(5));
        switch (who.state()) {
            case KNOWN -> {
                String scope = who.scope();
                out.println("whoami           " + orQ(who.authType()) + ", " + orQ(who.accessLevel()) + ", identifier "
                        + orQ(who.identifier()) + ", collection scope " + (scope == null ? "none (user token)" : scope));
                if (scope != null && !s.collections().isEmpty() && !s.collections().contains(scope)) {
                    out.println("problem          JETTY_COLLECTIONS " + s.collections() + " does not include the key's collection '"
                            + scope + "': Jetty will refuse the others (403). Fix JETTY_COLLECTIONS or use another key.");
                    ok = false;
                }
            }
            case UNKNOWN -> out.println("whoami           scope unknown: " + redactor.redact(who.reason()) + ". Not a problem: "
                    + (s.collections().isEmpty() ? "calls must name their collection (or set JETTY_COLLECTIONS)"
                    : "JETTY_COLLECTIONS sets the scope") + ", and Jetty checks the key on each call.");
            case REJECTED -> {
                out.println("whoami           FAILED: " + redactor.redact(who.reason()) + ". Set a valid key (" + s.token().source()
                        + "); if it is fresh, check that JETTY_API_URL is the backend it was minted on.");
                ok = false;
            }
        }
        out.println(ok ? "All checks passed." : "Some checks failed: see above.");
        return ok ? 0 : 1;
    }

    private static String orQ(String v) {
        return v == null ? "?" : v;
    }
}
