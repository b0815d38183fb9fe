package io.jettymcp.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Token;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real Jetty is https. reactor-netty sets up TLS through a class that needs the QUIC classes on
 * the class path; without them every https call died with NoClassDefFoundError and never answered.
 */
class HttpsSetupTest {

    @Test
    void anHttpsBaseUrlFailsLikeANetworkErrorNotAMissingClass() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        JettyApi api = JettyApi.create("https://127.0.0.1:" + port, new Token("mlc_testKey12345678", "test"),
                Duration.ofSeconds(2), Duration.ofSeconds(3), RetryPolicy.NONE, new ObjectMapper(), "test");
        assertThatThrownBy(() -> api.json(ApiRequest.get("/api/v1/auth/whoami")).block(Duration.ofSeconds(15)))
                .isInstanceOf(JettyApiException.class)
                .hasMessageContaining("Could not reach Jetty at https://127.0.0.1:" + port);
    }

    @Test
    void anUntrustedCertificateIsNamedAsATlsProblemAndNotRetried() throws Exception {
        io.netty.handler.ssl.util.SelfSignedCertificate cert = new io.netty.handler.ssl.util.SelfSignedCertificate("localhost");
        io.netty.handler.ssl.SslContext ssl = io.netty.handler.ssl.SslContextBuilder
                .forServer(cert.certificate(), cert.privateKey()).build();
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        reactor.netty.DisposableServer server = reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(ssl))
                .handle((req, res) -> {
                    requests.incrementAndGet();
                    return res.sendString(reactor.core.publisher.Mono.just("{}"));
                })
                .bindNow();
        try {
            JettyApi api = JettyApi.create("https://127.0.0.1:" + server.port(), new Token("mlc_testKey12345678", "test"),
                    Duration.ofSeconds(2), Duration.ofSeconds(3), RetryPolicy.DEFAULT, new ObjectMapper(), "test");
            assertThatThrownBy(() -> api.json(ApiRequest.get("/api/v1/auth/whoami")).block(Duration.ofSeconds(15)))
                    .isInstanceOf(JettyApiException.class)
                    .hasMessageContaining("TLS handshake")
                    .hasMessageContaining("certificate");
            org.assertj.core.api.Assertions.assertThat(requests.get()).as("no request passes an untrusted handshake").isZero();
        } finally {
            server.disposeNow();
            cert.delete();
        }
    }
}
