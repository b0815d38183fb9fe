package io.jettymcp.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop workers calling tools through a balancer, each call sent once and never retried (issue 17 item 5):
 * 16 of 20 call get-task, 4 call run-task with a unique marker in init_params. A call succeeds only with HTTP 200
 * and a JSON-RPC result for its own id with {@code isError: false}; a 502, 503, 404, a closed connection, a 40 s
 * timeout, a JSON-RPC error and an isError result all fail it. Each call carries its number in {@code X-Call-Id}
 * so the balancer's log can say where it went.
 */
public final class ReplicaDriver {

    /** One call: kind "get" or "run", its marker (runs only), wall-clock start and end, and why it failed (null: it did not). */
    public record Call(long id, String kind, String marker, long startMillis, long endMillis, int status, String failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    static final ObjectMapper M = new ObjectMapper();
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(40);

    private final URI mcp;
    private final String bearer;
    private final String getTask;
    private final String runTask;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();

    /**
     * @param baseUrl the balancer, e.g. http://127.0.0.1:8080
     * @param getTask the task get-task reads; @param runTask the task run-task starts
     */
    public ReplicaDriver(String baseUrl, String bearer, String getTask, String runTask) {
        this.mcp = URI.create(baseUrl + "/mcp");
        this.bearer = bearer;
        this.getTask = getTask;
        this.runTask = runTask;
    }

    /** Starts {@code getters + runners} workers. */
    public void start(int getters, int runners) {
        for (int i = 0; i < getters + runners; i++) {
            boolean runs = i >= getters;
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    calls.add(runs ? run() : get());
                }
            }, "driver-" + i);
            t.start();
            workers.add(t);
        }
    }

    /** Stops the workers after their current call and returns every call made. */
    public List<Call> stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : workers) {
            t.join(CALL_TIMEOUT.toMillis() + 5000);
        }
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    private Call get() {
        return call("get", null, "{\"name\":\"get-task\",\"arguments\":{\"task\":\"" + getTask + "\"}}");
    }

    private Call run() {
        String marker = "marker-" + java.util.UUID.randomUUID();
        return call("run", marker, "{\"name\":\"run-task\",\"arguments\":{\"task\":\"" + runTask
                + "\",\"init_params\":{\"text\":\"" + marker + "\"}}}");
    }

    private Call call(String kind, String marker, String params) {
        long id = ids.incrementAndGet();
        long start = System.currentTimeMillis();
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":" + params + "}";
        HttpRequest req = HttpRequest.newBuilder(mcp).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + bearer).header("X-Call-Id", Long.toString(id))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int status = 0;
        String failure;
        try {
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            status = res.statusCode();
            failure = judge(id, res);
        } catch (Exception e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return new Call(id, kind, marker, start, System.currentTimeMillis(), status, failure);
    }

    private static String judge(long id, HttpResponse<String> res) {
        if (res.statusCode() != 200) {
            return "HTTP " + res.statusCode() + " " + cut(res.body());
        }
        try {
            JsonNode a = M.readTree(res.body());
            if (a.path("id").asLong(-1) != id) {
                return "answer for id " + a.path("id") + ": " + cut(res.body());
            }
            if (!a.has("result")) {
                return "JSON-RPC error: " + cut(res.body());
            }
            if (a.path("result").path("isError").asBoolean(false)) {
                return "isError: " + cut(res.body());
            }
            return null;
        } catch (Exception e) {
            return "not JSON: " + cut(res.body());
        }
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
