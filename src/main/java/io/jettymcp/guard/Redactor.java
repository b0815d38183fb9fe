package io.jettymcp.guard;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that removes secrets from everything leaving the server: results, errors, log
 * lines and exception text. It knows the token, every secret value registered with it (env values,
 * secret_params, webhook secrets) and the shapes of well-known keys.
 *
 * <p>Patterns match at word boundaries with a minimum length so ordinary text such as workflow ids
 * ({@code demo-text-echo--3bc97289}) or the word "sk-learn" is left alone.
 */
public final class Redactor {

    /** Values shorter than this are not registered: redacting "true" or "1" would mangle every output. */
    public static final int MIN_SECRET_LENGTH = 8;

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

    /** Registers a value to be redacted wherever it appears. Short or blank values are ignored. */
    public void register(String value) {
        if (value == null) {
            return;
        }
        String v = value.strip();
        if (v.length() >= MIN_SECRET_LENGTH) {
            secrets.add(v);
        }
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (!secrets.isEmpty()) {
            // longest first, so a secret that contains another is removed whole
            for (String s : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
                if (out.contains(s)) {
                    out = out.replace(s, mask(s));
                }
            }
        }
        out = BEARER.matcher(out).replaceAll("$1[REDACTED]");
        Matcher m = KEY_PATTERNS.matcher(out);
        if (m.find()) {
            StringBuilder sb = new StringBuilder();
            do {
                m.appendReplacement(sb, Matcher.quoteReplacement(mask(m.group())));
            } while (m.find());
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }

    /** How a secret is shown: an {@code mlc_} token as {@code mlc_...abcd}, anything else fully hidden. */
    public static String mask(String secret) {
        if (secret.startsWith("mlc_") && secret.length() >= 12) {
            return "mlc_..." + secret.substring(secret.length() - 4);
        }
        return "[REDACTED]";
    }
}
