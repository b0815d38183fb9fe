package io.jettymcp.sandbox;

import java.time.Instant;

/** A blob in simulated storage, keyed by its collection-prefixed path. */
record StoredFile(String path, String contentType, byte[] data, Instant created) {

    String name() {
        int s = path.lastIndexOf('/');
        return s < 0 ? path : path.substring(s + 1);
    }

    static String contentTypeFor(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        } else if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        } else if (n.endsWith(".webp")) {
            return "image/webp";
        } else if (n.endsWith(".json")) {
            return "application/json";
        } else if (n.endsWith(".md")) {
            return "text/markdown";
        } else if (n.endsWith(".csv")) {
            return "text/csv";
        } else if (n.endsWith(".txt")) {
            return "text/plain";
        } else if (n.endsWith(".pdf")) {
            return "application/pdf";
        } else if (n.endsWith(".mp4")) {
            return "video/mp4";
        } else if (n.endsWith(".zip")) {
            return "application/zip";
        }
        return "application/octet-stream";
    }
}
