package io.jettymcp.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link Settings} from command-line options and the process environment. The environment
 * is passed in (never read from statics here) so tests can give any environment.
 */
public final class SettingsLoader {

    private final Map<String, String> env;

    public SettingsLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Options that came from the command line; null means "not given". */
    public record Flags(Path tokenFile, String toolsets, String tools, String excludeTools, boolean readOnly,
                        List<Path> filesRoots, Path downloadDir, boolean sandbox) {
    }

    public Settings load(Flags flags) {
        Token token = resolveToken(flags.tokenFile());
        String baseUrl = trimmed(env.get("JETTY_API_URL"));
        if (baseUrl == null) {
            baseUrl = readFileQuietly(home().resolve(".config/jetty/api_base"));
        }
        if (baseUrl == null) {
            baseUrl = Settings.DEFAULT_BASE_URL;
        }
        baseUrl = baseUrl.replaceAll("/+$", "");
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new ConfigException("JETTY_API_URL must start with http:// or https://, got '" + baseUrl + "'.");
        }
        Duration timeout = seconds("JETTY_TIMEOUT_SECONDS", Settings.DEFAULT_RESPONSE_TIMEOUT);
        Duration connect = seconds("JETTY_CONNECT_TIMEOUT_SECONDS", Settings.DEFAULT_CONNECT_TIMEOUT);

        List<Path> roots = new ArrayList<>();
        boolean rootsExplicit = flags.filesRoots() != null && !flags.filesRoots().isEmpty();
        if (rootsExplicit) {
            flags.filesRoots().forEach(p -> roots.add(p.toAbsolutePath().normalize()));
        } else {
            roots.add(Path.of("").toAbsolutePath().normalize());
            roots.add(home().toAbsolutePath().normalize());
        }
        Path downloads = flags.downloadDir() != null ? flags.downloadDir()
                : pathOrNull(env.get("JETTY_DOWNLOAD_DIR"));
        if (downloads == null) {
            downloads = home().resolve("jetty-downloads");
        }

        return Settings.builder()
                .baseUrl(baseUrl)
                .token(token)
                .collections(csv(env.get("JETTY_COLLECTIONS")))
                .toolsets(toolsets(flags.toolsets() != null ? flags.toolsets() : env.get("JETTY_TOOLSETS")))
                .tools(csv(flags.tools()))
                .excludeTools(csv(flags.excludeTools()))
                .readOnly(flags.readOnly() || bool("JETTY_READ_ONLY", false))
                .connectTimeout(connect)
                .responseTimeout(timeout)
                .filesRoots(roots, rootsExplicit)
                .downloadDir(downloads.toAbsolutePath().normalize())
                .outputCapBytes(intEnv("JETTY_OUTPUT_CAP_BYTES", Settings.DEFAULT_OUTPUT_CAP, 1024, 1 << 20))
                .maxUploadBytes((long) intEnv("JETTY_MAX_UPLOAD_MB", Settings.DEFAULT_MAX_UPLOAD_MB, 1, 1024) * 1024 * 1024)
                .sandbox(flags.sandbox())
                .downloadTimeout(Duration.ofSeconds(intEnv("JETTY_DOWNLOAD_TIMEOUT_SECONDS",
                        (int) Settings.DEFAULT_DOWNLOAD_TIMEOUT.toSeconds(), 1, 86_400)))
                .build();
    }

    /** The toolsets asked for; none given (or an empty list) means the lean default, not every toolset. */
    static Set<String> toolsets(String value) {
        Set<String> asked = csv(value);
        return asked.isEmpty() ? Set.of(Settings.DEFAULT_TOOLSET) : asked;
    }

    /** {@code --token-file}, then {@code JETTY_API_TOKEN}, then {@code ~/.config/jetty/token}. */
    Token resolveToken(Path tokenFile) {
        if (tokenFile != null) {
            String v = readFileQuietly(tokenFile);
            if (v == null) {
                throw new ConfigException("--token-file " + tokenFile + " is missing, unreadable or empty.");
            }
            return new Token(v, "--token-file");
        }
        String fromEnv = trimmed(env.get("JETTY_API_TOKEN"));
        if (fromEnv != null) {
            return new Token(fromEnv, "JETTY_API_TOKEN");
        }
        String fromFile = readFileQuietly(home().resolve(".config/jetty/token"));
        return fromFile != null ? new Token(fromFile, "~/.config/jetty/token") : Token.NONE;
    }

    /** {@code ~} is {@code $HOME}, as in a shell and in Jetty's own CLI; user.home only when HOME is unset. */
    public Path home() {
        String h = trimmed(env.get("HOME"));
        return Path.of(h != null ? h : System.getProperty("user.home"));
    }

    private Duration seconds(String name, Duration dflt) {
        return Duration.ofSeconds(intEnv(name, (int) dflt.toSeconds(), 1, 3600));
    }

    /**
     * A yes/no setting: 1/true/yes/on or 0/false/no/off in any case. Anything else stops start-up, because a
     * misspelt "on" silently meaning off would leave, e.g., every write tool enabled.
     */
    boolean bool(String name, boolean dflt) {
        String v = trimmed(env.get(name));
        if (v == null) {
            return dflt;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new ConfigException(name + " must be one of 1/true/yes/on or 0/false/no/off, got '" + v + "'.");
        };
    }

    private int intEnv(String name, int dflt, int min, int max) {
        String v = trimmed(env.get(name));
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", got '" + v + "'.");
        }
    }

    static Set<String> csv(String value) {
        Set<String> out = new LinkedHashSet<>();
        if (value != null) {
            Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }

    private static String trimmed(String v) {
        if (v == null) {
            return null;
        }
        String t = v.strip();
        return t.isEmpty() ? null : t;
    }

    private static Path pathOrNull(String v) {
        String t = trimmed(v);
        return t == null ? null : Path.of(t);
    }

    private static String readFileQuietly(Path p) {
        try {
            return Files.isRegularFile(p) ? trimmed(Files.readString(p, StandardCharsets.UTF_8)) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
