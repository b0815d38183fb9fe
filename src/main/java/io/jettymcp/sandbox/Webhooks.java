package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Outbound completion webhooks with mise's headers: X-Mise-Signature = hex HMAC-SHA256(secret,
 * "{timestamp}.{raw_body}"), X-Mise-Timestamp (unix seconds, virtual clock), X-Mise-Trajectory-Id.
 * Fire-and-forget; failures are logged without the secret or the body.
 */
final class Webhooks {

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    private final HttpClient client;
    private final ConnectionProvider pool;

    Webhooks(LoopResources loops) {
        this.pool = ConnectionProvider.builder("jetty-sandbox-webhooks").maxConnections(8).build();
        this.client = HttpClient.create(pool).runOn(loops).responseTimeout(Duration.ofSeconds(10));
    }

    void deliver(Trajectory t, Instant now) {
        ObjectNode full = t.toJson();
        ObjectNode o = Json.obj();
        for (String f : new String[] {"name", "trajectory_id", "status", "storage_path", "steps", "completed_steps",
                "total_steps", "init_params", "labels", "error", "workflow_id", "triggered_by_routine_id"}) {
            o.set(f, full.get(f));
        }
        byte[] body = Json.bytes(o);
        String ts = String.valueOf(now.getEpochSecond());
        String url = t.webhookUrl;
        String secret = t.webhookSecret;
        client.headers(h -> {
            h.set("content-type", "application/json");
            h.set("user-agent", "mise-webhook/sandbox");
            h.set("x-mise-timestamp", ts);
            h.set("x-mise-trajectory-id", t.id);
            if (secret != null) {
                h.set("x-mise-signature", sign(secret, ts, body));
            }
        }).post().uri(url).send(Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(body)))
                .responseSingle((res, content) -> Mono.just(res.status().code()))
                .subscribe(code -> LOG.debug("webhook for {} answered {}", t.id, code),
                        err -> LOG.warn("webhook delivery for trajectory {} failed: {}", t.id, err.toString()));
    }

    static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] sig = mac.doFinal(body);
            StringBuilder sb = new StringBuilder();
            for (byte b : sig) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void close() {
        pool.disposeLater().block(Duration.ofSeconds(5));
    }
}
