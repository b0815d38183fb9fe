package io.jettymcp.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.TestContexts;
import io.jettymcp.tool.ToolHandler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog mirrors {@code tool-specs/}: every handler is listed by the toolset whose folder holds its spec, every
 * spec that names a handler finds it there, and each toolset's code lives in the package named after its folder.
 */
class CatalogTest {

    private static final List<ToolSpec> SPECS = new SpecLoader(new ObjectMapper()).loadPackaged();
    private static final Map<String, Map<String, ToolHandler>> BY_TOOLSET =
            Catalog.byToolset(TestContexts.context(), SPECS);

    /** Spec handler names by the toolset folder the spec lies in. */
    private static Map<String, Set<String>> specHandlers() {
        Map<String, Set<String>> out = new TreeMap<>();
        SPECS.stream().filter(s -> s.handler() != null)
                .forEach(s -> out.computeIfAbsent(s.toolset(), k -> new TreeSet<>()).add(s.handler()));
        return out;
    }

    @Test
    void everyHandlerKeyNamesASpecOfItsOwnFolder() {
        Map<String, Set<String>> listed = new TreeMap<>();
        BY_TOOLSET.forEach((toolset, handlers) -> listed.put(toolset, new TreeSet<>(handlers.keySet())));
        assertThat(listed).isEqualTo(specHandlers());
    }

    @Test
    void everySpecsHandlerExists() {
        Set<String> all = BY_TOOLSET.values().stream().flatMap(m -> m.keySet().stream()).collect(Collectors.toSet());
        assertThat(SPECS.stream().filter(s -> s.handler() != null).map(ToolSpec::handler))
                .allSatisfy(h -> assertThat(all).as("handlers").contains(h));
        assertThat(specHandlers().values().stream().mapToInt(Set::size).sum()).isGreaterThan(25);
    }

    @Test
    void eachToolsetsCodeLivesInThePackageNamedAfterItsFolder() throws IOException {
        for (String toolset : Catalog.TOOLSETS.keySet()) {
            Path dir = Path.of("src/main/java/io/jettymcp/catalog", toolset.replace("-", ""));
            String lister = Character.toUpperCase(toolset.charAt(0)) + toolset.substring(1) + "Toolset.java";
            assertThat(dir.resolve(lister)).as("the class listing %s's handlers", toolset).exists();
            assertThat(Path.of("tool-specs", toolset)).isDirectory();
        }
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/io/jettymcp/catalog"))) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                    .as("catalog packages, each a toolset folder").isEqualTo(Catalog.TOOLSETS.keySet());
        }
    }
}
