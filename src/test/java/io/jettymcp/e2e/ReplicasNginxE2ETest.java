package io.jettymcp.e2e;

import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.ReplicaDriver;
import io.jettymcp.e2e.support.ReplicaFleet;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 17's proof with the real thing: three {@code --stateless} replicas (bearer token, as the README runs them)
 * behind Debian's nginx running the README's block (docs/deploy/nginx.conf) from a temporary prefix ({@link ReplicaFleet}); 20 closed-loop
 * workers for about 20 s; at 8 s one replica gets a signal while a 12 s call runs on it, and is restarted once it
 * has exited. SIGTERM: no call fails. SIGKILL: only calls nginx had sent to the killed replica before it could
 * notice fail. Neither phase starts a run twice. Runs in its own failsafe execution, after every other e2e test
 * (pom.xml, profile replicas-last), so it has the machine to itself.
 */
class ReplicasNginxE2ETest extends SandboxTest {

    static final Path NGINX = ReplicaFleet.NGINX;
    static final String BEARER = "replica-test-bearer-token-7d1f0c";
    static final String SLOW_TASK = "judge";
    static final long SIGNAL_AT = 8_000;
    static final long PHASE = 20_000;

    ReplicaFleet fleet;
    final int[] ports = new int[3];
    final HttpServerProcess[] replicas = new HttpServerProcess[3];

