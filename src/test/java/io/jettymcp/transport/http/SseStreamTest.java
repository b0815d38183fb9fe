package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Event numbering, replay after a Last-Event-ID, and server-side hang-up of the answer streams. */
class SseStreamTest {

    private static final JacksonMcpJsonMapper MAPPER = new JacksonMcpJsonMapper(new ObjectMapper());
    private static final Duration T = Duration.ofSeconds(5);

    private static McpSchema.JSONRPCNotification note(int n) {
        return new McpSchema.JSONRPCNotification("2.0", "notifications/progress", Map.of("progress", n));
    }

    private static reactor.core.publisher.Flux<String> after(SseStream s, long n) {
        return s.events(n);
    }

    @Test
    void aResumableStreamNumbersItsEventsAndReplaysOnlyWhatFollowsTheLastId() {
        SseStream s = SseStream.resumable(MAPPER, "7", true);
        s.sendMessage(note(1)).block();
        s.sendMessage(note(2)).block();
        s.close();

        List<String> all = s.events().collectList().block(T);
        assertThat(all).hasSize(3);
        assertThat(all.get(0)).isEqualTo("id: 7.0\ndata: \n\n"); // priming: an id and no data
        assertThat(all.get(1)).startsWith("id: 7.1\nevent: message\ndata: {");
        assertThat(all.get(2)).startsWith("id: 7.2\n");

        assertThat(after(s, 1).collectList().block(T)).containsExactly(all.get(2));
        assertThat(after(s, 2).collectList().block(T)).isEmpty();
    }

    @Test
    void clientsOfOlderProtocolsGetNoPrimingEventAndLiveStreamsNoIds() {
        SseStream unprimed = SseStream.resumable(MAPPER, "1", false);
        unprimed.sendMessage(note(1)).block();
        unprimed.close();
        assertThat(unprimed.events().collectList().block(T)).singleElement().asString().startsWith("id: 1.1\n");

        SseStream live = SseStream.live(MAPPER);
        live.sendMessage(note(1)).block();
        live.close();
        assertThat(live.events().collectList().block(T)).singleElement().asString().startsWith("event: message\n");
    }

    @Test
    void aHangUpEndsTheOpenDeliveryWithARetryHintAndTheRestWaitsForTheResume() {
        SseStream s = SseStream.resumable(MAPPER, "3", true);
        s.hangUp(); // before the HTTP layer subscribed: the first delivery ends after what is buffered
        s.sendMessage(note(1)).block();
        assertThat(s.events().collectList().block(T)).containsExactly("id: 3.0\ndata: \n\n",
                after(s, 0).blockFirst(T), "retry: 1000\n\n");

        s.sendMessage(note(2)).block();
        s.close();
        List<String> resumed = after(s, 1).collectList().block(T);
        assertThat(resumed).singleElement().asString().startsWith("id: 3.2\n");
    }

    @Test
    void aHangUpEndsEveryOpenDeliveryAndTheEventsStayResumable() {
        SseStream s = SseStream.resumable(MAPPER, "5", true);
        List<String> first = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> second = new java.util.concurrent.CopyOnWriteArrayList<>();
        reactor.core.Disposable a = s.events(-1).subscribe(first::add);
        reactor.core.Disposable b = s.events(0).subscribe(second::add); // a resume, both open
        s.hangUp();
        assertThat(a.isDisposed()).isTrue();
        assertThat(b.isDisposed()).isTrue();
        assertThat(first).endsWith("retry: 1000\n\n");
        assertThat(second).containsExactly("retry: 1000\n\n");

        s.sendMessage(note(1)).block();
        s.close();
        assertThat(s.events(0).collectList().block(T)).hasSize(1);
    }

    @Test
    void theHistoryIsBounded() {
        SseStream s = SseStream.resumable(MAPPER, "9", false);
        for (int i = 1; i <= SseStream.HISTORY + 10; i++) {
            s.sendMessage(note(i)).block();
        }
        s.close();
        List<String> kept = after(s, 0).collectList().block(T);
        assertThat(kept).hasSize(SseStream.HISTORY);
        assertThat(kept.get(kept.size() - 1)).startsWith("id: 9." + (SseStream.HISTORY + 10) + "\n");
    }
}
