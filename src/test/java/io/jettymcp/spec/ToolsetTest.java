package io.jettymcp.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The toolsets named once in {@link Toolset}: each described in one line, each used by a spec, listed in the README. */
class ToolsetTest {

    static final String BEGIN = "<!-- toolsets:begin (generated from spec/Toolset.java: mvn test -Dreadme.update=true) -->";
    static final String END = "<!-- toolsets:end -->";

    @Test
    void everyToolsetASpecUsesIsDescribedAndEveryDescribedToolsetHasASpec() {
        Set<String> used = new SpecLoader(new ObjectMapper()).loadDirectory(Path.of("tool-specs")).stream()
                .map(ToolSpec::toolset).collect(Collectors.toCollection(TreeSet::new));
        assertThat(new TreeSet<>(Toolset.names())).isEqualTo(used);
    }

    @Test
    void everyToolsetIsAFolderOfToolSpecs() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("tool-specs"))) {
            Set<String> folders = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(folders).isEqualTo(new TreeSet<>(Toolset.names()));
        }
    }

    @Test
    void theToolsOutsideTheDefaultAreTools() {
        Set<String> tools = new SpecLoader(new ObjectMapper()).loadDirectory(Path.of("tool-specs")).stream()
                .map(ToolSpec::name).collect(Collectors.toSet());
        assertThat(tools).containsAll(Toolset.OUTSIDE_DEFAULT);
        assertThat(Toolset.OUTSIDE_DEFAULT).doesNotHaveDuplicates();
    }

    @Test
    void descriptionsAreOneLineAndNamesUnique() {
        assertThat(Toolset.names()).hasSameSizeAs(Toolset.ALL).doesNotContain("all", "default");
        assertThat(Toolset.ALL).allSatisfy(t -> assertThat(t.description()).isNotBlank().doesNotContain("\n")
                .hasSizeLessThanOrEqualTo(100));
    }

    @Test
    void readmeToolsetListIsCurrent() throws IOException {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        assertThat(b).as("README toolsets markers").isGreaterThanOrEqualTo(0);
        assertThat(e).isGreaterThan(b);
        StringBuilder table = new StringBuilder("| toolset | what it is for |\n|---|---|\n");
        Toolset.ALL.forEach(t -> table.append("| `").append(t.name()).append("` | ").append(t.description()).append(" |\n"));
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(readme, text.substring(0, b + BEGIN.length()) + "\n" + table + text.substring(e),
                    StandardCharsets.UTF_8);
        } else {
            assertThat(text.substring(b + BEGIN.length(), e).strip())
                    .as("README toolsets list is stale (run mvn test -Dreadme.update=true)").isEqualTo(table.toString().strip());
        }
    }
}
