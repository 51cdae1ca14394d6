package org.asynclm.runtime.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

/**
 * Writes an output so that it is never seen half-written: into a temporary file beside it, which is renamed into
 * place only when complete and removed on failure. The result is readable by others (rw-r--r--, directories
 * rwxr-xr-x), as an output a person or a server opens should be; temporary files and directories start private.
 */
public final class AtomicFiles {

    /** Writes the content of a file given its temporary path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path temporary) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, Writer writer) throws IOException {
        checkTarget(target);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (IOException e) { // the temporary's name would only confuse: the target is what cannot be written
            String why = e instanceof NoSuchFileException ? "the folder takes no new files"
                    : e instanceof FileSystemException f ? FileErrors.reason(f) : "cannot create a file";
            throw new FileSystemException(target.toString(), null, "cannot be written there (" + why + ")");
        }
        try {
            writer.write(tmp);
            publish(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Fails now, before any work, if {@code target} can never be written as a file: it is a directory, or a part of
     * its parent path is a file.
     */
    public static void checkTarget(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory; name a file");
        }
        checkParents(target.toAbsolutePath().getParent());
    }

    /** Fails now if {@code dir} can never be made a directory: it or a part of its path is a file. */
    public static void checkDirectoryTarget(Path dir) throws IOException {
        checkParents(dir.toAbsolutePath());
    }

    private static void checkParents(Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new FileSystemException(p.toString(), null, "is a file, where a directory is needed");
                }
                return;
            }
        }
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
    }

    /** Makes an output readable by others: rw-r--r-- for a file, rwxr-xr-x for a directory (where POSIX). */
    public static void publish(Path p) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                    : "rw-r--r--"));
        }
    }

    /** {@link #publish} for a directory and everything in it. */
    public static void publishTree(Path dir) throws IOException {
        try (var tree = Files.walk(dir)) {
            for (Path p : tree.toList()) {
                publish(p);
            }
        }
    }

    /**
     * Deletes a file or a directory tree; a directory is first renamed to a hidden {@code .deleting-} name beside it,
     * so that a kill during the deletion leaves a leftover that looks like one, never a torn original.
     */
    public static void removeTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path doomed = p;
        String name = p.getFileName().toString();
        if (!name.startsWith(".deleting-") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            doomed = p.resolveSibling(".deleting-" + name + "-" + System.nanoTime());
            Files.move(p, doomed, StandardCopyOption.ATOMIC_MOVE);
        }
        try (var tree = Files.walk(doomed)) {
            for (Path f : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
