package io.jettymcp.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** The screenshots are made by AppsBrowserTest ({@code -Dapps.screenshots.update=true} refreshes docs/apps). */
    @Test
    void everyImageTheReadmeNamesExists() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> images = new ArrayList<>();
        Matcher m = Pattern.compile("!\\[[^\\]]*\\]\\(([^)\\s]+)\\)").matcher(readme);
        while (m.find()) {
            images.add(m.group(1));
        }
        assertThat(images).as("the README shows the views").anyMatch(i -> i.startsWith("docs/apps/"));
        for (String image : images) {
            assertThat(Path.of(image)).as("README image %s", image).isRegularFile();
        }
    }
}
