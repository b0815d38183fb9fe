package io.jettymcp.cli;

import io.jettymcp.config.Settings;
import io.jettymcp.transport.OpeningAnswers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a stdio launch keeps its opening answers ({@link OpeningAnswers}) and what they depend on besides the
 * request: this jar (path, size, time: a new build is a new jar), the JDK, the settings and the policy file's content.
 *
 * <p>The directory is {@code $JETTY_MCP_CACHE_DIR}, else the one the launcher keeps its class caches in
 * ({@link #dir(Map, String)}); {@code JETTY_MCP_CACHE_DIR=off} turns it off. A launch from classes (tests, IDEs)
 * keeps nothing.
 */
final class Opening {

    static final String CACHE_DIR_ENV = "JETTY_MCP_CACHE_DIR";

    private Opening() {
    }

    /** @param modern whether the 2026-07-28 era is served too (it answers server/discover) */
    static OpeningAnswers answers(Path jar, Settings settings, boolean modern, Path policy, Map<String, String> env) {
        Path dir = dir(env);
        if (dir == null || !Files.isRegularFile(jar)) {
            return OpeningAnswers.NONE;
        }
        try {
            String policyText = policy == null ? "none" : Files.readString(policy, StandardCharsets.UTF_8);
            String key = String.join("\n",
                    "jar " + jar.toAbsolutePath() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis(),
                    "java " + System.getProperty("java.version"),
                    "settings " + settings.fingerprint() + (modern ? " eras legacy+modern" : " era legacy"),
                    "policy " + Long.toHexString(OpeningAnswers.fnv64(policyText)) + " " + policyText.length());
            return new OpeningAnswers(dir, key);
        } catch (IOException | RuntimeException e) {
            return OpeningAnswers.NONE; // the server says what is wrong with the policy file, if anything
        }
    }

    static Path dir(Map<String, String> env) {
        return dir(env, System.getProperty("os.name", ""));
    }

    /** As the launcher's class caches: ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows, XDG elsewhere. */
    static Path dir(Map<String, String> env, String os) {
        String own = env.get(CACHE_DIR_ENV);
        if (own != null && !own.isBlank()) {
            return own.equals("off") ? null : Path.of(own);
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home")); // as the launcher: $HOME first
        if (os.startsWith("Windows")) {
            String local = env.get("LOCALAPPDATA");
            return local == null || local.isBlank() ? null : Path.of(local, "jetty-mcp");
        }
        if (home == null || home.isBlank()) {
            return null;
        }
        if (os.startsWith("Mac")) {
            return Path.of(home, "Library", "Caches", "jetty-mcp");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "jetty-mcp") : Path.of(home, ".cache", "jetty-mcp");
    }
}
