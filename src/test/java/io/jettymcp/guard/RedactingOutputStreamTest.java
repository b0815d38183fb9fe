package io.jettymcp.guard;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RedactingOutputStreamTest {

    @Test
    void linesAreRedactedWholeEvenWhenWrittenInPieces() {
        Redactor redactor = new Redactor();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new RedactingOutputStream(sink, redactor), true, StandardCharsets.UTF_8);
        redactor.register("registered-secret-value");

        err.print("WARN request failed: registered-");
        err.print("secret-value and Bearer abcdefgh12345678 ");
        err.println("käse");
        err.print("partial mlc_abcdefghijklmnop");
        err.flush();
        assertThat(sink.toString(StandardCharsets.UTF_8)).doesNotContain("partial");
        err.close();

        String written = sink.toString(StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("registered-secret-value").doesNotContain("abcdefgh12345678")
                .doesNotContain("mlc_abcdefghijklmnop").contains("käse\n").contains("partial ");
    }
}
