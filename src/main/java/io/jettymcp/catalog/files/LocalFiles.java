package io.jettymcp.catalog.files;

import io.jettymcp.guard.ToolError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The local files a tool may send to Jetty: regular files under the allowed roots (the working
 * directory and {@code $HOME} by default, {@code --files-root} to change it), within the size limit.
 * Paths are resolved to real paths, so a symlink inside a root that points outside it is refused.
 * Every check runs before any request, so a refused file means nothing was sent.
 *
 * <p>What is sent is what was checked: {@link #open} opens the checked file's last path component once,
 * without following a link there (a file swapped for a link after its check is refused), and the bytes
 * are read from that open file, its size checked again as they are read. A parent directory swapped
 * for a link between the check and the open is not caught (documented in the README).
 */
public final class LocalFiles {

    /** A file that passed every check. {@code name} is the name given by the caller, used as the upload's filename. */
    public record Checked(Path real, String name, long size) {
    }

    private final List<Path> roots;
    private final long maxBytes;
    private final Path workingDir;
    private final Path home;
    private final java.util.function.Consumer<Path> beforeOpen;

    /** @param home what a leading {@code ~/} means, as in a shell; null leaves {@code ~} alone */
    public LocalFiles(List<Path> roots, long maxBytes, Path workingDir, Path home) {
        this(roots, maxBytes, workingDir, home, p -> { });
    }

    /** @param beforeOpen runs between a file's check and its open (tests use it to change the file there) */
    LocalFiles(List<Path> roots, long maxBytes, Path workingDir, Path home, java.util.function.Consumer<Path> beforeOpen) {
        this.roots = List.copyOf(roots);
        this.maxBytes = maxBytes;
        this.workingDir = workingDir.toAbsolutePath().normalize();
        this.home = home;
        this.beforeOpen = beforeOpen;
    }

    /**
     * A checked file, open for reading: every {@link #stream()} reads it from the start, and fails (marking
     * it {@link #changed()}) when it holds more or fewer bytes than when it was opened.
     */
    public static final class Opened implements AutoCloseable {
        private final Checked file;
        private final FileChannel channel;
        private final long size;
        private volatile boolean changed;

        private Opened(Checked file, FileChannel channel, long size) {
            this.file = file;
            this.channel = channel;
            this.size = size;
        }

        public String name() {
            return file.name();
        }

        public long size() {
            return size;
        }

        /** Whether a read found the file's size changed since it was opened. */
        public boolean changed() {
            return changed;
        }

        /** The file's bytes from the start, read at explicit positions so each stream is independent. */
        public InputStream stream() {
            return new InputStream() {
                private long pos;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    // one byte past the opened size shows a file that grew
                    int want = (int) Math.min(len, size - pos + 1);
                    int n = channel.read(ByteBuffer.wrap(b, off, want), pos);
                    if (n < 0) {
                        if (pos != size) {
                            throw changedNow();
                        }
                        return -1;
                    }
                    pos += n;
                    if (pos > size) {
                        throw changedNow();
                    }
                    return n;
                }
            };
        }

        private IOException changedNow() {
            changed = true;
            return new IOException(file.name() + " changed size while it was read");
        }

        /** The tool error for a file found {@link #changed()}: nothing was sent (the form is built before sending). */
        public ToolError changedError(String arg) {
            return ToolError.argument(arg, "'" + file.name() + "' changed while it was being read (it was " + size
                    + " bytes when checked). Nothing was sent; send it again once it is no longer being written.");
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // a read-only channel: nothing to flush
            }
        }
    }

    /**
     * Opens a checked file once: its last path component is opened without following a link (its parent is
     * the real directory checked under a root), so a file swapped for a link since {@link #check} is refused.
     */
    public Opened open(String arg, Checked c) {
        beforeOpen.accept(c.real());
        FileChannel ch;
        try {
            ch = FileChannel.open(c.real(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.FileSystemLoopException | java.nio.file.NoSuchFileException e) {
            throw replaced(arg, c);
        } catch (IOException | SecurityException e) {
            if (Files.isSymbolicLink(c.real())) {
                throw replaced(arg, c);
            }
            throw ToolError.argument(arg, "'" + c.name() + "' cannot be read (" + e.getClass().getSimpleName() + "). Nothing was sent.");
        }
        try {
            long size = ch.size();
            if (size > maxBytes) {
                throw ToolError.argument(arg, "'" + c.name() + "' is " + mb(size) + "; the limit is " + mb(maxBytes)
                        + " (JETTY_MAX_UPLOAD_MB). Nothing was sent.");
            }
            return new Opened(c, ch, size);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof ToolError t) {
                throw t;
            }
            throw ToolError.argument(arg, "'" + c.name() + "' cannot be read (" + e.getClass().getSimpleName() + "). Nothing was sent.");
        }
    }

    /** Opens every checked file, or none: a failure closes those already open. */
    public List<Opened> openAll(String arg, List<Checked> checked) {
        List<Opened> out = new ArrayList<>();
        try {
            for (Checked c : checked) {
                out.add(open(arg, c));
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(Opened::close);
            throw e;
        }
    }

    private static ToolError replaced(String arg, Checked c) {
        return ToolError.argument(arg, "'" + c.name() + "' was replaced (by a link, or removed) after it was checked; "
                + "links are not followed when the file is opened. Nothing was sent.");
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
