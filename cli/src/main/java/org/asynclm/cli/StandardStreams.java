package org.asynclm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What this process's standard streams are connected to, as Linux shows it in {@code /proc/self/fd}: a terminal
 * (a tty or pty device), a file, a pipe. Elsewhere nothing is known and the callers fall back to the JVM's view.
 */
final class StandardStreams {
    private static final Path FDS = Path.of("/proc/self/fd");

    private StandardStreams() {
    }

    /** Whether {@code /proc/self/fd} exists, so that the answers below mean something. */
    static boolean known() {
        return Files.isDirectory(FDS);
    }

    /** Where descriptor {@code fd} leads; empty when it is not open (or nothing is known). */
    static Optional<Path> target(int fd) {
        Path link = FDS.resolve(String.valueOf(fd));
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(link));
        } catch (IOException e) { // it closed while we looked
            return Optional.empty();
        }
    }

    /** Whether standard error is a terminal; the JVM's console stands for it where /proc is missing. */
    static boolean stderrIsTerminal() {
        if (!known()) {
            return System.console() != null;
        }
        return target(2).map(Path::toString).filter(t -> t.startsWith("/dev/pts/") || t.startsWith("/dev/tty"))
                .isPresent();
    }

    /**
     * Whether standard input was closed when the process started ({@code <&-}). Descriptor 0 is then free, and the
     * JVM's first open file takes it: reading "standard input" would read the JVM's own {@code lib/modules} image.
     */
    static boolean stdinIsClosed() throws IOException {
        if (!known()) {
            return false;
        }
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        return target(0).map(t -> t.startsWith(javaHome)).orElse(true);
    }
}
