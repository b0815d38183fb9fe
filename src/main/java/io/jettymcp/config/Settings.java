package io.jettymcp.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything the server was configured with, resolved once at start-up (flag > environment > file >
 * default). Immutable; handlers receive only the parts they need.
 *
 * @param collections the collections named by {@code JETTY_COLLECTIONS}; empty when unset
 * @param toolsets    selected toolsets, {@code all} or {@value #DEFAULT_TOOLSET}; empty means every toolset (the loader
 *                    puts {@value #DEFAULT_TOOLSET} when none is asked for)
 * @param filesRoots  local directories that tools may read files from (run-task files, upload-file)
 * @param downloadDir where download-file writes; never outside it
 * @param overHttp    served over HTTP: a local path would name the server's disk, so local files are
 *                    refused unless {@code --files-root} was given explicitly
 */
public record Settings(
        String baseUrl,
        Token token,
        Set<String> collections,
        Set<String> toolsets,
        Set<String> tools,
        Set<String> excludeTools,
        boolean readOnly,
        Duration connectTimeout,
        Duration responseTimeout,
        List<Path> filesRoots,
        boolean filesRootsExplicit,
        Path downloadDir,
        int outputCapBytes,
        long maxUploadBytes,
        boolean sandbox,
        boolean overHttp,
        Duration downloadTimeout) {

    /** The toolset name for the lean default tool list (every tool but io.jettymcp.spec.Toolset#OUTSIDE_DEFAULT). */
    public static final String DEFAULT_TOOLSET = "default";
    public static final String DEFAULT_BASE_URL = "https://flows-api.jetty.io";
    public static final int DEFAULT_OUTPUT_CAP = 16 * 1024;
    /** How long one download-file may take in all, however steadily bytes arrive. */
    public static final Duration DEFAULT_DOWNLOAD_TIMEOUT = Duration.ofSeconds(600);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_UPLOAD_MB = 50;

    public Settings {
        collections = Set.copyOf(collections);
        toolsets = Set.copyOf(toolsets);
        tools = Set.copyOf(tools);
        excludeTools = Set.copyOf(excludeTools);
        filesRoots = List.copyOf(filesRoots);
    }

    /**
     * Every component in a stable text (sets sorted), the token shown only as where it came from: a key for what
     * depends on the settings alone, such as the tool list.
     */
    public String fingerprint() {
        return String.join("|", baseUrl, (token.present() ? "token from " + token.source() : "no token"), sorted(collections), sorted(toolsets), sorted(tools),
                sorted(excludeTools), String.valueOf(readOnly), String.valueOf(connectTimeout), String.valueOf(responseTimeout),
                String.valueOf(filesRoots), String.valueOf(filesRootsExplicit), String.valueOf(downloadDir),
                String.valueOf(outputCapBytes), String.valueOf(maxUploadBytes), String.valueOf(sandbox),
                String.valueOf(overHttp), String.valueOf(downloadTimeout));
    }

    private static String sorted(Set<String> set) {
        return String.valueOf(new java.util.TreeSet<>(set));
    }

    /** Whether tools may read or write local files: always on stdio; over HTTP only with {@code --files-root}. */
    public boolean localFilesAllowed() {
        return !overHttp || filesRootsExplicit;
    }

    public Settings overHttp(boolean http) {
        return toBuilder().overHttp(http).build();
    }

    /** The one collection the server is pinned to, if {@code JETTY_COLLECTIONS} names exactly one. */
    public String pinnedCollection() {
        return collections.size() == 1 ? collections.iterator().next() : null;
    }

    public Settings withBaseUrlAndToken(String url, Token t) {
        return toBuilder().baseUrl(url).token(t).build();
    }

    /** Settings with every default; name only the values that differ (tests name only what they test). */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().baseUrl(baseUrl).token(token).collections(collections).toolsets(toolsets).tools(tools)
                .excludeTools(excludeTools).readOnly(readOnly).connectTimeout(connectTimeout)
                .responseTimeout(responseTimeout).filesRoots(filesRoots, filesRootsExplicit).downloadDir(downloadDir)
                .outputCapBytes(outputCapBytes).maxUploadBytes(maxUploadBytes).sandbox(sandbox).overHttp(overHttp)
                .downloadTimeout(downloadTimeout);
    }

    /** Builds {@link Settings} by name, so no caller lines up seventeen positional values. */
    public static final class Builder {
        private String baseUrl = DEFAULT_BASE_URL;
        private Token token = Token.NONE;
        private Set<String> collections = Set.of();
        private Set<String> toolsets = Set.of();
        private Set<String> tools = Set.of();
        private Set<String> excludeTools = Set.of();
        private boolean readOnly;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private List<Path> filesRoots = List.of(Path.of("."));
        private boolean filesRootsExplicit;
        private Path downloadDir = Path.of(".");
        private int outputCapBytes = DEFAULT_OUTPUT_CAP;
        private long maxUploadBytes = DEFAULT_MAX_UPLOAD_MB * 1024L * 1024;
        private boolean sandbox;
        private boolean overHttp;
        private Duration downloadTimeout = DEFAULT_DOWNLOAD_TIMEOUT;

        private Builder() {
        }

        public Builder baseUrl(String v) {
            baseUrl = v;
            return this;
        }

        public Builder token(Token v) {
            token = v;
            return this;
        }

        public Builder collections(Set<String> v) {
            collections = v;
            return this;
        }

        public Builder toolsets(Set<String> v) {
            toolsets = v;
            return this;
        }

        public Builder tools(Set<String> v) {
            tools = v;
            return this;
        }

        public Builder excludeTools(Set<String> v) {
            excludeTools = v;
            return this;
        }

        public Builder readOnly(boolean v) {
            readOnly = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder responseTimeout(Duration v) {
            responseTimeout = v;
            return this;
        }

        /** The directories tools may read from; {@code explicit} when given by {@code --files-root}. */
        public Builder filesRoots(List<Path> v, boolean explicit) {
            filesRoots = v;
            filesRootsExplicit = explicit;
            return this;
        }

        public Builder downloadDir(Path v) {
            downloadDir = v;
            return this;
        }

        public Builder outputCapBytes(int v) {
            outputCapBytes = v;
            return this;
        }

        public Builder maxUploadBytes(long v) {
            maxUploadBytes = v;
            return this;
        }

        public Builder sandbox(boolean v) {
            sandbox = v;
            return this;
        }

        public Builder overHttp(boolean v) {
            overHttp = v;
            return this;
        }

        public Builder downloadTimeout(Duration v) {
            downloadTimeout = v;
            return this;
        }

        public Settings build() {
            return new Settings(baseUrl, token, collections, toolsets, tools, excludeTools, readOnly, connectTimeout,
                    responseTimeout, filesRoots, filesRootsExplicit, downloadDir, outputCapBytes, maxUploadBytes, sandbox,
                    overHttp, downloadTimeout);
        }
    }

    @Override
    public String toString() {
        return "Settings[baseUrl=" + baseUrl + ", token=" + token.masked() + ", collections=" + collections
                + ", toolsets=" + toolsets + ", readOnly=" + readOnly + ", sandbox=" + sandbox + ", overHttp=" + overHttp + "]";
    }
}
