package io.jettymcp.transport;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A stdio session's opening answers, {@code initialize} and the first {@code tools/list}, remembered from an earlier
 * launch so that they can be written while the server is still being built.
 *
 * <p>Why it is sound: both answers are a function of the jar, the settings, the policy file and the request itself
 * (client capabilities included) and of nothing else: no Jetty request, no clock. The file is keyed by exactly those
 * inputs ({@code launchKey} plus the request line without its id) and is used only when a request matches what was
 * recorded; the server still handles every request, and its own answer to a pre-answered one is compared with what
 * was written. A difference (a key input this class was not told about) is logged and the file rewritten.
 *
 * <p>Nothing secret is kept: the launch key holds no token (settings show only where it came from) and the answers
 * hold the tool list and server info. Ids are matched only in their plain forms (small integers, simple strings), so
 * an answer's id is written exactly as the server's own serializer would write it.
 */
public final class OpeningAnswers {

    private static final String HEADER = "jetty-mcp opening answers 1";
    private static final Pattern PLAIN_ID = Pattern.compile("-?[0-9]{1,9}|\"[A-Za-z0-9_.:-]{1,64}\"");
    /** What every answer the server writes starts with, before its id. */
    private static final String ANSWER_HEAD = "{\"jsonrpc\":\"2.0\",\"id\":";
    private static final Duration UNUSED_FOR = Duration.ofDays(30);

    /** Answers nothing early and records nothing (HTTP, tests, a launch from classes, the cache turned off). */
    public static final OpeningAnswers NONE = new OpeningAnswers(null, "");

    private final Path dir;
    private final String launchKey;
    /** The two opening requests, in order; guarded by this */
    private Opening initialize;
    private Opening toolsList;
    /** The file's answers for this launch's initialize, null when there is none */
    private Recorded recorded;
    /** The server's initialize answer after its id, until the tools/list answer completes a record */
    private String serverInitTail;
    private boolean finished;
    /** Whether the client sent notifications/initialized before the tools/list answered early */
    private boolean initializedSeen;
    /** Completed once both opening answers were written early: the session is open before the server is built */
    private final java.util.concurrent.CompletableFuture<Void> opened = new java.util.concurrent.CompletableFuture<>();
    private boolean openedEarly;

    /**
     * @param dir       where the answers are kept (one small file per launch key and client), created on demand
     * @param launchKey everything besides the request that the answers depend on: the jar, JDK, settings, policy
     */
    public OpeningAnswers(Path dir, String launchKey) {
        this.dir = dir;
        this.launchKey = launchKey;
    }

    /** One opening request: its id as sent, and its line with the id's value cut out. */
    private record Opening(String id, String withoutId) {
    }

    /** A file's content: the two requests (without ids) and the answers' text after their ids. */
    private record Recorded(String initRequest, String initTail, String listRequest, String listTail) {
    }

    /**
     * Sees each line as it arrives, in order, before the server handles it (which may be much later: lines that
     * arrive while it is built wait for it).
     *
     * @return the answer to write now, or null to leave the line to the server alone
     */
    public synchronized String early(String line) {
        if (dir == null || finished) {
            return null;
        }
        Scanned s = scan(line);
        if (initialize == null) {
            if (s == null || !"initialize".equals(s.method()) || !plainId(s)) {
                finished = true; // not a session we can open early: the server does it all
                return null;
            }
            initialize = new Opening(s.id(), s.withoutId());
            recorded = read(initialize.withoutId());
            return recorded == null ? null : ANSWER_HEAD + s.id() + recorded.initTail();
        }
        if (s != null && "notifications/initialized".equals(s.method())) {
            initializedSeen = true;
        }
        if (s == null || s.method() == null || s.method().startsWith("notifications/")) {
            return null;
        }
        if (toolsList == null && "tools/list".equals(s.method()) && plainId(s)) {
            toolsList = new Opening(s.id(), s.withoutId());
            if (recorded != null && recorded.listRequest().equals(s.withoutId())) {
                openedEarly = initializedSeen;
                return ANSWER_HEAD + s.id() + recorded.listTail();
            }
        }
        finished = true; // anything else comes in the server's own time
        return null;
    }

    private static boolean plainId(Scanned s) {
        return s.id() != null && PLAIN_ID.matcher(s.id()).matches();
    }

    /** To call after writing an answer {@link #early} gave. */
    public void written() {
        boolean open;
        synchronized (this) {
            open = openedEarly;
        }
        if (open) {
            opened.complete(null);
        }
    }

    /**
     * Completes once the client has initialized the session and had both opening answers early: from then on work
     * for its first call competes with nothing the client waits for. Never completes otherwise (the server then
     * prepares after its own tools/list answer).
     */
    public java.util.concurrent.CompletionStage<Void> openedEarly() {
        return opened;
    }

    /**
     * Sees the text of every answer the server writes.
     *
     * @return true when it answers a request already answered early: it must not be written again
     */
    public synchronized boolean answered(Object id, String text) {
        if (dir == null || initialize == null) {
            return false;
        }
        String idText = id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
        boolean isInit = idText.equals(initialize.id());
        boolean isList = toolsList != null && idText.equals(toolsList.id()) && !isInit;
        if (!isInit && !isList) {
            return false;
        }
        String head = ANSWER_HEAD + idText;
        String tail = text.startsWith(head) ? text.substring(head.length()) : null;
        boolean early = recorded != null && (isInit || recorded.listRequest().equals(toolsList.withoutId()));
        if (isInit) {
            serverInitTail = tail;
        } else if (tail != null && serverInitTail != null) {
            Recorded now = new Recorded(initialize.withoutId(), serverInitTail, toolsList.withoutId(), tail);
            if (now.equals(recorded)) {
                touch(); // in use: not forgotten after a month
            } else {
                if (recorded != null) {
                    log().warn("the opening answers kept from an earlier launch differ from this server's; replacing them");
                }
                write(now);
            }
        }
        return early;
    }

