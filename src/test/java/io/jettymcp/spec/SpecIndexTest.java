package io.jettymcp.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tool-specs/index.txt, written by the build, lists every spec, and a jar's specs are read from it without a walk. */
class SpecIndexTest {

    @TempDir
    Path dir;

    @Test
    void theBuildsIndexListsEverySpecFile() throws IOException {
        List<String> index = Files.readAllLines(Path.of("target/classes", SpecLoader.INDEX)).stream()
                .filter(l -> !l.isBlank()).toList();
        try (Stream<Path> walk = Files.walk(Path.of("tool-specs"))) {
            List<String> files = walk.filter(p -> p.toString().endsWith(".json"))
                    .map(p -> p.toString().replace('\\', '/')).sorted().toList();
            assertThat(index).isNotEmpty().containsExactlyElementsOf(files);
        }
    }

    @Test
    void aJarsSpecsAreTheIndexedOnes() throws IOException {
        Path jar = jar("tool-specs/a/x.json\n", "tool-specs/a/x.json", "tool-specs/b/unlisted.json");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(SpecLoader.specEntries(zip)).extracting(ZipEntry::getName).containsExactly("tool-specs/a/x.json");
        }
        Path broken = jar("tool-specs/a/x.json\ntool-specs/a/gone.json\n", "tool-specs/a/x.json");
        try (ZipFile zip = new ZipFile(broken.toFile())) {
            assertThatThrownBy(() -> SpecLoader.specEntries(zip)).isInstanceOf(SpecException.class)
                    .hasMessageContaining("tool-specs/a/gone.json").hasMessageContaining("jar is incomplete");
        }
        Path old = jar(null, "tool-specs/a/x.json", "tool-specs/b/y.json", "other.json");
        try (ZipFile zip = new ZipFile(old.toFile())) {
            assertThat(SpecLoader.specEntries(zip)).extracting(ZipEntry::getName)
                    .containsExactly("tool-specs/a/x.json", "tool-specs/b/y.json");
        }
    }

    private Path jar(String index, String... specs) throws IOException {
        Path jar = Files.createTempFile(dir, "specs", ".jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            if (index != null) {
                zip.putNextEntry(new ZipEntry(SpecLoader.INDEX));
                zip.write(index.getBytes(StandardCharsets.UTF_8));
            }
            for (String s : specs) {
                zip.putNextEntry(new ZipEntry(s));
                zip.write("{}".getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }
}
