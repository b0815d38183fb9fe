package io.jettymcp.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged server driven byte by byte over stdio, for what an SDK client never sends: blank
 * lines, broken JSON, cancellation races, end of input. Every stdout line is queued for reading.
 */
public final class RawStdio implements AutoCloseable {

    private static final ObjectMapper M = new ObjectMapper();

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stderr = java.util.Collections.synchronizedList(new ArrayList<>());

    public RawStdio(Map<String, String> env, Path home, String... args) throws IOException {
        this(List.of(), env, home, args);
    }

    /** @param jvmArgs JVM flags added to the usual ones, such as {@link ServerProcess#LAUNCHER_HEAP} */
    public RawStdio(List<String> jvmArgs, Map<String, String> env, Path home, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ServerProcess.javaBin());
        cmd.addAll(ServerProcess.jvmArgs());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(ServerProcess.jar().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        process = pb.start();
        stdin = process.getOutputStream();
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), stdout::add, "out");
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), stderr::add, "err");
    }

    private static void pump(BufferedReader r, java.util.function.Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "raw-" + name);
        t.setDaemon(true);
        t.start();
    }

    public void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    public void initialize() throws IOException, InterruptedException {
        send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        String init = next(30);
        if (init == null || !init.contains("\"id\":0")) {
            throw new AssertionError("no initialize answer: " + init + " stderr=" + stderr());
        }
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    /** The next stdout line, or null after the timeout. */
    public String next(int seconds) throws InterruptedException {
        return stdout.poll(seconds, TimeUnit.SECONDS);
    }

    /** A tools/call request line. */
    public static String toolCall(int id, String tool, String argsJson) {
        return toolCall(id, tool, argsJson, null);
    }

    /** A tools/call request line with {@code _meta.progressToken} when one is given. */
    public static String toolCall(int id, String tool, String argsJson, String progressToken) {
        String meta = progressToken == null ? "" : ",\"_meta\":{\"progressToken\":\"" + progressToken + "\"}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + argsJson + meta + "}}";
    }

    /** Sends notifications/cancelled for request {@code id}. */
    public void cancel(int id, String reason) throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + id
                + ",\"reason\":\"" + reason + "\"}}");
    }

    /** Reads stdout until a message that matches; null after the timeout. Every line on the way must be JSON-RPC. */
    public JsonNode until(Predicate<JsonNode> match, int seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String line = next(1);
            if (line == null) {
                continue;
            }
            JsonNode n = M.readTree(line);
            if (!"2.0".equals(n.path("jsonrpc").asText())) {
                throw new AssertionError("not JSON-RPC on stdout: " + line);
            }
            if (match.test(n)) {
                return n;
            }
        }
        return null;
    }

    /** The answer to request {@code id} (not a request of the server's with that id); null after the timeout. */
    public JsonNode answer(int id, int seconds) throws IOException, InterruptedException {
        return until(n -> n.path("id").asInt(-1) == id && !n.has("method"), seconds);
    }

    public void closeInput() throws IOException {
        stdin.close();
    }

    public Process process() {
        return process;
    }

    public List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
