package io.jettymcp.guard;

import io.jettymcp.redact.Redactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * stderr as the server writes it: every line passes the {@link Redactor} before it leaves, so no
 * log line, stack trace or library message can carry a secret, whoever wrote it. Lines are
 * redacted whole, so a secret split across two writes is still found: a flush does not release a
 * line before its end (logs always end theirs); {@link #drain()} does, at exit. Only as a last line
 * of defence: call sites still redact what they log.
 */
public final class RedactingOutputStream extends OutputStream {

    /** a longer line is cut: a runaway line cannot hold memory, and nothing of it passes unredacted */
    static final int MAX_LINE = 64 * 1024;
    /**
     * What is dropped before the cut, after redacting the whole buffer: a secret (up to this size)
     * that the cut splits has its visible part in here, where the redactor could not recognise it.
     */
    static final int CUT_MARGIN = 8 * 1024;
    private static final String CUT = " …[line cut]\n";

    private final OutputStream out;
    private final java.util.function.UnaryOperator<String> redactor;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean skipping; // the rest of a cut line, up to its end

    public RedactingOutputStream(OutputStream out, Redactor redactor) {
        this(out, redactor::redact);
    }

    /** @param redactor redacts a line; the server passes the union of every tenant's set ({@link Secrets#redactAll}) */
    public RedactingOutputStream(OutputStream out, java.util.function.UnaryOperator<String> redactor) {
        this.out = out;
        this.redactor = redactor;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (skipping) {
            skipping = b != '\n';
            return;
        }
        line.write(b);
        if (b == '\n') {
            emit();
        } else if (line.size() >= MAX_LINE) {
            String redacted = redactor.apply(line.toString(StandardCharsets.UTF_8));
            line.reset();
            out.write((redacted.substring(0, Math.min(redacted.length(), MAX_LINE - CUT_MARGIN)) + CUT)
                    .getBytes(StandardCharsets.UTF_8));
            skipping = true;
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

    /** Writes out a line that never got its end (redacted), e.g. a last message before exit. */
    public synchronized void drain() throws IOException {
        emit();
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        drain();
        out.close();
    }

    private void emit() throws IOException {
        if (line.size() > 0) {
            out.write(redactor.apply(line.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
