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
 * @param toolsets    selected toolsets; empty means the default set
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

    public static final String DEFAULT_BASE_URL = "https://flows-api.jetty.io";
    public static final int DEFAULT_OUTPUT_CAP = 16 * 1024;
    /** How long one download-file may take in all, however steadily bytes arrive. */
    public static final Duration DEFAULT_DOWNLOAD_TIMEOUT = Duration.ofSeconds(600);

    public Settings {
        collections = Set.copyOf(collections);
        toolsets = Set.copyOf(toolsets);
        tools = Set.copyOf(tools);
        excludeTools = Set.copyOf(excludeTools);
        filesRoots = List.copyOf(filesRoots);
    }

    public Settings(String baseUrl, Token token, Set<String> collections, Set<String> toolsets, Set<String> tools,
                    Set<String> excludeTools, boolean readOnly, Duration connectTimeout, Duration responseTimeout,
                    List<Path> filesRoots, boolean filesRootsExplicit, Path downloadDir, int outputCapBytes,
                    long maxUploadBytes, boolean sandbox, boolean overHttp) {
        this(baseUrl, token, collections, toolsets, tools, excludeTools, readOnly, connectTimeout, responseTimeout,
                filesRoots, filesRootsExplicit, downloadDir, outputCapBytes, maxUploadBytes, sandbox, overHttp,
                DEFAULT_DOWNLOAD_TIMEOUT);
    }

    public Settings(String baseUrl, Token token, Set<String> collections, Set<String> toolsets, Set<String> tools,
                    Set<String> excludeTools, boolean readOnly, Duration connectTimeout, Duration responseTimeout,
                    List<Path> filesRoots, boolean filesRootsExplicit, Path downloadDir, int outputCapBytes,
                    long maxUploadBytes, boolean sandbox) {
        this(baseUrl, token, collections, toolsets, tools, excludeTools, readOnly, connectTimeout, responseTimeout,
                filesRoots, filesRootsExplicit, downloadDir, outputCapBytes, maxUploadBytes, sandbox, false);
    }

    /** Whether tools may read or write local files: always on stdio; over HTTP only with {@code --files-root}. */
    public boolean localFilesAllowed() {
        return !overHttp || filesRootsExplicit;
    }

    public Settings overHttp(boolean http) {
        return new Settings(baseUrl, token, collections, toolsets, tools, excludeTools, readOnly, connectTimeout,
                responseTimeout, filesRoots, filesRootsExplicit, downloadDir, outputCapBytes, maxUploadBytes, sandbox, http,
                downloadTimeout);
    }

    public Settings withDownloadTimeout(Duration d) {
        return new Settings(baseUrl, token, collections, toolsets, tools, excludeTools, readOnly, connectTimeout,
                responseTimeout, filesRoots, filesRootsExplicit, downloadDir, outputCapBytes, maxUploadBytes, sandbox, overHttp, d);
    }

    /** The one collection the server is pinned to, if {@code JETTY_COLLECTIONS} names exactly one. */
    public String pinnedCollection() {
        return collections.size() == 1 ? collections.iterator().next() : null;
    }

    public Settings withBaseUrlAndToken(String url, Token t) {
        return new Settings(url, t, collections, toolsets, tools, excludeTools, readOnly, connectTimeout,
                responseTimeout, filesRoots, filesRootsExplicit, downloadDir, outputCapBytes, maxUploadBytes, sandbox, overHttp,
                downloadTimeout);
    }

    @Override
    public String toString() {
        return "Settings[baseUrl=" + baseUrl + ", token=" + token.masked() + ", collections=" + collections
                + ", toolsets=" + toolsets + ", readOnly=" + readOnly + ", sandbox=" + sandbox + ", overHttp=" + overHttp + "]";
    }
}
