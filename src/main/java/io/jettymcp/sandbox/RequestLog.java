package io.jettymcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Every API request the simulator received, in arrival order. Thread-safe. */
public final class RequestLog {

    private final List<RecordedRequest> requests = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();

    public synchronized List<RecordedRequest> all() {
        return List.copyOf(requests);
    }

    /** Requests whose method equals {@code method} ("*" or null = any) and whose path fully matches. */
    public synchronized List<RecordedRequest> matching(String method, String pathRegex) {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : requests) {
            boolean m = method == null || "*".equals(method) || method.equalsIgnoreCase(r.method());
            if (m && (pathRegex == null || r.path().matches(pathRegex))) {
                out.add(r);
            }
        }
        return out;
    }

    public synchronized void clear() {
        requests.clear();
    }

    public synchronized int count() {
        return requests.size();
    }

    synchronized RecordedRequest record(String method, String path, String query, java.util.Map<String, String> headers,
                           String contentType, byte[] body) {
        RecordedRequest r = new RecordedRequest(method, path, query, headers, contentType, body, seq.incrementAndGet());
        requests.add(r);
        return r;
    }
}
