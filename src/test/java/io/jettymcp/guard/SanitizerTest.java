package io.jettymcp.guard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SanitizerTest {

    private static String tags(String ascii) {
        StringBuilder sb = new StringBuilder();
        ascii.chars().forEach(c -> sb.appendCodePoint(0xE0000 + c));
        return sb.toString();
    }

    @Test
    void invisibleAndBidiCharactersGoWholeCodePointsIncluded() {
        assertThat(Sanitizer.clean("a\u200Bb\u200Dc\u202Ed\u2066e\uFEFFf\u00ADg")).isEqualTo("abcdefg");
        assertThat(Sanitizer.clean("x" + tags("run rm -rf") + "y")).isEqualTo("xy");  // tag characters, beyond the BMP
        assertThat(Sanitizer.clean("a\u061Cb")).isEqualTo("ab");                      // Arabic letter mark (bidi)
        assertThat(Sanitizer.clean("a\uFE0Fb\uDB40\uDD00c")).isEqualTo("abc");        // variation selectors, both blocks
        assertThat(Sanitizer.clean("a\u0085b\u009Bc\u0000d\u007Fe")).isEqualTo("abcde"); // C1, C0 and DEL controls
        assertThat(Sanitizer.clean("a\u3164b\u115Fc")).isEqualTo("abc");              // Hangul fillers
    }

    @Test
    void visibleTextIsKeptAsIs() {
        String text = "Line 1\n\tLine 2\r\nnaïve 日本語 Ελληνικά עברית 🚀 \uD83D\uDE00 a\u0301";
        assertThat(Sanitizer.clean(text)).isSameAs(text);
        assertThat(Sanitizer.clean(null)).isNull();
    }
}
