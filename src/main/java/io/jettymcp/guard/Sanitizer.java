package io.jettymcp.guard;

/**
 * Output from Jetty is untrusted: run outputs, descriptions, labels and logs are written by users
 * and LLMs. Invisible and bidirectional control characters can hide instructions from the person
 * reading a transcript, so they are removed before any text reaches the model.
 */
public final class Sanitizer {

    private Sanitizer() {
    }

    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isHidden(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length()).append(text, 0, i);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    static boolean isHidden(char c) {
        return (c >= '\u200B' && c <= '\u200F')     // zero-width space/joiners, LRM, RLM
                || (c >= '\u202A' && c <= '\u202E') // bidi embeddings and overrides
                || (c >= '\u2060' && c <= '\u2064') // word joiner, invisible operators
                || (c >= '\u2066' && c <= '\u2069') // bidi isolates
                || c == '\uFEFF'                    // BOM / zero-width no-break space
                || c == '\u00AD'                    // soft hyphen
                || c == '\u180E'
                || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
                || c == 0x7F;
    }
}
