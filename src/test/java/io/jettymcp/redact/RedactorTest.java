package io.jettymcp.redact;

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

    static final String VALUE = "Qz7xWv9KpL2mRt4YhB8nJd"; // 22 characters

    static void assertNoFragment(String out, String of) {
        for (int i = 0; i + 4 <= of.length(); i++) {
            assertThat(out).doesNotContain(of.substring(i, i + 4));
        }
    }

    @Test
    void aCutAtEveryOffsetOfAValueLeavesNoFourOfItsCharacters() {
        r.register(VALUE);
        for (int max : new int[]{30, 120, 400}) {
            for (int k = 0; k <= VALUE.length(); k++) {
                String text = "x".repeat(max - k) + VALUE + "y".repeat(50);
                String out = r.cut(text, max);
                assertNoFragment(out, VALUE);
                assertThat(out).endsWith("…").startsWith("x".repeat(Math.min(max - k, 10)));
                assertThat(out.length()).isLessThanOrEqualTo(max + "[REDACTED]…".length());
            }
        }
    }

    @Test
    void aValueWhoseTailIsMissingIsStillMaskedAtTheCut() {
        r.register(VALUE);
        // the text ends before the value does: only its head is there, right at the cut
        for (int k = 4; k < VALUE.length(); k++) {
            String text = "x".repeat(40) + VALUE.substring(0, k) + "yyy";
            assertNoFragment(r.cut(text, 40 + k), VALUE);
        }
    }

    @Test
    void textsJettyAlreadyCutKeepNoFragmentEitherSide() {
        r.register(VALUE);
        for (int k = 4; k < VALUE.length(); k++) {
            assertNoFragment(r.redact("error: " + VALUE.substring(0, k) + "… (more)"), VALUE);
            assertNoFragment(r.redact("…" + VALUE.substring(VALUE.length() - k) + " tail"), VALUE);
        }
        // three characters at a cut are no fragment; ordinary text around a cut is kept
        assertThat(r.redact("see Qz7… and …nJd")).isEqualTo("see Qz7… and …nJd");
    }

    @Test
    void aShortTextIsOnlyRedactedAndALongOneSaysItWasCut() {
        r.register(VALUE);
        assertThat(r.cut("value " + VALUE, 100)).isEqualTo("value [REDACTED]");
        assertThat(r.cut("abcdefghij", 4)).isEqualTo("abcd…");
        assertThat(r.cut(null, 4)).isNull();
        // a key shape straddling the cut is masked too
        assertThat(r.cut("key sk-proj-abcdefghijklmnopqrstuv end", 10)).isEqualTo("key [REDACTED]…");
    }

    @Test
    void overlappingAndNestedValuesAreMaskedWhole() {
        r.register("abcdefgh-1234");
        r.register("gh-1234-wxyz99");
        r.register("outer-abcdefgh-1234-tail");
        assertThat(r.redact("1 abcdefgh-1234-wxyz99 2 outer-abcdefgh-1234-tail 3")).isEqualTo("1 [REDACTED] 2 [REDACTED] 3");
    }

    @Test
    void valuesRegisteredAfterARedactionAreFoundInTheNext() {
        r.register("first-secret-1");
        assertThat(r.redact("first-secret-1 second-secret-2")).isEqualTo("[REDACTED] second-secret-2");
        r.register("second-secret-2");
        assertThat(r.redact("first-secret-1 second-secret-2")).isEqualTo("[REDACTED] [REDACTED]");
    }

    @Test
    void jsonEscapedFormsOfAValueAreMasked() {
        r.register("pa\"ss\\w0rd");
        assertThat(r.redact("{\"password\":\"pa\\\"ss\\\\w0rd\"}")).isEqualTo("{\"password\":\"[REDACTED]\"}");
        r.register("line1\nline2-secret");
        assertThat(r.redact("\"line1\\nline2-secret\"")).isEqualTo("\"[REDACTED]\"");
        // Python's json.dumps escapes every non-ASCII character
        r.register("pässwörd-42");
        assertThat(r.redact("{\"p\": \"p\\u00e4ssw\\u00f6rd-42\"}")).isEqualTo("{\"p\": \"[REDACTED]\"}");
    }

    @Test
    void percentEncodedFormsOfAValueAreMasked() {
        String v = "p@ss w/rd+1~*x";
        r.register(v);
        for (String form : java.util.List.of(
                java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8), // p%40ss+w%2Frd%2B1%7E*x
                "p%40ss%20w%2Frd%2B1~%2Ax", "p%40ss%20w%2frd%2b1~%2ax")) {
            assertThat(r.redact("https://hooks.example.com/cb?token=" + form + "&a=1"))
                    .isEqualTo("https://hooks.example.com/cb?token=[REDACTED]&a=1");
        }
    }

    @Test
    void base64FormsOfAValueAreMaskedAtEveryAlignmentStandardAndUrlSafe() {
        String v = "Tr0ub4dor&3?horse>staple~battery";
        r.register(v);
        byte[] value = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String before : new String[]{"", "a", "ab", "abc"}) {
            for (String after : new String[]{"", "z", "zy"}) {
                byte[] all = (before + v + after).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                for (java.util.Base64.Encoder enc : java.util.List.of(java.util.Base64.getEncoder(),
                        java.util.Base64.getUrlEncoder(), java.util.Base64.getUrlEncoder().withoutPadding())) {
                    String b64 = enc.encodeToString(all);
                    String out = r.redact("data=" + b64 + ";");
                    assertThat(out).as("%s|%s", before, after).contains("[REDACTED]").startsWith("data=").endsWith(";");
                    // all but the few characters that also depend on the neighbouring bytes are gone
                    int removed = b64.length() - (out.length() - "data=;".length() - "[REDACTED]".length());
                    assertThat(removed).as("%s|%s %s", before, after, b64).isGreaterThanOrEqualTo(value.length * 4 / 3 - 2);
                }
            }
        }
    }

    @Test
    void anEightCharacterValueDoesNotAlterAnUnrelatedBase64Image() {
        r.register("Tr0ub4dr");
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 50; i++) { // and fifty more 8-character values
            StringBuilder sb = new StringBuilder();
            random.ints(8, 33, 127).forEach(c -> sb.append((char) c));
            r.register(sb.toString());
        }
        byte[] png = new byte[6 * 1024];
        random.nextBytes(png);
        byte[] header = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(header, 0, png, 0, header.length);
        java.util.Arrays.fill(png, 100, 400, (byte) 0); // runs of zero bytes, as images have ("AAAA…")
        for (java.util.Base64.Encoder enc : java.util.List.of(java.util.Base64.getEncoder(), java.util.Base64.getUrlEncoder(),
                java.util.Base64.getMimeEncoder())) {
            String image = enc.encodeToString(png);
            assertThat(r.redact(image)).isEqualTo(image);
            assertThat(r.redact("{\"type\":\"image\",\"data\":\"" + image + "\"}")).contains(image);
        }
    }
}
