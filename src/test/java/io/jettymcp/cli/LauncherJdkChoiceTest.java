package io.jettymcp.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which JDK the launcher picks without JAVA_HOME, with fake JDKs whose {@code java} only says who it is:
 * the newest 25+ in the usual places, else a real JDK 17+ on PATH, else the newest 17+ in the usual places
 * (macOS's /usr/bin/java is a stub without a release file), else a message naming what to install.
 */
class LauncherJdkChoiceTest {

    @TempDir
    Path tmp;
    Path jar;

    @BeforeEach
    void fakeJar() throws IOException {
        jar = Files.writeString(tmp.resolve("jetty-mcp.jar"), "not a jar");
    }

    /** A JDK home whose bin/java prints {@code name}; with a release file naming {@code version} unless null. */
    Path jdk(String dir, String name, String version) throws IOException {
        Path home = Files.createDirectories(tmp.resolve(dir));
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"picked " + name + "\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (version != null) {
            Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\nJAVA_RUNTIME_VERSION=\""
                    + version + "+1\"\n");
        }
        return home;
    }

    /** Runs `jetty-mcp doctor` (passed straight to java) without JAVA_HOME; returns stdout + stderr. */
    String launch(String pathDirs) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", Path.of("jetty-mcp").toAbsolutePath().toString(), "doctor");
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.put("HOME", tmp.toString());
        env.put("PATH", pathDirs + ":/usr/bin:/bin");
        env.put("JETTY_MCP_JAR", jar.toString());
        env.put("JETTY_MCP_JDK_DIRS", tmp.resolve("jdks") + "/*/release");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void theNewest25InTheUsualPlacesWins() throws Exception {
        jdk("jdks/17", "usual-17", "17.0.9");
        jdk("jdks/25", "usual-25", "25.0.1");
        Path path = jdk("path", "path-21", "21.0.2");
        assertThat(launch(path.resolve("bin").toString())).contains("picked usual-25");
    }

    @Test
    void aRealJdkOnPathBeatsAnOlderOneInTheUsualPlaces() throws Exception {
        jdk("jdks/17", "usual-17", "17.0.9");
        Path path = jdk("path", "path-21", "21.0.2");
        assertThat(launch(path.resolve("bin").toString())).contains("picked path-21");
    }

    @Test
    void aStubOnPathGivesWayToA17InTheUsualPlaces() throws Exception {
        jdk("jdks/17", "usual-17", "17.0.9");
        Path stub = jdk("stub", "stub", null); // no release file: /usr/bin/java on macOS
        assertThat(launch(stub.resolve("bin").toString())).contains("picked usual-17");
    }

    @Test
    void anOldJavaIsRefusedWithWhatToInstall() throws Exception {
        Path old = jdk("old", "old-11", "11.0.20");
        assertThat(launch(old.resolve("bin").toString())).doesNotContain("picked")
                .contains("needs Java 17 or later").contains("adoptium.net");
    }
}
