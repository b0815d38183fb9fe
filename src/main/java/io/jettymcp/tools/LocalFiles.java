package io.jettymcp.tools;

import io.jettymcp.guard.ToolError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local files a tool may send to Jetty: regular files under the allowed roots (the working
 * directory and {@code $HOME} by default, {@code --files-root} to change it), within the size limit.
 * Paths are resolved to real paths, so a symlink inside a root that points outside it is refused.
 * Every check runs before any request, so a refused file means nothing was sent.
 */
public final class LocalFiles {

    /** A file that passed every check. {@code name} is the name given by the caller, used as the upload's filename. */
    public record Checked(Path real, String name, long size) {
    }

    private final List<Path> roots;
    private final long maxBytes;
    private final Path workingDir;
    private final Path home;

    /** @param home what a leading {@code ~/} means, as in a shell; null leaves {@code ~} alone */
    public LocalFiles(List<Path> roots, long maxBytes, Path workingDir, Path home) {
        this.roots = List.copyOf(roots);
        this.maxBytes = maxBytes;
        this.workingDir = workingDir.toAbsolutePath().normalize();
        this.home = home;
    }

    /** {@code $HOME} as the shell sees it, by the same rule as the settings. */
    public static Path userHome() {
        return new io.jettymcp.config.SettingsLoader(System.getenv()).home();
    }

    public List<Checked> checkAll(String arg, List<String> given) {
        List<Checked> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            out.add(check(given.size() == 1 && !arg.endsWith("]") ? arg : arg + "[" + i + "]", given.get(i)));
        }
        return out;
    }

    public Checked check(String arg, String given) {
        Path p;
        try {
            p = home != null && (given.equals("~") || given.startsWith("~/")) ? home.resolve(given.substring(1).replaceFirst("^/", ""))
                    : Path.of(given);
        } catch (InvalidPathException e) {
            throw ToolError.argument(arg, "is not a valid file path");
        }
        Path lexical = (p.isAbsolute() ? p : workingDir.resolve(p)).normalize();
        List<Path> realRoots = realRoots();
        // lexical check first: say nothing about files outside the roots, not even whether they exist
        if (!under(lexical, roots) && !under(lexical, realRoots)) {
            throw outside(arg, given);
        }
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (NoSuchFileException e) {
            throw ToolError.argument(arg, "'" + given + "' does not exist. Give the path of an existing file"
                    + (p.isAbsolute() ? "." : " (relative paths start at " + workingDir + ")."));
        } catch (IOException | SecurityException e) {
            throw ToolError.argument(arg, "'" + given + "' cannot be read (" + e.getClass().getSimpleName() + ").");
        }
        if (!under(real, realRoots)) {
            throw ToolError.argument(arg, "'" + given + "' is a link to a file outside the allowed folders " + roots
                    + "; links are followed before checking. Copy the file into an allowed folder instead. Nothing was sent.");
        }
        if (Files.isDirectory(real)) {
            throw ToolError.argument(arg, "'" + given + "' is a directory; give a file (zip a folder to send it whole).");
        }
        if (!Files.isRegularFile(real)) {
            throw ToolError.argument(arg, "'" + given + "' is not a regular file.");
        }
        if (!Files.isReadable(real)) {
            throw ToolError.argument(arg, "'" + given + "' is not readable by the server.");
        }
        long size;
        try {
            size = Files.size(real);
        } catch (IOException e) {
            throw ToolError.argument(arg, "'" + given + "' cannot be read (" + e.getClass().getSimpleName() + ").");
        }
        if (size > maxBytes) {
            throw ToolError.argument(arg, "'" + given + "' is " + mb(size) + "; the limit is " + mb(maxBytes)
                    + " (JETTY_MAX_UPLOAD_MB). Nothing was sent.");
        }
        Path name = lexical.getFileName();
        return new Checked(real, name == null ? real.getFileName().toString() : name.toString(), size);
    }

    private ToolError outside(String arg, String given) {
        return ToolError.argument(arg, "'" + given + "' is outside the folders this server may read files from "
                + roots + ". Move or copy the file there, or start the server with --files-root DIR. Nothing was sent.");
    }

    private List<Path> realRoots() {
        List<Path> out = new ArrayList<>();
        for (Path r : roots) {
            try {
                out.add(r.toRealPath());
            } catch (IOException | SecurityException e) {
                // a root that does not exist yet allows nothing
            }
        }
        return out;
    }

    private static boolean under(Path p, List<Path> roots) {
        for (Path r : roots) {
            if (p.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    private static String mb(long bytes) {
        return bytes >= 1024 * 1024 ? String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024))
                : bytes + " bytes";
    }
}
