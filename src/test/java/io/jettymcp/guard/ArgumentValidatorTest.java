package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentValidatorTest {

    private static final ObjectMapper M = new ObjectMapper();
    private final ArgumentValidator v = new ArgumentValidator();

    private static ObjectNode schema() throws Exception {
        return (ObjectNode) M.readTree("""
                {"type":"object","required":["task"],"properties":{
                  "task":{"type":"string","x-kind":"name","description":"t"},
                  "limit":{"type":"integer","minimum":1,"maximum":500,"description":"l"},
                  "status":{"type":"string","enum":["pending","failed"],"description":"s"},
                  "secret":{"type":"string","x-kind":"secret","description":"x"},
                  "path":{"type":"string","x-kind":"storage-path","description":"p"},
                  "params":{"type":"object","description":"free"}}}""");
    }

    private void check(String args) throws Exception {
        v.validate(schema(), M.readTree(args));
    }

    private static String err(ThrowingRunnable r) {
        try {
            r.run();
        } catch (ToolError e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no error");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void acceptsAValidCall() throws Exception {
        check("{\"task\":\"text-echo\",\"limit\":10,\"status\":\"failed\",\"params\":{\"a\":[1,{\"b\":2}]}}");
    }

    @Test
    void noSilentCoercion() {
        assertThat(err(() -> check("{\"task\":\"t\",\"limit\":\"10\"}"))).contains("'limit'").contains("whole number");
        assertThat(err(() -> check("{\"task\":\"t\",\"limit\":2.5}"))).contains("'limit'");
        assertThat(err(() -> check("{\"task\":\"t\",\"limit\":0}"))).contains("at least 1");
        assertThat(err(() -> check("{\"task\":\"t\",\"limit\":99999999999999}"))).contains("at most 500");
    }

    @Test
    void namesAreOneSafeSegment() {
        for (String bad : new String[]{"..", ".", "a/b", "a%2Fb", "%2e%2e", "tаsk" /* Cyrillic a */, "a b", ""}) {
            assertThat(err(() -> check("{\"task\":" + M.writeValueAsString(bad) + "}"))).as(bad).contains("'task'");
        }
        assertThat(err(() -> check("{\"task\":\"a\\u0000b\"}"))).contains("control characters");
    }

    @Test
    void unknownArgumentsAndMissingOnesAreNamed() {
        assertThat(err(() -> check("{\"task\":\"t\",\"colection\":\"x\"}"))).contains("'colection'").contains("known arguments");
        assertThat(err(() -> check("{}"))).contains("'task'").contains("required");
    }

    @Test
    void enumsListTheAllowedValues() {
        assertThat(err(() -> check("{\"task\":\"t\",\"status\":\"done\"}"))).contains("[\"pending\",\"failed\"]");
    }

    @Test
    void storagePathsCannotEscape() {
        for (String bad : new String[]{"demo/../other/x", "/etc/passwd", "demo/a%2F..", "demo//x", "demo\\x"}) {
            assertThat(err(() -> check("{\"task\":\"t\",\"path\":" + M.writeValueAsString(bad) + "}"))).as(bad).contains("'path'");
        }
    }

    @Test
    void deepNestingAndHugeStringsAreRefused() throws Exception {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            deep.append("{\"a\":");
        }
        deep.append("1").append("}".repeat(50));
        String args = "{\"task\":\"t\",\"params\":" + deep + "}";
        assertThat(err(() -> check(args))).contains("nested deeper");
        String big = "x".repeat(1_000_000);
        assertThat(err(() -> check("{\"task\":\"" + big + "\"}"))).contains("at most");
    }

    @Test
    void errorsDoNotEchoControlCharacters() {
        JsonNode bad = M.getNodeFactory().textNode("a\u202Eb");
        assertThat(err(() -> v.validate(schema(), M.createObjectNode().set("task", bad)))).doesNotContain("\u202E");
    }

    @Test
    void anErrorNeverQuotesASecretValue() throws Exception {
        ObjectNode schema = (ObjectNode) M.readTree("""
                {"type":"object","properties":{
                  "vars":{"type":"object","x-kind":"secret-map","description":"v"},
                  "hook":{"type":"object","x-kind":"secret","description":"h"}}}""");
        v.validate(schema, M.readTree("{\"vars\":{\"A\":\"map-secret-value-1\",\"B\":null}}"));
        // registration waits for every check (the guard chain does it); the error itself never quotes the value
        String e = err(() -> v.validate(schema, M.readTree("{\"hook\":\"wrong-type-secret-2\"}")));
        assertThat(e).contains("hook").doesNotContain("wrong-type-secret-2");
        String m = err(() -> v.validate(schema, M.readTree("{\"vars\":\"map-as-string-secret\"}")));
        assertThat(m).contains("vars").doesNotContain("map-as-string-secret");
    }

    @Test
    void bidiAndFormatCharactersAreRefusedInUrlsAndNames() throws Exception {
        ObjectNode schema = (ObjectNode) M.readTree("""
                {"type":"object","properties":{
                  "webhook_url":{"type":"string","x-kind":"url","description":"u"},
                  "name":{"type":"string","x-kind":"name","description":"n"},
                  "secret_params":{"type":"object","x-kind":"secret-map","description":"s"},
                  "params":{"type":"object","description":"free"}}}""");
        v.validate(schema, M.readTree("{\"webhook_url\":\"https://hooks.example.net/a?b=c\",\"secret_params\":{\"API_KEY\":\"v\"}}"));
        for (String c : new String[]{"\u202E", "\u2066", "\u200F", "\u200B", "\uFEFF"}) {
            ObjectNode url = M.createObjectNode().put("webhook_url", "https://hooks.example.net/" + c + "gpj.exe");
            assertThat(err(() -> v.validate(schema, url))).as("url with U+%04X", (int) c.charAt(0))
                    .contains("'webhook_url'").contains("invisible or bidi");
            ObjectNode name = M.createObjectNode().put("name", "nightly" + c + "x");
            assertThat(err(() -> v.validate(schema, name))).contains("'name'");
            ObjectNode key = M.createObjectNode();
            key.putObject("secret_params").put("API" + c + "_KEY", "value");
            assertThat(err(() -> v.validate(schema, key))).as("secret name with U+%04X", (int) c.charAt(0))
                    .contains("secret_params").contains("invisible or bidi");
            ObjectNode param = M.createObjectNode();
            param.putObject("params").put("a" + c, "b");
            assertThat(err(() -> v.validate(schema, param))).contains("params").contains("invisible or bidi");
        }
    }

    @Test
    void aNestedObjectWithRequiredButNoPropertiesNamesTheMissingField() throws Exception {
        ObjectNode s = (ObjectNode) M.readTree("""
                {"type":"object","properties":{"opts":{"type":"object","required":["mode"],"description":"o"}}}""");
        assertThat(err(() -> v.validate(s, M.readTree("{\"opts\":{}}")))).contains("'opts.mode'").contains("is required");
        v.validate(s, M.readTree("{\"opts\":{\"mode\":\"x\",\"other\":1}}"));
    }
}