    @BeforeEach
    void setUp() throws Exception {
        if (!Files.isExecutable(NGINX)) {
            String why = "ReplicasNginxE2ETest needs nginx at " + NGINX + ": apt-get install nginx-light";
            if ("1".equals(System.getenv("JETTY_MCP_REQUIRE_NGINX"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        sandbox.faults().add(FaultRule.delay("POST", "/api/v1/run/.*", 300)); // run starts take 0.3 s
        fleet = new ReplicaFleet(sandbox.baseUrl(), SandboxSeeds.DEMO_TOKEN, BEARER, 3, true);
        for (int i = 0; i < 3; i++) {
            ports[i] = fleet.port(i);
            replicas[i] = fleet.replica(i);
        }
    }

    @AfterEach
    void tearDown() {
        if (fleet != null) {
            fleet.close();
        }
    }

    HttpServerProcess restart(int i) {
        replicas[i] = fleet.restart(i);
        return replicas[i];
    }

    /** The answer's status line and body to a raw request (HAProxy's and a kubelet's probes are replayed byte by byte). */
    static String probe(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static final String HAPROXY_CHECK = "GET /healthz HTTP/1.0\r\n\r\n";

    static String kubelet(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 10.42.0.17:8080\r\nUser-Agent: kube-probe/1.30\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    }

    static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** A 12 s get-task straight to the victim (not through nginx), started once the sandbox is slowed for it. */
    CompletableFuture<HttpResponse<String>> slowCallOn(int port) throws Exception {
        sandbox.faults().add(FaultRule.delay("GET", "/api/v1/tasks/demo/" + SLOW_TASK, 12_000).withTimes(1));
        int before = sandbox.requests().matching("GET", "/api/v1/tasks/demo/" + SLOW_TASK).size();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp")).timeout(Duration.ofSeconds(40))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + BEARER)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                        + "{\"name\":\"get-task\",\"arguments\":{\"task\":\"" + SLOW_TASK + "\"}}}")).build();
        CompletableFuture<HttpResponse<String>> slow = HttpClient.newHttpClient().sendAsync(req, HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 500 && sandbox.requests().matching("GET", "/api/v1/tasks/demo/" + SLOW_TASK).size() == before; i++) {
            Thread.sleep(10);
        }
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/" + SLOW_TASK).size()).isGreaterThan(before);
        return slow;
    }

    /** Every run marker the sandbox saw, with how often. */
    Map<String, Long> markersSeen() {
        Map<String, Long> seen = new HashMap<>();
        for (RecordedRequest r : sandbox.requests().matching("POST", "/api/v1/run/.*")) {
            String fields = String.valueOf(r.multipartFields()) + r.bodyText();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("marker-[0-9a-f-]{36}").matcher(fields);
            java.util.Set<String> inThis = new java.util.HashSet<>();
            while (m.find()) {
                inThis.add(m.group());
            }
            inThis.forEach(k -> seen.merge(k, 1L, Long::sum));
        }
        return seen;
    }

    static void sleepUntil(long start, long at) throws InterruptedException {
        long left = start + at - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    static String summary(List<ReplicaDriver.Call> calls) {
        return calls.stream().filter(ReplicaDriver.Call::failed).limit(10)
                .map(c -> "#" + c.id() + " " + c.kind() + ": " + c.failure()).collect(Collectors.joining("\n"));
    }

    @Test
    void sigtermDuringARollingRestartFailsNoCall() throws Exception {
        int victim = 1;
        assertThat(status(probe(ports[victim], HAPROXY_CHECK))).isEqualTo(200);
        assertThat(status(probe(ports[victim], kubelet("/healthz")))).isEqualTo(200);
        ReplicaDriver driver = new ReplicaDriver(fleet.nginxUrl(), BEARER, "text-echo", "text-echo");
        long start = System.currentTimeMillis();
        driver.start(16, 4);
        sleepUntil(start, SIGNAL_AT - 1_000);
        CompletableFuture<HttpResponse<String>> slow = slowCallOn(ports[victim]);
        sleepUntil(start, SIGNAL_AT);
        replicas[victim].process().toHandle().destroy(); // SIGTERM
        String haproxy = "";
        for (int i = 0; i < 100 && !haproxy.contains(" 503 "); i++) {
            Thread.sleep(10);
            haproxy = probe(ports[victim], HAPROXY_CHECK);
        }
        assertThat(status(haproxy)).as("HAProxy's check while draining").isEqualTo(503);
        assertThat(status(probe(ports[victim], kubelet("/healthz")))).as("kubelet readiness while draining").isEqualTo(503);
        assertThat(status(probe(ports[victim], kubelet("/livez")))).as("kubelet liveness while draining").isEqualTo(200);
        assertThat(status(probe(ports[(victim + 1) % 3], HAPROXY_CHECK))).isEqualTo(200);
        assertThat(replicas[victim].process().waitFor(40, TimeUnit.SECONDS)).as("the victim exits").isTrue();
        List<String> victimLog = replicas[victim].stderr();
        restart(victim);
        sleepUntil(start, PHASE);
        List<ReplicaDriver.Call> calls = driver.stop();

        HttpResponse<String> slowAnswer = slow.get(40, TimeUnit.SECONDS);
        assertThat(slowAnswer.statusCode()).isEqualTo(200);
        assertThat(slowAnswer.body()).contains("\"isError\":false");
        assertThat(calls).hasSizeGreaterThan(100);
        assertThat(calls.stream().filter(ReplicaDriver.Call::failed).count()).as(summary(calls)).isZero();
        assertThat(markersSeen().values()).as("no run reaches Jetty twice").allMatch(n -> n == 1);
        assertThat(markersSeen().keySet()).as("every run-task call's run reached Jetty")
                .containsAll(calls.stream().filter(c -> c.kind().equals("run")).map(ReplicaDriver.Call::marker).toList());
        assertThat(victimLog).anyMatch(l -> l.contains("draining: ")).anyMatch(l -> l.contains("(0 calls cut)"));
    }

    @Test
    void sigkillFailsOnlyCallsNginxHadSentToTheKilledReplica() throws Exception {
        int victim = 2;
        ReplicaDriver driver = new ReplicaDriver(fleet.nginxUrl(), BEARER, "text-echo", "text-echo");
        long start = System.currentTimeMillis();
        driver.start(16, 4);
        sleepUntil(start, SIGNAL_AT - 1_000);
        CompletableFuture<HttpResponse<String>> slow = slowCallOn(ports[victim]);
        sleepUntil(start, SIGNAL_AT);
        replicas[victim].process().destroyForcibly(); // SIGKILL
        assertThat(replicas[victim].process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        long diedAt = System.currentTimeMillis(); // its sockets are closed by now: nginx may notice from here on
        restart(victim);
        sleepUntil(start, PHASE);
        List<ReplicaDriver.Call> calls = driver.stop();
        slow.handle((r, e) -> null).get(40, TimeUnit.SECONDS); // it was on the killed replica: it may fail

        // where nginx sent each call, and when it had it: "$msec $request_time $status "$upstream_addr" ... id"
        Map<Long, String[]> sentTo = new HashMap<>();
        for (String line : Files.readAllLines(fleet.accessLog())) {
            String[] f = line.split(" ");
            if (f.length >= 6 && f[f.length - 1].matches("\\d+")) {
                sentTo.put(Long.parseLong(f[f.length - 1]), f);
            }
        }
        List<String> unexplained = new ArrayList<>();
        for (ReplicaDriver.Call c : calls) {
            if (!c.failed()) {
                continue;
            }
            String[] f = sentTo.get(c.id());
            boolean explained = false;
            if (f != null) {
                double end = Double.parseDouble(f[0]);
                double took = Double.parseDouble(f[1]);
                long nginxHadIt = (long) ((end - took) * 1000);
                explained = f[3].contains(":" + ports[victim]) && nginxHadIt <= diedAt + 100;
            }
            if (!explained) {
                unexplained.add("#" + c.id() + " " + c.kind() + ": " + c.failure() + (f == null ? " (not in nginx's log)"
                        : " (nginx: " + String.join(" ", f) + ")"));
            }
        }
        assertThat(calls).hasSizeGreaterThan(100);
        assertThat(unexplained).as("failures beyond the calls nginx had sent to the killed replica").isEmpty();
        assertThat(markersSeen().values()).as("no run reaches Jetty twice").allMatch(n -> n == 1);
    }
}
