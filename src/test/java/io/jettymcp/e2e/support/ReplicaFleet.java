package io.jettymcp.e2e.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code --stateless} replicas with a bearer token, as the README runs them, behind Debian's nginx running the
 * README's block (docs/deploy/nginx.conf, only its ports replaced) in the foreground from a temporary prefix, inside
 * a minimal nginx.conf whose access log says where each call went and when: "$msec $request_time $status
 * "$upstream_addr" "$upstream_status" $http_x_call_id". Shared by ReplicasNginxE2ETest and DeploymentBench.
 */
public final class ReplicaFleet implements AutoCloseable {

    public static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final String sandboxUrl;
    private final String jettyToken;
    private final String bearer;
    private final int[] ports;
    private final HttpServerProcess[] replicas;
    private final Path prefix;
    private final int nginxPort;
    private final Process nginx;

    /**
     * @param keepalive false drops the block's upstream {@code keepalive} line (the benchmark compares both)
     */
    public ReplicaFleet(String sandboxUrl, String jettyToken, String bearer, int count, boolean keepalive) throws Exception {
        this.sandboxUrl = sandboxUrl;
        this.jettyToken = jettyToken;
        this.bearer = bearer;
        this.ports = new int[count];
        this.replicas = new HttpServerProcess[count];
        for (int i = 0; i < count; i++) {
            ports[i] = freePort();
            replicas[i] = start(ports[i]);
        }
        this.nginxPort = freePort();
        this.prefix = Files.createTempDirectory("jetty-mcp-nginx");
        this.nginx = startNginx(keepalive);
    }

    private HttpServerProcess start(int port) {
        return HttpServerProcess.builder().sandbox(sandboxUrl, jettyToken).listen("127.0.0.1:" + port).args("--stateless")
                .env("JETTY_MCP_HTTP_TOKEN", bearer).start();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process startNginx(boolean keepalive) throws Exception {
        String block = Files.readString(Path.of("docs/deploy/nginx.conf"));
        String ours = block.replace("listen 8080;", "listen 127.0.0.1:" + nginxPort + ";");
        for (int i = 0; i < ports.length; i++) {
            String from = "127.0.0.1:" + (8081 + i);
            if (!ours.contains(from)) {
                throw new IllegalStateException("docs/deploy/nginx.conf no longer names " + from);
            }
            ours = ours.replace(from, "127.0.0.1:" + ports[i]);
        }
        if (!keepalive) {
            ours = ours.replaceAll("(?m)^\\s*keepalive \\d+;.*$", "");
        }
        if (!ours.contains("listen 127.0.0.1:" + nginxPort + ";")) {
            throw new IllegalStateException("docs/deploy/nginx.conf no longer has 'listen 8080;'");
        }
        Files.writeString(prefix.resolve("jetty-mcp.conf"), ours);
        Files.createDirectories(prefix.resolve("logs"));
        String conf = "daemon off;\nworker_processes 1;\nerror_log " + prefix.resolve("logs/error.log") + " notice;\n"
                + "pid " + prefix.resolve("nginx.pid") + ";\nevents { worker_connections 1024; }\nhttp {\n"
                + "  log_format calls '$msec $request_time $status \"$upstream_addr\" \"$upstream_status\" $http_x_call_id';\n"
                + "  access_log " + prefix.resolve("logs/access.log") + " calls;\n"
                + "  client_body_temp_path " + prefix.resolve("body") + ";\n  proxy_temp_path " + prefix.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + prefix.resolve("scgi") + ";\n"
                + "  include " + prefix.resolve("jetty-mcp.conf") + ";\n}\n";
        Files.writeString(prefix.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        for (int i = 0; i < 250; i++) {
            try (Socket s = new Socket("127.0.0.1", nginxPort)) {
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Files.readString(prefix.resolve("logs/stdout.log")));
                }
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("nginx did not listen on " + nginxPort);
    }

    public String nginxUrl() {
        return "http://127.0.0.1:" + nginxPort;
    }

    public int port(int i) {
        return ports[i];
    }

    public HttpServerProcess replica(int i) {
        return replicas[i];
    }

    /** Starts replica {@code i} again on its port (after it exited). */
    public HttpServerProcess restart(int i) {
        replicas[i] = start(ports[i]);
        return replicas[i];
    }

    public Path accessLog() {
        return prefix.resolve("logs/access.log");
    }

    @Override
    public void close() {
        for (HttpServerProcess r : replicas) {
            if (r != null) {
                r.process().destroyForcibly();
            }
        }
        nginx.toHandle().destroy(); // SIGTERM: nginx's fast shutdown
        try {
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
