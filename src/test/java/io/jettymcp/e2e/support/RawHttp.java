package io.jettymcp.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket, for what java.net.http will not send (a forged Host header) and to
 * read an SSE answer as it arrives. One request per connection ({@code Connection: close}).
 */
public final class RawHttp {

    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    public static Response send(int port, String method, String path, Map<String, String> headers, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            write(s, port, method, path, headers, body);
            return read(s.getInputStream());
        }
    }

    /**
     * Sends only a request's head, declaring a body of {@code contentLength} bytes that never follows, and
     * returns the answer's status: how a server that refuses a body from its declared length is seen.
     */
    public static int headOnlyStatus(int port, String method, String path, Map<String, String> headers, long contentLength)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\n");
            headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            sb.append("Content-Length: ").append(contentLength).append("\r\n\r\n");
            s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            StringBuilder line = new StringBuilder();
            InputStream in = s.getInputStream();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            return Integer.parseInt(line.toString().split(" ")[1]);
        }
    }

    /**
     * Sends a request, reads the raw answer (head and chunks as they arrive) until {@code until}
     * is found in it, and then drops the connection, as a client behind a flaky network would.
     *
     * @return the match of {@code until}
     */
    public static Matcher sendAndDrop(int port, String method, String path, Map<String, String> headers, String body,
                                      Pattern until) throws IOException {
        return sendAndDrop(port, method, path, headers, body, until, () -> { });
    }

    /** Like the above, running {@code beforeDrop} once {@code until} arrived and before the connection is closed. */
    public static Matcher sendAndDrop(int port, String method, String path, Map<String, String> headers, String body,
                                      Pattern until, Runnable beforeDrop) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            write(s, port, method, path, headers, body);
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                Matcher m = until.matcher(seen);
                if (m.find()) {
                    beforeDrop.run();
                    return m;
                }
            }
            throw new IOException("connection ended before " + until + " arrived: " + seen);
        }
    }

    /**
     * Opens an event stream (GET, no Connection: close) and reads its lines on a background thread.
     * Each SSE event arrives as one HTTP chunk, so event lines are never split.
     */
    public static EventStream openEventStream(int port, String path, Map<String, String> headers) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: text/event-stream\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        s.getOutputStream().write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return new EventStream(s);
    }

    /** The lines of an open event stream, as they arrive. */
    public static final class EventStream implements AutoCloseable {
        private final Socket socket;
        private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();

        private EventStream(Socket socket) {
            this.socket = socket;
            Thread reader = new Thread(() -> {
                try (java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "event-stream-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** @return the next line that matches (lines before it are consumed), or null after {@code timeout} */
        public String next(java.util.function.Predicate<String> matching, java.time.Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                String line = lines.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (line != null && matching.test(line)) {
                    return line;
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void write(Socket s, int port, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + port);
        h.put("Accept", "application/json, text/event-stream");
        h.put("Content-Type", "application/json");
        h.putAll(headers);
        h.put("Connection", "close");
        h.put("Content-Length", String.valueOf(bytes.length));
        h.forEach((k, v) -> {
            if (v != null) {
                sb.append(k).append(": ").append(v).append("\r\n");
            }
        });
        sb.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // the server may answer (413) and close before the whole body is written: read that answer
        }
    }

    private static Response read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        int split = indexOf(all, new byte[]{'\r', '\n', '\r', '\n'}, 0);
        String head = new String(all, 0, split < 0 ? all.length : split, StandardCharsets.ISO_8859_1);
        int bodyStart = split < 0 ? all.length : split + 4;
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            int i = bodyStart;
            while (i < all.length) {
                int eol = indexOf(all, new byte[]{'\r', '\n'}, i);
                if (eol < 0) {
                    break;
                }
                int size = Integer.parseInt(new String(all, i, eol - i, StandardCharsets.ISO_8859_1).trim().split(";")[0], 16);
                if (size == 0) {
                    break;
                }
                body.write(all, eol + 2, Math.min(size, all.length - eol - 2));
                i = eol + 2 + size + 2;
            }
        } else {
            body.write(all, bodyStart, all.length - bodyStart);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] a, byte[] pat, int from) {
        outer:
        for (int i = from; i <= a.length - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (a[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
