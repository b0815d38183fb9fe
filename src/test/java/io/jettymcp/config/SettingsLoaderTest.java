package io.jettymcp.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsLoaderTest {

    @TempDir
    Path home;

    private static SettingsLoader.Flags flags(Path tokenFile) {
        return new SettingsLoader.Flags(tokenFile, null, null, null, false, List.of(), null, false);
    }

    @Test
    void tokenPrecedenceIsFlagThenEnvThenHomeFile() throws Exception {
        Path cfg = home.resolve(".config/jetty");
        Files.createDirectories(cfg);
        Files.writeString(cfg.resolve("token"), "mlc_fromHomeFile0001\n");
        Path flagFile = home.resolve("t");
        Files.writeString(flagFile, "  mlc_fromFlagFile0002 ");

        Map<String, String> env = Map.of("HOME", home.toString(), "JETTY_API_TOKEN", "mlc_fromEnvVar000003");
        assertThat(new SettingsLoader(env).load(flags(flagFile)).token().value()).isEqualTo("mlc_fromFlagFile0002");
        assertThat(new SettingsLoader(env).load(flags(null)).token().value()).isEqualTo("mlc_fromEnvVar000003");
        Map<String, String> blank = Map.of("HOME", home.toString(), "JETTY_API_TOKEN", "   ");
        Settings s = new SettingsLoader(blank).load(flags(null));
        assertThat(s.token().value()).isEqualTo("mlc_fromHomeFile0001");
        assertThat(s.token().source()).isEqualTo("~/.config/jetty/token");
    }

    @Test
    void noTokenIsNotAnError() {
        Settings s = new SettingsLoader(Map.of("HOME", home.toString())).load(flags(null));
        assertThat(s.token().present()).isFalse();
        assertThat(s.baseUrl()).isEqualTo("https://flows-api.jetty.io");
    }

    /** No --toolsets and no JETTY_TOOLSETS (or an empty one): the lean default, not every toolset. */
    @Test
    void toolsetsDefaultToTheLeanDefault() {
        Map<String, String> env = Map.of("HOME", home.toString());
        assertThat(new SettingsLoader(env).load(flags(null)).toolsets()).containsExactly("default");
        assertThat(new SettingsLoader(Map.of("HOME", home.toString(), "JETTY_TOOLSETS", " ")).load(flags(null)).toolsets())
                .containsExactly("default");
        assertThat(new SettingsLoader(Map.of("HOME", home.toString(), "JETTY_TOOLSETS", "all")).load(flags(null)).toolsets())
                .containsExactly("all");
        SettingsLoader.Flags files = new SettingsLoader.Flags(null, "default,files", null, null, false, List.of(), null, false);
        assertThat(new SettingsLoader(env).load(files).toolsets()).containsExactlyInAnyOrder("default", "files");
    }

    @Test
    void tokenNeverShowsInToString() {
        Map<String, String> env = Map.of("HOME", home.toString(), "JETTY_API_TOKEN", "mlc_secretValue12345678");
        Settings s = new SettingsLoader(env).load(flags(null));
        assertThat(s.toString()).doesNotContain("secretValue").contains("mlc_...5678");
        assertThat(s.token().toString()).doesNotContain("secretValue");
    }

    @Test
    void collectionsAndTimeoutsAreParsed() {
        Map<String, String> env = Map.of("HOME", home.toString(), "JETTY_COLLECTIONS", " demo , acme ,",
                "JETTY_TIMEOUT_SECONDS", "7", "JETTY_API_URL", "http://127.0.0.1:9/");
        Settings s = new SettingsLoader(env).load(flags(null));
        assertThat(s.collections()).containsExactlyInAnyOrder("demo", "acme");
        assertThat(s.pinnedCollection()).isNull();
        assertThat(s.responseTimeout().toSeconds()).isEqualTo(7);
        assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:9");
    }

    @Test
    void badValuesStopStartUpWithAClearMessage() {
        Map<String, String> env = Map.of("HOME", home.toString(), "JETTY_TIMEOUT_SECONDS", "soon");
        assertThatThrownBy(() -> new SettingsLoader(env).load(flags(null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("JETTY_TIMEOUT_SECONDS");
        assertThatThrownBy(() -> new SettingsLoader(Map.of("HOME", home.toString())).load(flags(home.resolve("missing"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--token-file");
    }

    @Test
    void booleanSettingsAcceptTheUsualWordsAndRefuseAnythingElse() {
        java.util.function.Function<String, Settings> readOnly = v -> new SettingsLoader(Map.of("HOME", home.toString(),
                "JETTY_READ_ONLY", v)).load(flags(null));
        for (String on : List.of("1", "true", "yes", "on", "TRUE", "Yes", " ON ")) {
            assertThat(readOnly.apply(on).readOnly()).as("JETTY_READ_ONLY=" + on).isTrue();
        }
        for (String off : List.of("0", "false", "no", "off", "False", "NO", "")) {
            assertThat(readOnly.apply(off).readOnly()).as("JETTY_READ_ONLY=" + off).isFalse();
        }
        // what is read-only hides every write tool
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<io.jettymcp.spec.ToolSpec> specs = new io.jettymcp.spec.SpecLoader(m).loadPackaged();
        io.jettymcp.tool.ToolRegistry registry = new io.jettymcp.tool.ToolRegistry(specs,
                io.jettymcp.catalog.Catalog.handlers(new io.jettymcp.tool.ToolContext(readOnly.apply("off"), m, "t"),
                specs), c -> null, m);
        assertThat(registry.select(readOnly.apply("yes"))).isNotEmpty().noneMatch(io.jettymcp.spec.ToolSpec::writes);
        assertThat(registry.select(readOnly.apply("off"))).anyMatch(io.jettymcp.spec.ToolSpec::writes);
        assertThatThrownBy(() -> readOnly.apply("maybe"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("JETTY_READ_ONLY").hasMessageContaining("maybe");
    }
}
