package io.jettymcp.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The opening answers' bookkeeping, with made-up server answers; OpeningAnswersE2ETest drives the real server. */
class OpeningAnswersTest {

    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"tools/list\"}";
    private static final String INIT_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"protocolVersion\":\"2025-06-18\"}}";
    private static final String LIST_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[{\"name\":\"%s\"}]}}";

    @TempDir
    Path dir;

    /** One launch: the lines as a client sends them, the server's answers; returns what was answered early. */
    private String[] launch(String key, String initId, String listId, String tool) {
        OpeningAnswers o = new OpeningAnswers(dir, key);
        String init = o.early(INIT.formatted(initId));
        assertThat(o.early(INITIALIZED)).isNull();
        String list = o.early(LIST.formatted(listId));
        boolean initRepeat = o.answered(id(initId), INIT_ANSWER.formatted(initId));
        boolean listRepeat = o.answered(id(listId), LIST_ANSWER.formatted(listId, tool));
        assertThat(initRepeat).as("the server's initialize answer is a repeat exactly when one went early").isEqualTo(init != null);
        assertThat(listRepeat).as("the server's tools/list answer is a repeat exactly when one went early").isEqualTo(list != null);
        return new String[] {init, list};
    }

    private static Object id(String raw) {
        return raw.startsWith("\"") ? raw.substring(1, raw.length() - 1) : Integer.valueOf(raw);
    }

    @Test
    void aSecondLaunchAnswersBothOpeningRequestsEarlyWithItsOwnIds() {
        assertThat(launch("k", "0", "1", "a")).containsOnlyNulls();
        String[] second = launch("k", "\"x-1\"", "7", "a");
        assertThat(second[0]).isEqualTo(INIT_ANSWER.formatted("\"x-1\""));
        assertThat(second[1]).isEqualTo(LIST_ANSWER.formatted("7", "a"));
    }

    @Test
    void theSessionCountsAsOpenedEarlyOnlyAfterInitializedAndBothAnswersWritten() {
        launch("k", "0", "1", "a");
        OpeningAnswers o = new OpeningAnswers(dir, "k");
        o.early(INIT.formatted("0"));
        o.written();
        o.early(INITIALIZED);
        assertThat(o.openedEarly().toCompletableFuture()).as("before tools/list").isNotDone();
        o.early(LIST.formatted("1"));
        assertThat(o.openedEarly().toCompletableFuture()).as("before its answer is written").isNotDone();
        o.written();
        assertThat(o.openedEarly().toCompletableFuture()).isDone();

        OpeningAnswers noInitialized = new OpeningAnswers(dir, "k");
        noInitialized.early(INIT.formatted("0"));
        noInitialized.early(LIST.formatted("1"));
        noInitialized.written();
        assertThat(noInitialized.openedEarly().toCompletableFuture()).as("tools/list before notifications/initialized")
                .isNotDone();
        assertThat(new OpeningAnswers(dir, "other").openedEarly().toCompletableFuture()).isNotDone();
    }

    @Test
    void aServerDiscoverProbeBeforeInitializeIsPartOfTheOpening() {
        String discover = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"server/discover\",\"params\":{}}";
        String refused = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}";
        for (int launch = 0; launch < 2; launch++) {
            OpeningAnswers o = new OpeningAnswers(dir, "k");
            String d = o.early(discover.formatted("0"));
            String i = o.early(INIT.formatted("1"));
            o.early(INITIALIZED);
            String l = o.early(LIST.formatted("2"));
            assertThat(o.answered(0, refused.formatted("0"))).isEqualTo(d != null);
            assertThat(o.answered(1, INIT_ANSWER.formatted("1"))).isEqualTo(i != null);
            assertThat(o.answered(2, LIST_ANSWER.formatted("2", "a"))).isEqualTo(l != null);
            if (launch == 0) {
                assertThat(new String[] {d, i, l}).containsOnlyNulls();
            } else {
                assertThat(d).isEqualTo(refused.formatted("0"));
                assertThat(i).isEqualTo(INIT_ANSWER.formatted("1"));
                assertThat(l).isEqualTo(LIST_ANSWER.formatted("2", "a"));
            }
        }
        assertThat(launch("k", "0", "1", "a")).as("a client that does not probe has an opening of its own").containsOnlyNulls();
    }

    @Test
    void anotherLaunchKeyOrAnotherInitializeGetsNothingEarly() {
        launch("k", "0", "1", "a");
        assertThat(launch("other settings", "0", "1", "a")).containsOnlyNulls();
        OpeningAnswers o = new OpeningAnswers(dir, "k");
        assertThat(o.early(INIT.formatted("0").replace("\"version\":\"1\"", "\"version\":\"2\""))).isNull();
    }

    @Test
    void aToolsListUnlikeTheRecordedOneIsLeftToTheServer() {
        launch("k", "0", "1", "a");
        OpeningAnswers o = new OpeningAnswers(dir, "k");
        assertThat(o.early(INIT.formatted("0"))).isNotNull();
        assertThat(o.early("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"c\"}}")).isNull();
    }

    @Test
    void anAnswerThatDiffersFromTheServersIsReplacedForTheNextLaunch() {
        launch("k", "0", "1", "old");
        String[] stale = launch("k", "0", "1", "new"); // the server now lists "new": written early was "old"
        assertThat(stale[1]).contains("old");
        assertThat(launch("k", "0", "1", "new")[1]).contains("\"new\"");
    }

    @Test
    void onlyPlainIdsAreAnsweredEarly() {
        launch("k", "0", "1", "a");
        OpeningAnswers o = new OpeningAnswers(dir, "k");
        assertThat(o.early(INIT.formatted("1.0"))).as("a number the server would write otherwise").isNull();
        assertThat(new OpeningAnswers(dir, "k").early(INIT.formatted("\"a\\u0062\""))).as("an escaped string").isNull();
    }

    @Test
    void aFirstLineThatIsNotInitializeEndsEarlyAnswering() {
        launch("k", "0", "1", "a");
        OpeningAnswers o = new OpeningAnswers(dir, "k");
        assertThat(o.early("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}")).isNull();
        assertThat(o.early(INIT.formatted("1"))).isNull();
    }

    @Test
    void noneAnswersNothingAndKeepsNothing() throws Exception {
        assertThat(OpeningAnswers.NONE.early(INIT.formatted("0"))).isNull();
        assertThat(OpeningAnswers.NONE.answered(0, INIT_ANSWER.formatted("0"))).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theFileHoldsNoTokenOnlyTheKeyAndAnswers() throws Exception {
        launch("settings token from env", "0", "1", "a");
        try (var files = Files.list(dir)) {
            Path f = files.findFirst().orElseThrow();
            assertThat(Files.readAllLines(f)).hasSize(6).contains("settings token from env");
        }
    }

    @Test
    void scanFindsTheTopLevelIdAndMethodOnly() {
        OpeningAnswers.Scanned s = OpeningAnswers.scan(
                "{\"params\":{\"id\":9,\"s\":\"}\\\"{\"},\"id\":42 ,\"method\":\"tools/list\",\"jsonrpc\":\"2.0\"}");
        assertThat(s.id()).isEqualTo("42");
        assertThat(s.method()).isEqualTo("tools/list");
        assertThat(s.withoutId()).isEqualTo("{\"params\":{\"id\":9,\"s\":\"}\\\"{\"},\"id\": ,\"method\":\"tools/list\",\"jsonrpc\":\"2.0\"}");
        assertThat(OpeningAnswers.scan("{\"method\":\"x\"}")).as("no id").isEqualTo(new OpeningAnswers.Scanned("x", null, "{\"method\":\"x\"}"));
        assertThat(OpeningAnswers.scan("{\"id\":1,\"method\":\"x\"")).as("unclosed").isNull();
        assertThat(OpeningAnswers.scan("[1]")).isNull();
        assertThat(OpeningAnswers.scan("{\"id\":1} trailing")).isNull();
    }
}
