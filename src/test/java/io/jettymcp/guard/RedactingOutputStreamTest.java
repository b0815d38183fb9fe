package io.jettymcp.guard;

import io.jettymcp.redact.Redactor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RedactingOutputStreamTest {

    @Test
    void linesAreRedactedWholeEvenWhenWrittenInPieces() throws Exception {
        Redactor redactor = new Redactor();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        java.io.OutputStream out = new RedactingOutputStream(sink, redactor);
        PrintStream err = new PrintStream(out, true, StandardCharsets.UTF_8);
        redactor.register("registered-secret-value");

        err.print("WARN request failed: registered-");
        err.print("secret-value and Bearer abcdefgh12345678 ");
        err.println("käse");
        err.print("partial mlc_abcdefghijklmnop");
        err.flush();
        assertThat(sink.toString(StandardCharsets.UTF_8)).doesNotContain("partial");
        ((RedactingOutputStream) out).drain(); // at exit

        String written = sink.toString(StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("registered-secret-value").doesNotContain("abcdefgh12345678")
                .doesNotContain("mlc_abcdefghijklmnop").contains("käse\n").contains("partial ");
    }

    @Test
    void aRunawayLineIsCutWithoutLettingAStraddlingSecretThrough() throws Exception {
        Redactor redactor = new Redactor();
        String secret = "straddling-secret-value-0123456789";
        redactor.register(secret);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        RedactingOutputStream out = new RedactingOutputStream(sink, redactor);
        // the secret sits across the cut, and an ä (two bytes) too
        String line = "x".repeat(RedactingOutputStream.MAX_LINE - 10) + secret + "ä".repeat(10) + "\nnext line\n";
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.flush();
        String written = sink.toString(StandardCharsets.UTF_8);
        assertThat(written).doesNotContain(secret.substring(0, 9)).contains("[line cut]").endsWith("next line\n");
        assertThat(written.length()).isLessThan(RedactingOutputStream.MAX_LINE);
    }
}
