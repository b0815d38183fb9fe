package io.jettymcp.redact;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that removes secrets from everything leaving the server: results, errors, log
 * lines and exception text. It knows the token, every secret value registered with it (env values,
 * secret_params, webhook secrets) and the shapes of well-known keys.
 *
 * <p>Registered values are found as given, JSON-escaped, percent-encoded and as standard and URL-safe base64 at
 * each byte alignment, in one pass over the text by an automaton over all those forms, rebuilt on
 * the first redaction after the set changed. Shortening goes through {@link #cut} only: it redacts the kept
 * text together with what follows it, so a secret that straddles the cut is still recognised, and a cut
 * that leaves 4 or more characters of a value (here, or in a text Jetty already cut before a {@code …})
 * masks them.
 *
 * <p>Key-shape patterns match at word boundaries with a minimum length so ordinary text such as workflow ids
 * ({@code demo-text-echo--3bc97289}) or the word "sk-learn" is left alone.
 */
public final class Redactor {

    /** Values shorter than this are not registered: redacting "true" or "1" would mangle every output. */
    public static final int MIN_SECRET_LENGTH = 8;
    /** A cut that leaves this many characters of a registered value (at its head or tail) masks them. */
    public static final int MIN_CUT_FRAGMENT = 4;
    /** What {@link #cut} appends, and what marks a text Jetty already cut. */
    public static final String CUT_MARK = "…";

    private static final String REDACTED = "[REDACTED]";
    /** Shorter base64 runs are not matched: fewer bits would hit unrelated base64 (images) by chance. */
    private static final int MIN_BASE64_LENGTH = 10;
    private static final Pattern PERCENT = Pattern.compile("%[0-9A-F]{2}");
    private static final char CUT_CHAR = '…';
    /** How far past a cut the key shapes are looked for when no registered value is longer. */
    private static final int KEY_LOOKAHEAD = 64;

    private static final Pattern KEY_PATTERNS = Pattern.compile(
            "(?<![A-Za-z0-9_-])(?:"
                    + "mlc_[A-Za-z0-9_-]{8,}"
                    + "|sk-ant-[A-Za-z0-9_-]{8,}"
                    + "|sk-(?:proj-|or-v1-)?[A-Za-z0-9_-]{16,}"
                    + "|AIza[A-Za-z0-9_-]{20,}"
                    + "|r8_[A-Za-z0-9]{16,}"
                    + "|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{4,}(?:\\.[A-Za-z0-9_-]+)?"
                    + ")(?![A-Za-z0-9_-])");

    private static final Pattern BEARER = Pattern.compile("(?i)(\\bBearer\\s+)[A-Za-z0-9._~+/=-]{8,}");

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    /** bumped after every new value; the automaton is rebuilt when it lags behind */
    private final AtomicLong generation = new AtomicLong();
    private volatile Built built = new Built(0, SecretAutomaton.EMPTY, List.of(), List.of());

    /**
     * The automata for one generation of the set: forward for matches; over the reversed forms, for the tails
     * after a '…', built only when a text has one.
     */
    private static final class Built {
        final long generation;
        final SecretAutomaton forward;
        private final List<String> reversed;
        private final List<String> masks;
        private volatile SecretAutomaton backward;

        Built(long generation, SecretAutomaton forward, List<String> masks, List<String> reversed) {
            this.generation = generation;
            this.forward = forward;
            this.masks = masks;
            this.reversed = reversed;
        }

        long generation() {
            return generation;
        }

        SecretAutomaton forward() {
            return forward;
        }

        SecretAutomaton backward() {
            SecretAutomaton b = backward;
            if (b == null) {
                synchronized (this) {
                    if (backward == null) {
                        backward = new SecretAutomaton(reversed, masks);
                    }
                    b = backward;
                }
            }
            return b;
        }
    }

    private record Span(int start, int end, String mask) {
    }

    /** Registers a value to be redacted wherever it appears. Short or blank values are ignored. */
    public void register(String value) {
        if (value == null) {
            return;
        }
        String v = value.strip();
        if (v.length() >= MIN_SECRET_LENGTH && secrets.add(v)) {
            generation.incrementAndGet();
        }
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return apply(text, text.length(), -1);
    }

    /**
     * Shortens {@code text} to at most {@code max} of its characters and redacts it, as one operation: the
     * kept part is redacted together with what follows it (up to the longest registered form), so a value
     * straddling the cut is masked whole, and 4 or more characters of a value's head just before the cut are
     * masked even if the rest is not there. A shortened text ends in {@link #CUT_MARK}; the caller may say
     * how much was left out after it.
     */
    public String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return redact(text);
        }
        int keep = Math.max(0, Character.isLowSurrogate(text.charAt(max)) ? max - 1 : max);
        int end = (int) Math.min(text.length(), (long) keep + Math.max(built().forward().longest(), KEY_LOOKAHEAD));
        return apply(text, end, keep) + CUT_MARK;
    }

    /** The redacted text[0, keep) (or [0, end) when keep < 0), judged on text[0, end). */
    private String apply(String text, int end, int keep) {
        Built b = built();
        List<Span> spans = new ArrayList<>();
        boolean cutMarks = false;
        SecretAutomaton fwd = b.forward();
        if (!fwd.isEmpty()) {
            int s = 0;
            for (int i = 0; i < end; i++) {
                char c = text.charAt(i);
                if (i == keep || c == CUT_CHAR) {
                    cutMarks |= c == CUT_CHAR;
                    edge(spans, i - fwd.depth(s), i);
                }
                s = fwd.step(s, c);
                int len = fwd.matchLength(s);
                if (len > 0) {
                    spans.add(new Span(i + 1 - len, i + 1, fwd.matchMask(s)));
                }
            }
            if (cutMarks) {
                SecretAutomaton bwd = b.backward();
                int r = 0;
                for (int i = end - 1; i > 0; i--) {
                    r = bwd.step(r, text.charAt(i));
                    if (text.charAt(i - 1) == CUT_CHAR) {
                        edge(spans, i, i + bwd.depth(r));
                    }
                }
            }
        }
        Matcher m = BEARER.matcher(text).region(0, end);
        while (m.find()) {
            spans.add(new Span(m.end(1), m.end(), REDACTED));
        }
        m = KEY_PATTERNS.matcher(text).region(0, end);
        while (m.find()) {
            spans.add(new Span(m.start(), m.end(), mask(m.group())));
        }
        return replace(text, keep < 0 ? end : keep, spans);
    }

    private static void edge(List<Span> spans, int start, int end) {
        if (end - start >= MIN_CUT_FRAGMENT) {
            spans.add(new Span(start, end, REDACTED));
        }
    }

    /** text[0, limit) with every span that starts before limit replaced; overlapping spans become one. */
    private static String replace(String text, int limit, List<Span> spans) {
        if (spans.isEmpty()) {
            return limit == text.length() ? text : text.substring(0, limit);
        }
        spans.sort(Comparator.comparingInt(Span::start).thenComparing(Comparator.comparingInt(Span::end).reversed()));
        StringBuilder out = new StringBuilder(limit + 16);
        int pos = 0;
        int i = 0;
        while (i < spans.size() && spans.get(i).start() < limit) {
            Span first = spans.get(i);
            int end = first.end();
            boolean single = true;
            int j = i + 1;
            for (; j < spans.size() && spans.get(j).start() < end; j++) {
                Span o = spans.get(j);
                single &= o.start() == first.start() && o.end() == first.end() && o.mask().equals(first.mask());
                end = Math.max(end, o.end());
            }
            if (first.start() >= pos) {
                out.append(text, pos, first.start());
            }
            out.append(single ? first.mask() : REDACTED);
            pos = Math.max(pos, end);
            i = j;
        }
        if (pos < limit) {
            out.append(text, pos, limit);
        }
        return out.toString();
    }

    private Built built() {
        Built b = built;
        if (b.generation() == generation.get()) {
            return b;
        }
        synchronized (this) {
            long g = generation.get();
            if (built.generation() != g) {
                built = build(g);
            }
            return built;
        }
    }

    /** One automaton over every form of every value, and one over the same forms reversed. */
    private Built build(long g) {
        Map<String, String> forms = new LinkedHashMap<>();
        for (String v : List.copyOf(secrets)) {
            forms(v, forms);
        }
        List<String> patterns = new ArrayList<>(forms.keySet());
        List<String> masks = new ArrayList<>(forms.values());
        List<String> reversed = patterns.stream().map(p -> new StringBuilder(p).reverse().toString()).toList();
        return new Built(g, new SecretAutomaton(patterns, masks), masks, reversed);
    }

    /**
     * The forms a value is recognised in, each with its mask: as given, and JSON-escaped (as Jackson writes it,
     * and as Python's json.dumps does with every non-ASCII character escaped) — an error detail that is an
     * object is quoted as JSON text.
     */
    static void forms(String v, Map<String, String> out) {
        add(out, v, mask(v));
        encoded(out, v, jsonEscaped(v, false));
        encoded(out, v, jsonEscaped(v, true));
        for (String f : percentEncoded(v)) {
            encoded(out, v, f);
        }
        for (String f : base64Cores(v.getBytes(StandardCharsets.UTF_8))) {
            encoded(out, v, f);
            encoded(out, v, f.replace('+', '-').replace('/', '_'));
        }
    }

    /** Form encoding (URLEncoder: space as '+') and RFC 3986 (space as %20, '~' kept), upper- and lower-case hex. */
    static List<String> percentEncoded(String v) {
        String form = URLEncoder.encode(v, StandardCharsets.UTF_8);
        String rfc = form.replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
        return List.of(form, rfc, lowerHex(form), lowerHex(rfc));
    }

    private static String lowerHex(String s) {
        return PERCENT.matcher(s).replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
    }

    /**
     * The base64 characters that encode the value alone, at each of the three byte alignments it can have in
     * a longer encoded text: the edge characters that also carry neighbouring bits are dropped. 8 bytes give 10
     * characters (60 bits), so an unrelated base64 text (an image) is not hit by chance.
     */
    static List<String> base64Cores(byte[] value) {
        List<String> cores = new ArrayList<>(3);
        for (int a = 0; a < 3; a++) {
            byte[] buf = new byte[(a + value.length + 2) / 3 * 3];
            System.arraycopy(value, 0, buf, a, value.length);
            String enc = Base64.getEncoder().encodeToString(buf);
            int from = (8 * a + 5) / 6;              // first character with no bit of a byte before
            int to = 8 * (a + value.length) / 6;     // end of the last character with no bit of a byte after
            if (to - from >= MIN_BASE64_LENGTH) {
                cores.add(enc.substring(from, to));
            }
        }
        return cores;
    }

    /** An encoded form is only another pattern where it differs from the value (which keeps its own mask). */
    private static void encoded(Map<String, String> out, String value, String form) {
        if (!form.equals(value)) {
            add(out, form, REDACTED);
        }
    }

    static String jsonEscaped(String v, boolean asciiOnly) {
        StringBuilder sb = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || asciiOnly && c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static void add(Map<String, String> out, String form, String mask) {
        out.merge(form, mask, (a, b) -> a.equals(b) ? a : REDACTED);
    }

    /** How a secret is shown: an {@code mlc_} token as {@code mlc_...abcd}, anything else fully hidden. */
    public static String mask(String secret) {
        if (secret.startsWith("mlc_") && secret.length() >= 12) {
            return "mlc_..." + secret.substring(secret.length() - 4);
        }
        return REDACTED;
    }
}
