package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The training run behind the launcher's class cache ({@code java <flags> -XX:ArchiveClassesAtExit=… -jar
 * jetty-mcp.jar --train-class-cache}, or {@code -XX:AOTCacheOutput=…} on JDK 25): the real stdio server,
 * started exactly as a client starts it but with {@code --sandbox}, driven over an in-process pipe through a
 * session a client would have — initialize, tools/list, a few tool calls through the guard chain and the
 * Reactor Netty client, one bad input — and then ended by closing its input. What this loads is what the
 * cache holds, so a user's first call finds its classes ready whatever that user's first session did.
 *
 * <p>Exit 0 when every answer came; anything else (an answer missing, a call that should work failing) exits
 * non-zero, and the launcher throws that cache away.
 */
final class Train {

    static final String FLAG = "--train-class-cache";

    /** Calls a first session typically makes: reads of each kind, a scoped read, a validation error, a 404. */
    private static final List<String> CALLS = List.of(
            call("list-collections", "{}"),
            call("whoami", "{}"),
            call("get-collection", "{\"collection\":\"demo\"}"),
            call("list-tasks", "{\"collection\":\"demo\"}"),
            call("list-step-templates", "{}"),
            call("list-trajectories", "{\"collection\":\"demo\",\"task\":\"no-such-task\"}"),
            call("list-tasks", "{\"collection\":\"demo\",\"limit\":\"many\"}"));

    /** {@code --sandbox} and nothing else. */
    private static final CliOptions SANDBOX = new CliOptions() {
        @Override
        public boolean hasMatchedOption(String name) {
            return name.equals("--sandbox");
        }

        @Override
        public <T> T matchedOptionValue(String name, T dflt) {
            return dflt;
        }
    };

    private Train() {
    }

    /** Runs the session; returns the exit code. A session that hangs is stopped after two minutes. */
    static int run() {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(120_000);
                Runtime.getRuntime().halt(3); // halt: no cache is written from a hung run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "train-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            return session();
        } catch (IOException | RuntimeException e) {
            System.err.println("jetty-mcp: class-cache training failed: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int session() throws IOException, InterruptedException {
        Pipe toServer = Pipe.open();
        Pipe fromServer = Pipe.open();
        System.setIn(Channels.newInputStream(toServer.source()));
        PrintStream serverOut = new PrintStream(Channels.newOutputStream(fromServer.sink()), true, StandardCharsets.UTF_8);
        Thread server = new Thread(() -> {
            Main.serve(SANDBOX, serverOut); // not through picocli: a real launch without arguments never loads it
            serverOut.close();
        }, "train-server");
        server.start();

        ObjectMapper json = new ObjectMapper();
        OutputStream in = Channels.newOutputStream(toServer.sink());
        BufferedReader out = new BufferedReader(new InputStreamReader(Channels.newInputStream(fromServer.source()),
                StandardCharsets.UTF_8));
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"jetty-mcp-train\",\"version\":\"1\"}}}");
        answer(json, out, 0);
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        answer(json, out, 1);
        for (int i = 0; i < CALLS.size(); i++) {
            int id = 2 + i;
            send(in, CALLS.get(i).replace("\"id\":0", "\"id\":" + id));
            JsonNode a = answer(json, out, id);
            if (id == 2 && a.path("result").path("isError").asBoolean(true)) {
                throw new IllegalStateException("list-collections failed: " + a);
            }
        }
        // again, all at once: the client takes its other paths (a connection busy, a request sent off the event loop)
        int first = 2 + CALLS.size();
        for (int i = 0; i < CALLS.size(); i++) {
            send(in, CALLS.get(i).replace("\"id\":0", "\"id\":" + (first + i)));
        }
        Set<Integer> pending = new HashSet<>();
        for (int i = 0; i < CALLS.size(); i++) {
            pending.add(first + i);
        }
        awaitAll(json, out, pending);
        in.close(); // end of input: the server shuts down as it does when a client goes away
        server.join(30_000);
        return server.isAlive() ? 1 : 0;
    }

    /** Reads lines until every id in {@code pending} has its answer. */
    private static void awaitAll(ObjectMapper json, BufferedReader out, Set<Integer> pending) throws IOException {
        String line;
        while (!pending.isEmpty() && (line = out.readLine()) != null) {
            JsonNode n = json.readTree(line);
            if (n.has("result") || n.has("error")) {
                pending.remove(n.path("id").asInt(-1));
            }
        }
        if (!pending.isEmpty()) {
            throw new UncheckedIOException(new IOException("the server ended before answering requests " + pending));
        }
    }

    private static String call(String tool, String args) {
        return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + args + "}}";
    }

    private static void send(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Reads lines until the answer to {@code id} (notifications and log messages are skipped). */
    private static JsonNode answer(ObjectMapper json, BufferedReader out, int id) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            JsonNode n = json.readTree(line);
            if (n.path("id").asInt(-1) == id && (n.has("result") || n.has("error"))) {
                return n;
            }
        }
        throw new UncheckedIOException(new IOException("the server ended before answering request " + id));
    }
}
