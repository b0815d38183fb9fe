package io.jettymcp.bench;

import io.jettymcp.redact.Redactor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Redaction cost benchmark (not a test): ns per KB of text with N registered values, for the loop this
 * server used before issue 11 (one String.contains/replace per value, longest first, every call) and for
 * the automaton in {@link Redactor} (one pass; the build after a change is timed apart).
 *
 * <pre>java -cp target/classes:target/test-classes io.jettymcp.bench.RedactionBench [secrets] [KB]</pre>
 */
public final class RedactionBench {

    private RedactionBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int kb = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Random random = new Random(7);
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            secrets.add(word(random, 16 + random.nextInt(24)));
        }
        StringBuilder sb = new StringBuilder();
        while (sb.length() < kb * 1024) {
            sb.append("{\"step\":\"s").append(random.nextInt(100)).append("\",\"text\":\"").append(word(random, 40))
                    .append(' ').append(random.nextInt(50) == 0 ? secrets.get(random.nextInt(n)) : "ok").append("\"},\n");
        }
        String text = sb.toString();
        Redactor r = new Redactor();
        secrets.forEach(r::register);
        long b0 = System.nanoTime();
        String expected = r.redact(text); // the first redaction after the registrations builds the automaton
        long build = System.nanoTime() - b0;
        double kib = text.length() / 1024.0;
        double before = median(() -> oldRedact(secrets, text), 15) / kib;
        double after = median(() -> r.redact(text), 15) / kib;
        Redactor none = new Redactor();
        double shapes = median(() -> none.redact(text), 15) / kib;
        double cut = median(() -> r.cut(text, 400), 15);
        double rebuild = median(() -> {
            r.register(word(random, 20));
            r.redact("x");
        }, 5);
        System.out.printf("%d values, %.0f KB text (redaction %s)%n", n, kib,
                expected.equals(r.redact(text)) ? "stable" : "UNSTABLE");
        System.out.printf("before (loop + key shapes): %,.0f ns/KB%nafter (automaton + key shapes): %,.0f ns/KB%n"
                + "key shapes alone (no values): %,.0f ns/KB%nfirst build: %.1f ms; rebuild after one more value: %.1f ms%n"
                + "cut(text, 400): %,.0f ns for the whole %.0f KB text%n", before, after, shapes, build / 1e6, rebuild / 1e6,
                cut, kib);
    }

    private static final java.util.regex.Pattern KEYS = java.util.regex.Pattern.compile(
            "(?<![A-Za-z0-9_-])(?:mlc_[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,}|sk-(?:proj-|or-v1-)?[A-Za-z0-9_-]{16,}"
                    + "|AIza[A-Za-z0-9_-]{20,}|r8_[A-Za-z0-9]{16,}|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{4,}"
                    + "(?:\\.[A-Za-z0-9_-]+)?)(?![A-Za-z0-9_-])");
    private static final java.util.regex.Pattern BEARER = java.util.regex.Pattern.compile(
            "(?i)(\\bBearer\\s+)[A-Za-z0-9._~+/=-]{8,}");

    /** Redactor.redact before issue 11: one contains/replace per value, longest first, then the key shapes. */
    static String oldRedact(List<String> secrets, String text) {
        String out = text;
        for (String s : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            if (out.contains(s)) {
                out = out.replace(s, "[REDACTED]");
            }
        }
        out = BEARER.matcher(out).replaceAll("$1[REDACTED]");
        return KEYS.matcher(out).replaceAll("[REDACTED]");
    }

    private static double median(Runnable r, int runs) {
        for (int i = 0; i < 10; i++) {
            r.run();
        }
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(t);
        return t[runs / 2];
    }

    private static String word(Random random, int len) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
