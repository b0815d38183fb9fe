package io.jettymcp.config;

import io.jettymcp.redact.Redactor;

/**
 * The Jetty API token and where it came from. {@link #toString()} never shows the value, so a
 * token printed by accident in a log or exception shows as {@code mlc_...abcd}.
 */
public record Token(String value, String source) {

    public static final Token NONE = new Token(null, "none");

    public boolean present() {
        return value != null;
    }

    public boolean collectionScopedKey() {
        return value != null && value.startsWith("mlc_");
    }

    /** A stable, one-way name for the value: to key caches by token without keeping the token as a key. */
    public String fingerprint() {
        return fingerprint(value);
    }

    public static String fingerprint(String value) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    public String masked() {
        return value == null ? "(none)" : Redactor.mask(value).replace("[REDACTED]", "..." + last4());
    }

    private String last4() {
        return value.length() <= 4 ? "" : value.substring(value.length() - 4);
    }

    @Override
    public String toString() {
        return "Token[" + masked() + " from " + source + "]";
    }
}
