package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's deployment files (docs/deploy/) are the ones shown, and say what a rolling restart without a failed
 * call needs: nginx keeps upstream connections alive and resends only what never reached a replica, HAProxy checks
 * /healthz and retries only refused connects and 503s, Kubernetes' grace period covers the delay and the drain.
 */
class DeploymentDocsTest {

    static final Path DEPLOY = Path.of("docs/deploy");

    static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** The lines that configure something (comments dropped). */
    static String directives(String file) {
        return Arrays.stream(file.split("\n")).map(l -> l.replaceAll("#.*", "")).collect(Collectors.joining("\n"));
    }

    @Test
    void theReadmeShowsEachFileAsItIs() throws Exception {
        String readme = read(Path.of("README.md"));
        for (String f : List.of("nginx.conf", "haproxy.cfg", "kubernetes.yaml")) {
            assertThat(readme).as(f + " in README.md (copy it there again)").contains(read(DEPLOY.resolve(f)));
        }
    }

    @Test
    void nginxKeepsConnectionsAndResendsOnlyWhatNeverReachedAReplica() throws Exception {
        String conf = directives(read(DEPLOY.resolve("nginx.conf")));
        assertThat(conf).containsPattern("upstream jetty_mcp \\{[^}]*keepalive \\d+;")
                .contains("proxy_http_version 1.1;").contains("proxy_set_header Connection \"\";")
                .containsPattern("proxy_next_upstream error timeout;").doesNotContain("non_idempotent")
                .doesNotContain("http_503").doesNotContain("http_502");
    }

    @Test
    void haproxyChecksHealthAndRetriesOnlyWhatWasNotExecuted() throws Exception {
        Path cfg = DEPLOY.resolve("haproxy.cfg");
        String conf = directives(read(cfg));
        assertThat(conf).contains("option httpchk GET /healthz").containsPattern("retry-on +conn-failure +503\\s*\n")
                .doesNotContain("empty-response").doesNotContain("response-timeout").doesNotContain("all-retryable-errors");
        Path haproxy = Path.of("/usr/sbin/haproxy");
        if (Files.isExecutable(haproxy)) { // elsewhere the text checks above are what is left
            Process p = new ProcessBuilder(haproxy.toString(), "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
        }
    }

    @Test
    void kubernetesGraceCoversTheDelayAndTheDrainWithoutPreStop() throws Exception {
        String text = read(DEPLOY.resolve("kubernetes.yaml"));
        JsonNode deployment = new ObjectMapper(new YAMLFactory()).readTree(text.split("\n---\n")[0]);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        List<String> command = new ArrayList<>();
        container.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command).contains("--stateless");
        long delay = Long.parseLong(command.get(command.indexOf("--shutdown-delay") + 1));
        long drain = Long.parseLong(command.get(command.indexOf("--drain-timeout") + 1));
        assertThat(delay).isEqualTo(HttpMode.DEFAULT_DELAY_STATELESS.toSeconds());
        assertThat(drain).isEqualTo(HttpMode.DEFAULT_DRAIN.toSeconds());
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThanOrEqualTo(delay + drain + 5);
        assertThat(text).doesNotContain("preStop:");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/livez");
    }
}
