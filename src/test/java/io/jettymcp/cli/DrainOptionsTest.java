package io.jettymcp.cli;

import io.jettymcp.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drain's defaults: a 5 s shutdown delay for --stateless replicas (0 otherwise), a 30 s drain timeout. */
class DrainOptionsTest {

    static CliOptions given(Map<String, Object> options) {
        return new CliOptions() {
            @Override
            public boolean hasMatchedOption(String name) {
                return options.containsKey(name);
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T matchedOptionValue(String name, T dflt) {
                return options.containsKey(name) && options.get(name) != Boolean.TRUE ? (T) options.get(name) : dflt;
            }
        };
    }

    @Test
    void defaults() {
        assertThat(HttpMode.shutdownDelay(given(Map.of("--stateless", true)))).isEqualTo(Duration.ofSeconds(5));
        assertThat(HttpMode.shutdownDelay(given(Map.of()))).isEqualTo(Duration.ZERO);
        assertThat(HttpMode.drainTimeout(given(Map.of()))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void givenValuesAndBadOnes() {
        assertThat(HttpMode.shutdownDelay(given(Map.of("--stateless", true, "--shutdown-delay", 0L)))).isZero();
        assertThat(HttpMode.drainTimeout(given(Map.of("--drain-timeout", 90L)))).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> HttpMode.shutdownDelay(given(Map.of("--shutdown-delay", -1L)))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> HttpMode.drainTimeout(given(Map.of("--drain-timeout", 0L)))).isInstanceOf(ConfigException.class);
    }
}
