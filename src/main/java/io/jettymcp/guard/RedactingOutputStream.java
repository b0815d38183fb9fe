package io.jettymcp.guard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * stderr as the server writes it: every line passes the {@link Redactor} before it leaves, so no
 * log line, stack trace or library message can carry a secret, whoever wrote it. Lines are
 * redacted whole, so a secret split across two writes is still found: a flush does not release a
 * line before its end (logs always end theirs), close does. Only as a last line of defence: call
 * sites still redact what they log.
 */
public final class RedactingOutputStream extends OutputStream {

    /** a line longer than this is redacted and written in pieces, so a runaway line cannot hold memory */
    private static final int MAX_LINE = 64 * 1024;

    private final OutputStream out;
    private final Redactor redactor;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public RedactingOutputStream(OutputStream out, Redactor redactor) {
        this.out = out;
        this.redactor = redactor;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n' || line.size() >= MAX_LINE) {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        emit();
        out.close();
    }

    private void emit() throws IOException {
        if (line.size() > 0) {
            out.write(redactor.redact(line.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