    private Path file(String initRequest) {
        return dir.resolve("opening-" + Long.toHexString(fnv64(launchKey + '\n' + initRequest)) + ".txt");
    }

    private Recorded read(String initRequest) {
        Path f = file(initRequest);
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.size() != 6 || !lines.get(0).equals(HEADER) || !lines.get(1).equals(escape(launchKey))
                    || !lines.get(2).equals(initRequest)) {
                return null;
            }
            return new Recorded(lines.get(2), lines.get(3), lines.get(4), lines.get(5));
        } catch (IOException | RuntimeException e) {
            log().debug("opening answers not read from {}: {}", f, e.toString());
            return null;
        }
    }

    private void write(Recorded r) {
        Path f = file(r.initRequest());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "tmp-opening-", ".txt");
            Files.write(tmp, List.of(HEADER, escape(launchKey), r.initRequest(), r.initTail(), r.listRequest(),
                    r.listTail()), StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forgetUnused();
        } catch (IOException | RuntimeException e) {
            log().debug("opening answers not kept in {}: {}", dir, e.toString());
        }
    }

    private void touch() {
        try {
            Files.setLastModifiedTime(file(initialize.withoutId()), java.nio.file.attribute.FileTime.from(Instant.now()));
        } catch (IOException e) {
            log().debug("opening answers not touched: {}", e.toString());
        }
    }

    /** Files of jars, settings or clients not seen for a month go. */
    private void forgetUnused() throws IOException {
        Instant before = Instant.now().minus(UNUSED_FOR);
        try (var files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches("(tmp-)?opening-.*\\.txt")).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    // another launch got there first
                }
            });
        }
    }

    /** Looked up when needed: no logging is set up on the path to the first answer. */
    private static org.slf4j.Logger log() {
        return LoggerFactory.getLogger(OpeningAnswers.class);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** FNV-1a, 64 bits: a file name, not a check (the file holds its whole key). */
    public static long fnv64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A line's top-level method and raw id (null: none), and the line with the id's value cut out. */
    record Scanned(String method, String id, String withoutId) {
    }

    /**
     * Reads the top level of a one-line JSON object without a JSON library (none is loaded yet when the first line
     * arrives). Null when the line is not a plain object; the server then reads it properly.
     */
    static Scanned scan(String line) {
        Cursor c = new Cursor(line);
        c.ws();
        if (!c.take('{')) {
            return null;
        }
        String method = null;
        int idStart = -1;
        int idEnd = -1;
        c.ws();
        if (c.take('}')) {
            return null;
        }
        do {
            c.ws();
            int keyStart = c.at;
            if (!c.skipString()) {
                return null;
            }
            String key = line.substring(keyStart, c.at);
            c.ws();
            if (!c.take(':')) {
                return null;
            }
            c.ws();
            int valueStart = c.at;
            if (!c.skipValue()) {
                return null;
            }
            String value = line.substring(valueStart, c.at);
            if (key.equals("\"id\"")) {
                idStart = valueStart;
                idEnd = c.at;
            } else if (key.equals("\"method\"") && value.startsWith("\"") && value.indexOf('\\') < 0) {
                method = value.substring(1, value.length() - 1);
            }
            c.ws();
        } while (c.take(','));
        if (!c.take('}') || (c.ws() && c.at != line.length())) {
            return null;
        }
        if (idStart < 0) {
            return new Scanned(method, null, line);
        }
        return new Scanned(method, line.substring(idStart, idEnd), line.substring(0, idStart) + line.substring(idEnd));
    }

    private static final class Cursor {
        private final String s;
        private int at;

        Cursor(String s) {
            this.s = s;
        }

        /** Skips whitespace; always true. */
        boolean ws() {
            while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            return true;
        }

        boolean take(char ch) {
            if (at < s.length() && s.charAt(at) == ch) {
                at++;
                return true;
            }
            return false;
        }

        boolean skipString() {
            if (!take('"')) {
                return false;
            }
            while (at < s.length()) {
                char ch = s.charAt(at++);
                if (ch == '\\') {
                    at++;
                } else if (ch == '"') {
                    return true;
                }
            }
            return false;
        }

        boolean skipValue() {
            if (at >= s.length()) {
                return false;
            }
            char first = s.charAt(at);
            if (first == '"') {
                return skipString();
            }
            if (first == '{' || first == '[') {
                int depth = 0;
                while (at < s.length()) {
                    char ch = s.charAt(at);
                    if (ch == '"') {
                        if (!skipString()) {
                            return false;
                        }
                        continue;
                    }
                    at++;
                    if (ch == '{' || ch == '[') {
                        depth++;
                    } else if ((ch == '}' || ch == ']') && --depth == 0) {
                        return true;
                    }
                }
                return false;
            }
            int start = at;
            while (at < s.length() && ",}] \t\r\n".indexOf(s.charAt(at)) < 0) {
                at++;
            }
            return at > start;
        }
    }
}
