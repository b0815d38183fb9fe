package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MRTR approval states: signed, expiring, bound to caller, tool and arguments, accepted once per replica. */
class ApprovalStatesTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String SHARED = "a-signing-key-every-replica-shares-0123456789";
    final AtomicLong now = new AtomicLong(1_800_000_000_000L);

    static JsonNode args(String json) throws Exception {
        return M.readTree(json);
    }

    ApprovalStates replica(String key) {
        return new ApprovalStates(ApprovalStates.key(key), now::get);
    }

    @Test
    void approvedOnOneReplicaItIsAcceptedOnAnotherOnceThere() throws Exception {
        ApprovalStates a = replica(SHARED);
        ApprovalStates b = replica(SHARED);
        JsonNode call = args("{\"task\":\"nightly\",\"collection\":\"prod\"}");
        String state = a.issue("key-1", "run-task", call);

        assertThat(b.accept(state, "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Accepted.class);
        assertThat(b.accept(state, "key-1", "run-task", call)).isInstanceOfSatisfying(ApprovalStates.Refused.class,
                r -> assertThat(r.reason()).contains("already used"));
        // the replica that issued it has not seen it used: once there too (the README's cross-replica limit)
        assertThat(a.accept(state, "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Accepted.class);
        assertThat(a.accept(state, "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Refused.class);
    }

    @Test
    void argumentsInAnotherOrderAreTheSameCall() throws Exception {
        ApprovalStates a = replica(SHARED);
        String state = a.issue("key-1", "run-task", args("{\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}}"));
        assertThat(a.accept(state, "key-1", "run-task", args("{\"b\":{\"x\":\"s\",\"y\":[1,2]},\"a\":1}")))
                .isInstanceOf(ApprovalStates.Accepted.class);
    }

    @Test
    void aTamperedStateOrOneSignedWithAnotherKeyIsRefused() throws Exception {
        ApprovalStates a = replica(SHARED);
        JsonNode call = args("{\"task\":\"nightly\"}");
        String state = a.issue("key-1", "run-task", call);
        String payload = new String(Base64.getUrlDecoder().decode(state.substring(0, state.indexOf('.'))), StandardCharsets.UTF_8);
        String later = payload.replaceAll("\"e\":\\d+", "\"e\":" + (now.get() + 86_400_000L));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(later.getBytes(StandardCharsets.UTF_8))
                + state.substring(state.indexOf('.'));

        assertThat(a.accept(forged, "key-1", "run-task", call)).isInstanceOfSatisfying(ApprovalStates.Refused.class,
                r -> assertThat(r.reason()).contains("not one this server issued"));
        assertThat(replica("another-key-of-another-deployment-0123456789").accept(state, "key-1", "run-task", call))
                .isInstanceOf(ApprovalStates.Refused.class);
        assertThat(a.accept("garbage", "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Refused.class);
        assertThat(a.accept(state + "x", "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Refused.class);
        assertThat(a.accept(state, "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Accepted.class); // the real one
    }

    @Test
    void aStateExpiresFiveMinutesAfterItWasIssued() throws Exception {
        ApprovalStates a = replica(SHARED);
        JsonNode call = args("{\"task\":\"nightly\"}");
        String early = a.issue("key-1", "run-task", call);
        String late = a.issue("key-1", "run-task", call);
        now.addAndGet(ApprovalStates.TTL.toMillis());
        assertThat(a.accept(early, "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Accepted.class);
        now.incrementAndGet();
        assertThat(a.accept(late, "key-1", "run-task", call)).isInstanceOfSatisfying(ApprovalStates.Refused.class,
                r -> assertThat(r.reason()).contains("expired").contains("Nothing was sent to Jetty"));
    }

    @Test
    void aStateCountsOnlyForItsCallerToolAndArguments() throws Exception {
        ApprovalStates a = replica(SHARED);
        JsonNode call = args("{\"task\":\"nightly\"}");
        String state = a.issue("key-1", "run-task", call);
        assertThat(a.accept(state, "key-2", "run-task", call)).isInstanceOf(ApprovalStates.Refused.class);
        assertThat(a.accept(state, "key-1", "delete-task", call)).isInstanceOf(ApprovalStates.Refused.class);
        assertThat(a.accept(state, "key-1", "run-task", args("{\"task\":\"other\"}"))).isInstanceOf(ApprovalStates.Refused.class);
        // refusals for a mismatch do not use it up
        assertThat(a.accept(state, "key-1", "run-task", call)).isInstanceOf(ApprovalStates.Accepted.class);
    }

    @Test
    void theStateCarriesNoArgumentValueOrCallerAndAShortKeyIsRefused() throws Exception {
        ApprovalStates a = replica(SHARED);
        String state = a.issue("mlc_secret_key_value", "create-secret", args("{\"name\":\"OPENAI\",\"value\":\"sk-live-12345\"}"));
        String payload = new String(Base64.getUrlDecoder().decode(state.substring(0, state.indexOf('.'))), StandardCharsets.UTF_8);
        assertThat(payload).contains("create-secret").doesNotContain("sk-live-12345").doesNotContain("OPENAI")
                .doesNotContain("mlc_secret_key_value");
        assertThatThrownBy(() -> ApprovalStates.key("short")).isInstanceOf(ApprovalStates.ConfigKeyTooShort.class)
                .hasMessageContaining("at least " + ApprovalStates.MIN_KEY_CHARS);
    }
}
