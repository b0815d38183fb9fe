package io.jettymcp.guard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    private final Redactor r = new Redactor();

    @Test
    void registeredSecretsAreRemovedWherever_theyAppear() {
        r.register("hunter2-very-secret");
        assertThat(r.redact("value=hunter2-very-secret; again hunter2-very-secret"))
                .doesNotContain("hunter2").contains("[REDACTED]");
    }

    @Test
    void tokensShowOnlyTheirLastFourCharacters() {
        r.register("mlc_abcdefghijklmnop1234");
        assertThat(r.redact("token mlc_abcdefghijklmnop1234 used")).isEqualTo("token mlc_...1234 used");
    }

    @Test
    void knownKeyShapesAreRedactedWithoutRegistration() {
        assertThat(r.redact("sk-ant-api03-AAAAAAAAAAAAAAAAAAAA")).isEqualTo("[REDACTED]");
        assertThat(r.redact("key sk-proj-abcdefghijklmnopqrstuv end")).isEqualTo("key [REDACTED] end");
        assertThat(r.redact("AIzaSyA1234567890abcdefghijklmnop")).isEqualTo("[REDACTED]");
        assertThat(r.redact("r8_abcdefghijklmnopqrstu")).isEqualTo("[REDACTED]");
        assertThat(r.redact("Authorization: Bearer abc.def-ghijklmnop")).isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(r.redact("mlc_unknownkey99998888")).isEqualTo("mlc_...8888");
    }

    @Test
    void ordinaryWordsAndIdsAreLeftAlone() {
        String s = "demo-text-echo--3bc97289 uses sk-learn and a mask- task; risk-free";
        assertThat(r.redact(s)).isEqualTo(s);
    }

    @Test
    void shortValuesAreNeverRegistered() {
        r.register("true");
        r.register("1234567");
        assertThat(r.redact("true 1234567")).isEqualTo("true 1234567");
    }
}
