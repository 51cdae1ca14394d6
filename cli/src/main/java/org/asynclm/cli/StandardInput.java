package org.asynclm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether standard input was closed when the process started ({@code <&-}). The descriptor 0 is then free, and the
 * JVM's first open file takes it: reading "standard input" would read the JVM's own {@code lib/modules} image. On
 * Linux {@code /proc/self/fd/0} shows where descriptor 0 leads; elsewhere the input is taken as it is.
 */
final class StandardInput {
    private static final Path FD0 = Path.of("/proc/self/fd/0");

    private StandardInput() {
    }

    static boolean isClosed() {
        if (!Files.exists(FD0, LinkOption.NOFOLLOW_LINKS)) {
            return Files.isDirectory(FD0.getParent()); // Linux with no descriptor 0 at all
        }
        try {
            Path target = Files.readSymbolicLink(FD0);
            return target.startsWith(Path.of(System.getProperty("java.home")).toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
