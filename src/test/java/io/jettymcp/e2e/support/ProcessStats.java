package io.jettymcp.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Resident memory, open file descriptors and threads of a process, read from /proc (Linux). */
public record ProcessStats(long rssKb, long fds, long threads) {

    public static Optional<ProcessStats> of(long pid) {
        try {
            long rss = 0;
            long threads = 0;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            long fds;
            try (Stream<Path> s = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
                fds = s.count();
            }
            return Optional.of(new ProcessStats(rss, fds, threads));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The server JVM this test JVM spawned (the SDK transport does not expose its Process). */
    public static long serverPid() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("jetty-mcp.jar")).orElse(false))
                .mapToLong(ProcessHandle::pid).max().orElseThrow(() -> new IllegalStateException("no server process"));
    }
}
