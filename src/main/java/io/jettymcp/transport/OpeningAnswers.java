package io.jettymcp.transport;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A stdio session's opening answers ({@code initialize} and the first {@code tools/list}, after a
 * {@code server/discover} probe when the client sends one), remembered from an earlier launch so that they can be
 * written while the server is still being built.
 *
 * <p>Why it is sound: both answers are a function of the jar, the settings, the policy file and the request itself
 * (client capabilities included) and of nothing else: no Jetty request, no clock. The file is keyed by exactly those
 * inputs ({@code launchKey} plus the first request's line without its id) and is used only while the requests match
 * what was recorded, each in turn; the server still handles every request, and its own answer to a pre-answered one is compared with what
 * was written. A difference (a key input this class was not told about) is logged and the file rewritten.
 *
 * <p>Nothing secret is kept: the launch key holds no token (settings show only where it came from) and the answers
 * hold the tool list and server info. Ids are matched only in their plain forms (small integers, simple strings), so
 * an answer's id is written exactly as the server's own serializer would write it.
 */
public final class OpeningAnswers {

    private static final String HEADER = "jetty-mcp opening answers 2";
    private static final Pattern PLAIN_ID = Pattern.compile("-?[0-9]{1,9}|\"[A-Za-z0-9_.:-]{1,64}\"");
    /** What every answer the server writes starts with, before its id. */
    private static final String ANSWER_HEAD = "{\"jsonrpc\":\"2.0\",\"id\":";
    private static final Duration UNUSED_FOR = Duration.ofDays(30);

    /** Answers nothing early and records nothing (HTTP, tests, a launch from classes, the cache turned off). */
    public static final OpeningAnswers NONE = new OpeningAnswers(null, "");

    private final Path dir;
    private final String launchKey;
    /** The opening requests seen, in order, and the server's answers to them (tails) as they come; guarded by this */
    private final List<Seen> seen = new ArrayList<>();
    private final List<String> serverTails = new ArrayList<>();
    /** The file's steps for this launch's first request, null when there is none */
    private List<Step> recorded;
    /** How many of {@link #seen} were answered early (always the first ones) */
    private int answeredEarly;
    private boolean finished;
    /** Whether the client sent notifications/initialized before the tools/list answered early */
    private boolean initializedSeen;
    /** Completed once the opening was answered early in full: the session is open before the server is built */
    private final java.util.concurrent.CompletableFuture<Void> opened = new java.util.concurrent.CompletableFuture<>();
    private boolean openedEarly;

    /**
     * @param dir       where the answers are kept (one small file per launch key and client), created on demand
     * @param launchKey everything besides the requests that the answers depend on: the jar, JDK, settings, policy
     */
    public OpeningAnswers(Path dir, String launchKey) {
        this.dir = dir;
        this.launchKey = launchKey;
    }

    /** One opening request as this launch's client sent it: its method, its id, and its line with the id cut out. */
    private record Seen(String method, String id, String request) {
    }

    /** One kept step: a request's line without its id, and the text of its answer after the id. */
    private record Step(String request, String tail) {
    }

    /**
     * The opening, in order: a {@code server/discover} probe (Claude Code sends one first; a legacy server answers it
     * -32601), {@code initialize}, then {@code tools/list}. Notifications in between are let through.
     */
    private static boolean next(List<Seen> seen, String method) {
        boolean probed = !seen.isEmpty() && seen.get(0).method().equals("server/discover");
        return switch (seen.size()) {
            case 0 -> method.equals("server/discover") || method.equals("initialize");
            case 1 -> method.equals(probed ? "initialize" : "tools/list");
            case 2 -> method.equals("tools/list") && probed;
            default -> false;
        };
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
        if (s != null && "notifications/initialized".equals(s.method())) {
            initializedSeen = true;
        }
        if (s != null && s.id() == null && s.method() != null && s.method().startsWith("notifications/")) {
            return null;
        }
        if (s == null || s.method() == null || !plainId(s) || !next(seen, s.method())) {
            finished = true; // not an opening we know: everything else comes in the server's own time
            return null;
        }
        seen.add(new Seen(s.method(), s.id(), s.withoutId()));
        serverTails.add(null);
        if (seen.size() == 1) {
            recorded = read(s.withoutId());
        }
        int at = seen.size() - 1;
        if (recorded == null || answeredEarly != at || recorded.size() <= at || !recorded.get(at).request().equals(s.withoutId())) {
            return null; // from here on the server answers (and what it answers is kept for the next launch)
        }
        answeredEarly++;
        if (s.method().equals("tools/list")) {
            openedEarly = initializedSeen;
        }
        return ANSWER_HEAD + s.id() + recorded.get(at).tail();
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
     * Completes once the client has initialized the session and had the whole opening answered early: from then on
     * work for its first call competes with nothing the client waits for. Never completes otherwise (the server then
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
        if (dir == null || seen.isEmpty()) {
            return false;
        }
        String idText = id instanceof String str ? "\"" + str + "\"" : String.valueOf(id);
        int at = -1;
        for (int i = 0; i < seen.size() && at < 0; i++) {
            if (serverTails.get(i) == null && seen.get(i).id().equals(idText)) {
                at = i; // the first unanswered request with this id (a client may reuse an answered one's id)
            }
        }
        if (at < 0) {
            return false;
        }
        String head = ANSWER_HEAD + idText;
        serverTails.set(at, text.startsWith(head) ? text.substring(head.length()) : "");
        boolean early = at < answeredEarly;
        if (seen.get(seen.size() - 1).method().equals("tools/list") && !serverTails.contains(null)) {
            keep();
        }
        return early;
    }

    /** The whole opening has the server's answers: keep them for the next launch, unless the file has them already. */
    private void keep() {
        List<Step> now = new ArrayList<>();
        for (int i = 0; i < seen.size(); i++) {
            if (serverTails.get(i).isEmpty()) {
                return; // an answer this class cannot replay
            }
            now.add(new Step(seen.get(i).request(), serverTails.get(i)));
        }
        if (now.equals(recorded)) {
            touch(); // in use: not forgotten after a month
            return;
        }
        if (recorded != null && answeredEarly > 0) {
            log().warn("the opening answers kept from an earlier launch differ from this server's; replacing them");
        }
        write(now);
    }

    private Path file(String firstRequest) {
        return dir.resolve("opening-" + Long.toHexString(fnv64(launchKey + '\n' + firstRequest)) + ".txt");
    }

    /** The file's steps for this first request: header, key, then a request and its answer's tail per step. */
    private List<Step> read(String firstRequest) {
        Path f = file(firstRequest);
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.size() < 4 || lines.size() % 2 != 0 || !lines.get(0).equals(HEADER)
                    || !lines.get(1).equals(escape(launchKey)) || !lines.get(2).equals(firstRequest)) {
                return null;
            }
            List<Step> steps = new ArrayList<>();
            for (int i = 2; i < lines.size(); i += 2) {
                steps.add(new Step(lines.get(i), lines.get(i + 1)));
            }
            return steps;
        } catch (IOException | RuntimeException e) {
            log().debug("opening answers not read from {}: {}", f, e.toString());
            return null;
        }
    }

    private void write(List<Step> steps) {
        Path f = file(steps.get(0).request());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "tmp-opening-", ".txt");
            List<String> lines = new ArrayList<>(List.of(HEADER, escape(launchKey)));
            steps.forEach(st -> lines.addAll(List.of(st.request(), st.tail())));
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forgetUnused();
        } catch (IOException | RuntimeException e) {
            log().debug("opening answers not kept in {}: {}", dir, e.toString());
        }
    }

    private void touch() {
        try {
            Files.setLastModifiedTime(file(seen.get(0).request()), java.nio.file.attribute.FileTime.from(Instant.now()));
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
