package io.jettymcp.tools;

import io.jettymcp.guard.ToolError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileToolsTest {

    @TempDir
    Path tmp;

    @Test
    void targetsStayInsideTheDownloadDirectory() {
        Path dir = tmp.resolve("dl");
        assertThat(FileTools.target(dir, "demo/t/0000/a.txt", "path")).isEqualTo(dir.resolve("demo/t/0000/a.txt"));
        assertThat(FileTools.target(dir, "x/../y.txt", "save_as")).isEqualTo(dir.resolve("y.txt"));
        for (String bad : new String[]{"../a.txt", "a/../../b.txt", "..", "."}) {
            assertThatThrownBy(() -> FileTools.target(dir, bad, "save_as")).as(bad).isInstanceOf(ToolError.class)
                    .hasMessageContaining("outside the download directory");
        }
        assertThatThrownBy(() -> FileTools.target(dir, "/etc/passwd", "save_as")).hasMessageContaining("relative");
        assertThatThrownBy(() -> FileTools.target(dir, "~/x", "save_as")).hasMessageContaining("relative");
    }

    @Test
    void linksUnderTheDownloadDirectoryCannotLeadTheWriteOut() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        Path out = Files.createDirectories(tmp.resolve("elsewhere"));
        FileTools.checkNoEscape(dir, dir.resolve("new/folder/file.txt")); // nothing exists yet: fine
        Files.createSymbolicLink(dir.resolve("jump"), out);
        assertThatThrownBy(() -> FileTools.checkNoEscape(dir, dir.resolve("jump/deeper/file.txt")))
                .hasMessageContaining("link leading outside");
        Files.createSymbolicLink(dir.resolve("file.txt"), out.resolve("target.txt"));
        assertThatThrownBy(() -> FileTools.checkNoEscape(dir, dir.resolve("file.txt"))).hasMessageContaining("symbolic link");
        Files.createDirectories(dir.resolve("adir"));
        assertThatThrownBy(() -> FileTools.checkNoEscape(dir, dir.resolve("adir"))).hasMessageContaining("directory");
    }

    @Test
    void onlySmallCleanTextIsInlined() {
        assertThat((res("text/plain", "héllo".getBytes(StandardCharsets.UTF_8)))).isEqualTo("héllo");
        assertThat((res("application/octet-stream", "a,b\n".getBytes(StandardCharsets.UTF_8)))).isEqualTo("a,b\n");
        assertThat((res("image/png", "PNG".getBytes(StandardCharsets.UTF_8)))).isNull();
        assertThat((res(null, new byte[]{'a', 0, 'b'}))).isNull();
        assertThat((res(null, new byte[]{(byte) 0xC3, (byte) 0x28}))).as("invalid UTF-8").isNull();
    }

    private static String res(String ct, byte[] body) {
        return FileTools.text(ct, body);
    }
}
