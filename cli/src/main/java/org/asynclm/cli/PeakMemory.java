package org.asynclm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory, which counts native tensors the Java heap figures miss. */
final class PeakMemory {
    private PeakMemory() {
    }

    /** VmHWM from /proc/self/status in MiB; -1 where there is no /proc (not Linux). */
    static long residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
