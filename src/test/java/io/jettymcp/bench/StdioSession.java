package io.jettymcp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One spawned stdio MCP server, driven line by line as a client would. Each stdout line is stamped
 * with {@link System#nanoTime()} by the reading thread when it arrives, so an answer's time does not
 * include how long the caller took to look at it.
 */
final class StdioSession implements AutoCloseable {

    private static final ObjectMapper M = new ObjectMapper();
    private static final long ANSWER_TIMEOUT_SECONDS = 120;

    /** An answer and the moment its line was read. */
    record Answer(JsonNode json, long nanos) {
    }

    private record Line(String text, long nanos) {
    }

    private static final Line EOF = new Line(null, 0);

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Line> stdout = new LinkedBlockingQueue<>();
    private final long spawnNanos;

    /**
     * Starts {@code command} with exactly {@code env} (nothing inherited, so no stray JAVA_TOOL_OPTIONS or
     * JETTY_* of the caller reaches the server) and stderr appended to {@code stderrLog}.
     */
    StdioSession(List<String> command, Map<String, String> env, Path workDir, Path stderrLog) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        spawnNanos = System.nanoTime();
        process = pb.start();
        stdin = process.getOutputStream();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    stdout.add(new Line(line, System.nanoTime()));
                }
            } catch (IOException ignored) {
                // the process ended
            }
            stdout.add(EOF);
        }, "bench-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    long spawnNanos() {
        return spawnNanos;
    }

    Process process() {
        return process;
    }

    /** Sends a request and waits for the answer with its id (notifications and log lines are skipped). */
    Answer request(int id, String method, String params) throws IOException, InterruptedException {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_TIMEOUT_SECONDS);
        while (true) {
            Line line = stdout.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException("no answer to " + method + " within " + ANSWER_TIMEOUT_SECONDS + " s");
            }
            if (line == EOF) {
                throw new IOException("the server closed stdout before answering " + method
                        + (process.isAlive() ? "" : " (exit code " + process.waitFor() + ")"));
            }
            JsonNode json;
            try {
                json = M.readTree(line.text());
            } catch (IOException notJson) {
                throw new IOException("not JSON-RPC on stdout: " + abbreviate(line.text()));
            }
            if (json.path("id").asInt(-1) == id) {
                return new Answer(json, line.nanos());
            }
        }
    }

    void notifyInitialized() throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    private void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * Closes stdin as a client does at exit and waits up to {@code graceSeconds} (a launcher writing its
     * class cache at exit needs seconds) before ending the process.
     */
    void close(long graceSeconds) throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(5);
    }

    static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "…";
    }
}
