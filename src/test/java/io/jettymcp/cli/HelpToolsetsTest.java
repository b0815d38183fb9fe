package io.jettymcp.cli;

import io.jettymcp.spec.Toolset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} lists every toolset with its one-line description, under {@code --toolsets}. */
class HelpToolsetsTest {

    @Test
    void helpDescribesEveryToolset() {
        // picocli wraps long lines: compare with whitespace collapsed
        String help = new CommandLine(Main.rootSpec()).getUsageMessage().replaceAll("\\s+", " ");
        assertThat(help).contains("--toolsets=LIST");
        Toolset.ALL.forEach(t -> assertThat(help).contains(t.name() + ": " + t.description()));
    }

    /** The tools outside the default are named where a person looks for a flag, with the flag that adds them. */
    @Test
    void helpNamesTheDefaultAndEveryToolItLeavesOut() {
        String help = new CommandLine(Main.rootSpec()).getUsageMessage().replaceAll("\\s+", " ");
        assertThat(help).contains("default: every tool but").contains("all: every tool").contains("default,files");
        Toolset.OUTSIDE_DEFAULT.forEach(t -> assertThat(help).contains(t));
    }
}
