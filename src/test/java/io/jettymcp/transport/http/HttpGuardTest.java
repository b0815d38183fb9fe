package io.jettymcp.transport.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpGuardTest {

    private static HttpOptions options(String host, List<String> origins, List<String> hosts, String token) {
        return new HttpOptions(host, 8080, origins, hosts, token, HttpOptions.DEFAULT_MAX_BODY, Duration.ofMinutes(1),
                8, false, false, Duration.ofSeconds(1));
    }

    private static HttpHeaders headers(String host, String origin, String auth) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (host != null) {
            h.set("Host", host);
        }
        if (origin != null) {
            h.set("Origin", origin);
        }
        if (auth != null) {
            h.set("Authorization", auth);
        }
        return h;
    }

    @Test
    void loopbackNamesAndOriginsPassOthersGet403() {
        HttpGuard g = new HttpGuard(options("127.0.0.1", List.of(), List.of(), null));
        for (String host : List.of("localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "[::1]", "LOCALHOST:1")) {
            assertThat(g.checkOrigin(headers(host, null, null))).as(host).isNull();
        }
        for (String host : List.of("evil.com", "evil.com:8080", "127.0.0.1.nip.io", "localhost.evil.com:8080", "10.0.0.5:8080")) {
            assertThat(g.checkOrigin(headers(host, null, null))).as(host).extracting(HttpGuard.Refusal::status).isEqualTo(403);
        }
        assertThat(g.checkOrigin(headers(null, null, null))).extracting(HttpGuard.Refusal::status).isEqualTo(400);
        for (String origin : List.of("http://localhost:3000", "https://127.0.0.1", "http://[::1]:5173")) {
            assertThat(g.checkOrigin(headers("localhost", origin, null))).as(origin).isNull();
        }
        for (String origin : List.of("http://evil.com", "null", "file://", "http://localhost.evil.com", "chrome-extension://x")) {
            assertThat(g.checkOrigin(headers("localhost", origin, null))).as(origin).extracting(HttpGuard.Refusal::status)
                    .isEqualTo(403);
        }
    }

    @Test
    void allowListsAndTheBindAddressExtendWhatPasses() {
        HttpGuard g = new HttpGuard(options("10.0.0.5", List.of("https://app.example.com/"), List.of("mcp.example.com"), "t"));
        assertThat(g.checkOrigin(headers("mcp.example.com", "https://app.example.com", null))).isNull();
        assertThat(g.checkOrigin(headers("mcp.example.com:443", null, null))).isNull();
        assertThat(g.checkOrigin(headers("10.0.0.5:8080", null, null))).isNull();
        assertThat(g.checkOrigin(headers("other.example.com", null, null))).isNotNull();
        assertThat(g.checkOrigin(headers("mcp.example.com", "https://other.example.com", null))).isNotNull();
    }

    @Test
    void bearerTokenMustMatchExactly() {
        HttpGuard g = new HttpGuard(options("0.0.0.0", List.of(), List.of(), "s3cret-token"));
        assertThat(g.checkAuth(headers("localhost", null, "Bearer s3cret-token"))).isNull();
        assertThat(g.checkAuth(headers("localhost", null, "bearer s3cret-token"))).isNull();
        for (String bad : new String[]{null, "", "Bearer ", "Bearer s3cret-toke", "Bearer s3cret-token2", "Basic s3cret-token",
                "s3cret-token"}) {
            HttpGuard.Refusal r = g.checkAuth(headers("localhost", null, bad));
            assertThat(r).as(String.valueOf(bad)).isNotNull();
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.message()).doesNotContain("s3cret");
        }
        assertThat(new HttpGuard(options("127.0.0.1", List.of(), List.of(), null)).checkAuth(headers("localhost", null, null)))
                .isNull();
        // F14: loopback is open by default, and a token given on loopback is required there too (README)
        HttpGuard loopbackWithToken = new HttpGuard(options("127.0.0.1", List.of(), List.of(), "s3cret-token"));
        assertThat(loopbackWithToken.checkAuth(headers("127.0.0.1:8080", null, null))).isNotNull();
        assertThat(loopbackWithToken.checkAuth(headers("127.0.0.1:8080", null, "Bearer s3cret-token"))).isNull();
    }

    @Test
    void listenAddressesParseAndNetworkBindsNeedAToken() {
        assertThat(HttpOptions.parseListen("8080")).isEqualTo(new HttpOptions.HostPort("127.0.0.1", 8080));
        assertThat(HttpOptions.parseListen("0.0.0.0:9")).isEqualTo(new HttpOptions.HostPort("0.0.0.0", 9));
        assertThat(HttpOptions.parseListen("[::1]:7")).isEqualTo(new HttpOptions.HostPort("::1", 7));
        assertThatThrownBy(() -> HttpOptions.parseListen("host:port")).hasMessageContaining("[HOST:]PORT");
        assertThatThrownBy(() -> HttpOptions.parseListen("70000")).hasMessageContaining("[HOST:]PORT");
        assertThat(options("127.0.0.1", List.of(), List.of(), null).loopbackOnly()).isTrue();
        assertThat(options("localhost", List.of(), List.of(), null).loopbackOnly()).isTrue();
        assertThat(options("0.0.0.0", List.of(), List.of(), null).loopbackOnly()).isFalse();
        assertThat(options("example.com", List.of(), List.of(), null).loopbackOnly()).isFalse();
        assertThat(options("0.0.0.0", List.of(), List.of(), "tok-123").toString()).doesNotContain("tok-123");
    }
}
