package io.jettymcp.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** stdin read before the server exists: nothing lost, nothing reordered, the end told once. */
class StdinLinesTest {

    @TempDir
    Path dir;

    @Test
    void linesReadBeforeConnectArriveInOrderThenTheEnd() throws Exception {
        StdinLines stdin = new StdinLines(in("a\n\r\nb\n" + "x".repeat(StdinLines.MAX_LINE_CHARS + 1) + "\nc"),
                new ByteArrayOutputStream(), OpeningAnswers.NONE);
        stdin.start();
        Thread.sleep(200); // let input end before the server connects (the outcome is the same if it has not)
        List<Object> got = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        stdin.connect(got::add, ended::countDown);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got).hasSize(4);
        assertThat(got.subList(0, 2)).containsExactly("a", "b");
        assertThat(got.get(2)).isInstanceOf(StdinLines.Unread.class);
        assertThat(got.get(3)).isEqualTo("c");
    }

    @Test
    void anOpeningRequestKnownFromAnEarlierLaunchIsAnsweredBeforeConnect() throws Exception {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"initialize\",\"params\":{}}";
        OpeningAnswers earlier = new OpeningAnswers(dir, "k");
        earlier.early(init.formatted(0));
        earlier.early("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        earlier.answered(0, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"v\":1}}");
        earlier.answered(1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdinLines stdin = new StdinLines(in(init.formatted(5) + "\n"), out, new OpeningAnswers(dir, "k"));
        stdin.start();
        List<Object> got = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.size() == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"v\":1}}\n");
        stdin.connect(got::add, ended::countDown);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got).as("the server still gets the request").containsExactly(init.formatted(5));
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
