package io.jettymcp.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The views as the issue bounds them: one small self-contained document each, untrusted text never parsed as HTML. */
class UiViewsTest {

    @ParameterizedTest
    @ValueSource(strings = {"run", "workflow"})
    void eachViewIsOneSmallSelfContainedDocument(String view) {
        String html = UiApps.html(view);
        assertThat(html.getBytes(StandardCharsets.UTF_8).length).as("at most 60 KB").isLessThanOrEqualTo(60 * 1024);
        assertThat(html).startsWith("<!doctype html>")
                .doesNotContainPattern("(?i)<(script|img|link|iframe)[^>]+(src|href)\\s*=")
                .doesNotContainPattern("(?i)@import|url\\(\\s*['\"]?(https?:|//)")
                .doesNotContainPattern("\\b(fetch|XMLHttpRequest|WebSocket|EventSource|importScripts)\\s*\\(");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "workflow"})
    void noViewEverParsesTextAsHtml(String view) {
        assertThat(UiApps.html(view)).doesNotContain("innerHTML").doesNotContain("outerHTML")
                .doesNotContain("insertAdjacentHTML").doesNotContain("document.write").doesNotContain("eval(")
                .doesNotContain("new Function");
    }
}
