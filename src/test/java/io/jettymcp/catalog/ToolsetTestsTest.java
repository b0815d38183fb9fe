package io.jettymcp.catalog;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the right way up: each {@code tool-specs/<toolset>/} folder has its fast in-process test class,
 * {@code catalog/<toolset>/<Toolset>ToolsetTest} under {@code mvn test}, which calls each of its tools.
 */
class ToolsetTestsTest {

    private static final Path TESTS = Path.of("src/test/java/io/jettymcp/catalog");

    @Test
    void eachToolSpecsFolderHasItsTestClassCallingEachOfItsTools() throws IOException {
        List<Path> folders;
        try (Stream<Path> s = Files.list(Path.of("tool-specs"))) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(folders).hasSizeGreaterThan(10);
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            Path test = TESTS.resolve(name.replace("-", "")).resolve(className(name) + ".java");
            assertThat(test).as("the test class of tool-specs/%s", name).exists();
            String code = Files.readString(test);
            try (Stream<Path> specs = Files.list(folder)) {
                for (Path spec : specs.filter(p -> p.toString().endsWith(".json")).toList()) {
                    String tool = spec.getFileName().toString().replace(".json", "");
                    assertThat(code).as("%s calls %s", test.getFileName(), tool).contains("\"" + tool + "\"");
                }
            }
        }
    }

    /** step-templates → StepTemplatesToolsetTest */
    private static String className(String folder) {
        StringBuilder out = new StringBuilder();
        for (String part : folder.split("-")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out + "ToolsetTest";
    }
}
