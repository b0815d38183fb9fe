package io.jettymcp.transport;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * stdin as lines, read on a thread of its own from process start, and stdout as the one place lines are written.
 *
 * <p>Reading starts before the server exists: what arrives waits, in order, until the transport
 * {@linkplain #connect connects}, and the session's opening requests are answered on arrival when
 * {@link OpeningAnswers} knows them. So this class stays light (no logger, no Reactor, no JSON library until they are
 * needed): it is on the path to the first answer.
 */
public final class StdinLines {

    /**
     * The longest message line read; a longer one is dropped, answered with a parse error, and reading goes on.
     * 4 Mi characters, as the HTTP body limit: parsing one fits the launcher's 128 MB heap.
     */
    public static final int MAX_LINE_CHARS = 4 * 1024 * 1024;
    private static final int KEEP_BUFFER_CHARS = 64 * 1024;
    /** What the reader hands on at the end of input */
    private static final Object END = new Object();

    /** A line that could not be read whole; the server answers it with a parse error. */
    public record Unread(String why) {
    }

    private final InputStream in;
    private final OutputStream out;
    private final OpeningAnswers opening;
    /** Lines read before {@link #connect}, then null; guarded by this */
    private List<Object> waiting = new ArrayList<>();
    private Consumer<Object> lines;
    private Runnable onEnd;
    private boolean started;

    /** @param opening answers to the session's opening requests from an earlier launch ({@link OpeningAnswers#NONE}: none) */
    public StdinLines(InputStream in, OutputStream out, OpeningAnswers opening) {
        this.in = in;
        this.out = out;
        this.opening = opening;
    }

    /** Starts the reader thread (once). */
    public synchronized void start() {
        if (!started) {
            started = true;
            Thread reader = new Thread(this::readLoop, "stdio-in");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /**
     * Hands every line read so far, then each as it is read, to {@code lines}: a {@code String} (a message's text) or
     * an {@link Unread}; then runs {@code onEnd} once input ends.
     */
    public void connect(Consumer<Object> lines, Runnable onEnd) {
        synchronized (this) {
            boolean ended = waiting.remove(END); // input ended before the server was ready: always the last
            waiting.forEach(lines);
            waiting = null;
            this.lines = lines;
            this.onEnd = onEnd;
            if (!ended) {
                return;
            }
        }
        onEnd.run();
    }

    /** The answers this reader gives early, for the transport to tell which of the server's are repeats. */
    public OpeningAnswers opening() {
        return opening;
    }

    /** Writes one message line; false when stdout is closed. */
    public boolean write(String json) {
        synchronized (out) {
            try {
                out.write(json.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private void readLoop() {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (Object next; (next = next(r, line)) != END; ) {
                if (next != null) {
                    arrived(next);
                }
            }
        } catch (IOException e) {
            // stdin closed under us: the same as its end
        } finally {
            arrived(END);
        }
    }

    private void arrived(Object next) {
        if (next instanceof String text) {
            String answer = opening.early(text);
            if (answer != null) {
                write(answer);
                opening.written();
            }
        }
        Consumer<Object> to;
        Runnable end;
        synchronized (this) {
            if (waiting != null) {
                waiting.add(next);
                return;
            }
            to = lines;
            end = onEnd;
        }
        if (next == END) {
            end.run();
        } else {
            to.accept(next);
        }
    }

    /**
     * Reads the next line: its text or an {@link Unread}, null for a blank CRLF line, {@link #END} at the end of
     * input. A line over the limit is skipped to its end; so is one the heap cannot hold (an OutOfMemoryError while
     * reading it): one message must not stop the reader and with it the session.
     */
    private Object next(Reader r, StringBuilder line) throws IOException {
        int c = 0;
        long length = 0;
        boolean over = false;
        try {
            while ((c = r.read()) != '\n' && c != -1) {
                length++;
                if (over) {
                    continue;
                }
                if (line.length() < MAX_LINE_CHARS) {
                    line.append((char) c);
                } else {
                    over = true;
                    clear(line);
                }
            }
            if (c == -1 && (over || line.length() == 0)) {
                return END;
            }
            return over ? new Unread("message longer than " + MAX_LINE_CHARS + " characters (the limit); it was dropped")
                    : text(line);
        } catch (OutOfMemoryError e) {
            clear(line);
            while (c != '\n' && c != -1) {
                c = r.read(); // the rest of the line, read without keeping it
            }
            LoggerFactory.getLogger(StdinLines.class)
                    .warn("dropped a stdin line: out of memory after reading {} characters of it", length);
            return new Unread("message too large for the server's memory (the limit is " + MAX_LINE_CHARS
                    + " characters); it was dropped");
        }
    }

    /** The finished line's text; null for a blank CRLF line. Empties {@code line}. */
    private static String text(StringBuilder line) {
        String text = line.toString();
        clear(line); // as large as the text: not kept while parsing
        if (text.endsWith("\r") && text.strip().isEmpty()) {
            return null;
        }
        return text.strip();
    }

    /** Empties the buffer; a large one gives its memory back. */
    private static void clear(StringBuilder line) {
        line.setLength(0);
        if (line.capacity() > KEEP_BUFFER_CHARS) {
            line.trimToSize();
        }
    }
}
