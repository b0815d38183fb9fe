package io.jettymcp.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings' fingerprint keys the opening answers: every component counts, set order and the token do not. */
class SettingsFingerprintTest {

    private static final Settings BASE = Settings.builder().token(new Token("mlc_secret_value_1234", "env")).build();

    @Test
    void everyComponentChangesIt() {
        List<UnaryOperator<Settings.Builder>> changes = List.of(
                b -> b.baseUrl("https://other.example"),
                b -> b.token(Token.NONE),
                b -> b.collections(Set.of("c")),
                b -> b.toolsets(Set.of("runs")),
                b -> b.tools(Set.of("get-task")),
                b -> b.excludeTools(Set.of("get-task")),
                b -> b.readOnly(true),
                b -> b.connectTimeout(Duration.ofSeconds(3)),
                b -> b.responseTimeout(Duration.ofSeconds(3)),
                b -> b.filesRoots(List.of(Path.of("/x")), false),
                b -> b.filesRoots(BASE.filesRoots(), true),
                b -> b.downloadDir(Path.of("/d")),
                b -> b.outputCapBytes(7),
                b -> b.maxUploadBytes(7),
                b -> b.sandbox(true),
                b -> b.overHttp(true),
                b -> b.downloadTimeout(Duration.ofSeconds(3)));
        assertThat(changes).as("one change per record component: add one for a new component")
                .hasSize(Settings.class.getRecordComponents().length);
        for (UnaryOperator<Settings.Builder> change : changes) {
            assertThat(change.apply(BASE.toBuilder()).build().fingerprint()).isNotEqualTo(BASE.fingerprint());
        }
    }

    @Test
    void setOrderDoesNotAndTheTokenNeverShows() {
        Set<String> ab = new LinkedHashSet<>(List.of("a", "b"));
        Set<String> ba = new LinkedHashSet<>(List.of("b", "a"));
        assertThat(BASE.toBuilder().collections(ab).build().fingerprint())
                .isEqualTo(BASE.toBuilder().collections(ba).build().fingerprint());
        assertThat(BASE.fingerprint()).doesNotContain("secret").doesNotContain("1234");
    }
}
