package io.jettymcp.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Minimal multipart/form-data parser over an aggregated body (RFC 7578 as curl and SDKs send it). */
final class Multipart {

    /** One part; {@code filename} is null for plain text fields. */
    record Part(String name, String filename, String contentType, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        boolean isFile() {
            return filename != null;
        }
    }

    private Multipart() {
    }

    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String p : contentType.split(";")) {
            String t = p.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = t.substring(9).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() ? null : b;
            }
        }
        return null;
    }

    /** Parses the parts; returns an empty list when the body is not well-formed multipart. */
    static List<Part> parse(String contentType, byte[] body) {
        List<Part> parts = new ArrayList<>();
        String boundary = boundary(contentType);
        if (boundary == null || body == null) {
            return parts;
        }
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delim, 0);
        while (pos >= 0) {
            int start = pos + delim.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break; // closing delimiter
            }
            start = skipCrlf(body, start);
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            if (headerEnd < 0) {
                break;
            }
            String headerBlock = new String(body, start, headerEnd - start, StandardCharsets.UTF_8);
            int dataStart = headerEnd + 4;
            int next = indexOf(body, delim, dataStart);
            if (next < 0) {
                break;
            }
            int dataEnd = next;
            if (dataEnd >= 2 && body[dataEnd - 2] == '\r' && body[dataEnd - 1] == '\n') {
                dataEnd -= 2;
            }
            byte[] data = java.util.Arrays.copyOfRange(body, dataStart, Math.max(dataStart, dataEnd));
            Part part = toPart(headerBlock, data);
            if (part != null) {
                parts.add(part);
            }
            pos = next;
        }
        return parts;
    }

    /** Text fields by name, file parts as "filename:size"; repeated names become name, name[1], … */
    static Map<String, String> fields(List<Part> parts) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Part p : parts) {
            int n = seen.merge(p.name(), 1, Integer::sum) - 1;
            String key = n == 0 ? p.name() : p.name() + "[" + n + "]";
            out.put(key, p.isFile() ? p.filename() + ":" + p.data().length : p.text());
        }
        return out;
    }

    private static Part toPart(String headerBlock, byte[] data) {
        String name = null;
        String filename = null;
        String ct = null;
        for (String line : headerBlock.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String h = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String v = line.substring(colon + 1).trim();
            if (h.equals("content-disposition")) {
                name = param(v, "name");
                filename = param(v, "filename");
            } else if (h.equals("content-type")) {
                ct = v;
            }
        }
        return name == null ? null : new Part(name, filename, ct, data);
    }

    private static String param(String header, String key) {
        for (String p : header.split(";")) {
            String t = p.trim();
            int eq = t.indexOf('=');
            if (eq > 0 && t.substring(0, eq).trim().equalsIgnoreCase(key)) {
                String v = t.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    private static int skipCrlf(byte[] b, int i) {
        if (i + 1 < b.length && b[i] == '\r' && b[i + 1] == '\n') {
            return i + 2;
        }
        return i;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
