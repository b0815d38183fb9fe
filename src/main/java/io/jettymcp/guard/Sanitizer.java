package io.jettymcp.guard;

/**
 * Output from Jetty is untrusted: run outputs, descriptions, labels and logs are written by users
 * and LLMs. Invisible and bidirectional control characters can hide instructions from the person
 * reading a transcript, so they are removed before any text reaches the model. Whole code points
 * are checked, so the invisible "tag" characters beyond the basic plane (U+E0000–E007F, a known way
 * to smuggle text past a reader) go too.
 */
public final class Sanitizer {

    private Sanitizer() {
    }

    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isHidden(cp)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length()).append(text, 0, i);
                }
            } else if (sb != null) {
                sb.append(text, i, next);
            }
            i = next;
        }
        return sb == null ? text : sb.toString();
    }

    static boolean isHidden(int cp) {
        if (cp == '\n' || cp == '\r' || cp == '\t') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL                 // C0, DEL and C1 controls
                || type == Character.FORMAT              // zero-width, bidi marks/embeddings/isolates, BOM, soft hyphen, tags
                || (cp >= 0xFE00 && cp <= 0xFE0F)        // variation selectors
                || (cp >= 0xE0100 && cp <= 0xE01EF)      // variation selectors supplement
                || cp == 0x034F                          // combining grapheme joiner
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 // Hangul fillers (blank "letters")
                || cp == 0x180E;                         // Mongolian vowel separator (Cf in older Unicode)
    }
}
