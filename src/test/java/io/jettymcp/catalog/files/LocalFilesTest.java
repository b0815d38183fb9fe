package io.jettymcp.catalog.files;

import io.jettymcp.guard.ToolError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalFilesTest {

    @TempDir
    Path tmp;

    private LocalFiles files(long max) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        return new LocalFiles(List.of(root), max, root, root.resolve("home"));
    }

    @Test
    void aRegularFileUnderARootPasses() throws Exception {
        LocalFiles f = files(100);
        Path file = Files.writeString(tmp.resolve("root/in.csv"), "a,b\n");
        LocalFiles.Checked c = f.check("files", file.toString());
        assertThat(c.real()).isEqualTo(file.toRealPath());
        assertThat(c.name()).isEqualTo("in.csv");
        assertThat(c.size()).isEqualTo(4);
        assertThat(f.check("files", "in.csv").real()).as("relative to the working directory").isEqualTo(file.toRealPath());
        Path inHome = Files.writeString(Files.createDirectories(tmp.resolve("root/home")).resolve("h.txt"), "h");
        assertThat(f.check("files", "~/h.txt").real()).as("~ is the home directory").isEqualTo(inHome.toRealPath());
    }

    @Test
    void outsideTheRootsIsRefusedWithoutSayingWhetherTheFileExists() throws Exception {
        LocalFiles f = files(100);
        Path out = Files.writeString(tmp.resolve("secret.txt"), "x");
        assertThatThrownBy(() -> f.check("files", out.toString())).isInstanceOf(ToolError.class)
                .hasMessageContaining("outside the folders").hasMessageContaining("--files-root");
        assertThatThrownBy(() -> f.check("files", tmp.resolve("nothing-here.txt").toString()))
                .hasMessageContaining("outside the folders");
        assertThatThrownBy(() -> f.check("files", tmp.resolve("root/../secret.txt").toString()))
                .hasMessageContaining("outside the folders");
        assertThatThrownBy(() -> f.check("files", "../secret.txt")).hasMessageContaining("outside the folders");
    }

    @Test
    void aLinkLeadingOutIsRefused() throws Exception {
        LocalFiles f = files(100);
        Path out = Files.writeString(tmp.resolve("secret.txt"), "x");
        Path link = Files.createSymbolicLink(tmp.resolve("root/innocent.txt"), out);
        assertThatThrownBy(() -> f.check("files", link.toString())).hasMessageContaining("link to a file outside");
        Path dirLink = Files.createSymbolicLink(tmp.resolve("root/up"), tmp);
        assertThatThrownBy(() -> f.check("files", dirLink.resolve("secret.txt").toString())).hasMessageContaining("outside");
    }

    @Test
    void directoriesMissingAndOversizedFilesAreRefused() throws Exception {
        LocalFiles f = files(10);
        Path dir = Files.createDirectories(tmp.resolve("root/sub"));
        assertThatThrownBy(() -> f.check("files", dir.toString())).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> f.check("files", tmp.resolve("root/none.txt").toString())).hasMessageContaining("does not exist");
        Path big = Files.writeString(tmp.resolve("root/big.txt"), "01234567890");
        assertThatThrownBy(() -> f.check("files", big.toString())).hasMessageContaining("limit").hasMessageContaining("11 bytes");
    }

    @Test
    void checkAllNamesTheFailingItem() throws Exception {
        LocalFiles f = files(100);
        Path ok = Files.writeString(tmp.resolve("root/a.txt"), "a");
        assertThatThrownBy(() -> f.checkAll("paths", List.of(ok.toString(), "/etc/passwd")))
                .hasMessageContaining("'paths[1]'");
    }

    @Test
    void aFileSwappedForALinkBetweenItsCheckAndItsOpenIsRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path out = Files.writeString(tmp.resolve("secret.txt"), "OUTSIDE");
        Path file = Files.writeString(root.resolve("in.txt"), "inside");
        LocalFiles f = new LocalFiles(List.of(root), 100, root, null, p -> {
            try {
                Files.delete(p);
                Files.createSymbolicLink(p, out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        LocalFiles.Checked c = f.check("files", file.toString());
        assertThatThrownBy(() -> f.open("files", c)).isInstanceOf(ToolError.class)
                .hasMessageContaining("replaced").hasMessageContaining("Nothing was sent");
    }

    @Test
    void whatIsReadIsTheOpenedFileAndASizeChangeIsCaught() throws Exception {
        LocalFiles f = files(100);
        Path file = Files.writeString(tmp.resolve("root/in.txt"), "inside");
        try (LocalFiles.Opened o = f.open("files", f.check("files", file.toString()))) {
            assertThat(o.stream().readAllBytes()).isEqualTo("inside".getBytes());
            assertThat(o.stream().readAllBytes()).as("each stream starts over").isEqualTo("inside".getBytes());
            Files.writeString(file, "more", java.nio.file.StandardOpenOption.APPEND);
            assertThatThrownBy(() -> o.stream().readAllBytes()).isInstanceOf(java.io.IOException.class);
            assertThat(o.changed()).isTrue();
            assertThat(o.changedError("files").getMessage()).contains("changed while it was being read");
        }
    }
}
