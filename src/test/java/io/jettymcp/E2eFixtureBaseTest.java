package io.jettymcp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every e2e class shares one fixture base, {@code e2e.support.SandboxTest} (directly, through
 * {@code DemoServerTest}, or through another e2e class that does): one sandbox per class, and the base's ways to
 * start the packaged server. Read from the sources: a class's {@code extends} clause, followed up the chain.
 */
class E2eFixtureBaseTest {

    private static final Path E2E = Path.of("src/test/java/io/jettymcp/e2e");
    private static final String BASE = "SandboxTest";
    private static final Pattern EXTENDS = Pattern.compile("\\bclass\\s+(\\w+)\\s+extends\\s+([\\w.]+)");

    @Test
    void everyE2eClassExtendsTheSandboxBase() {
        Map<String, String> parent = parents();
        Set<String> off = new TreeSet<>();
        for (String e2e : parent.keySet()) {
            if (e2e.endsWith("E2ETest") && !reachesBase(e2e, parent)) {
                off.add(e2e);
            }
        }
        assertThat(parent.keySet()).as("the scan found the e2e classes").contains("StdioE2ETest", "HttpE2ETest");
        assertThat(off).as("e2e classes that do not extend " + BASE + " (or DemoServerTest)")
                .isEmpty();
    }

    private static boolean reachesBase(String type, Map<String, String> parent) {
        for (String t = type; t != null; t = parent.get(t)) {
            if (t.equals(BASE)) {
                return true;
            }
        }
        return false;
    }

    /** Each class of the e2e sources (support included) mapped to what it extends (null: nothing). */
    private static Map<String, String> parents() {
        Map<String, String> parent = new TreeMap<>();
        try (Stream<Path> files = Files.walk(E2E)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                Matcher m = EXTENDS.matcher(Files.readString(f));
                String sup = null;
                while (m.find()) {
                    if (m.group(1).equals(name)) {
                        String s = m.group(2);
                        sup = s.substring(s.lastIndexOf('.') + 1);
                    }
                }
                parent.put(name, sup);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parent;
    }
}
