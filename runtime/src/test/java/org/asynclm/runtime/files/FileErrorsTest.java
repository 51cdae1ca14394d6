package org.asynclm.runtime.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/**
 * I/O failures as the one line the command prints. A full disk and a read-only folder cannot be made on the build
 * machine (the tests run as root, which ignores permissions), so their exceptions are built here as the JDK throws
 * them; /proc stands for a folder that takes no files in the command-line tests (UserMistakesTest).
 */
class FileErrorsTest {
    @Test
    void theJdksExceptionsBecomeThePathAndAReasonInWords() {
        assertEquals("runs/t.jsonl: permission denied",
                FileErrors.describe(new AccessDeniedException("runs/t.jsonl")));
        assertEquals("runs/t.jsonl: no such file or directory",
                FileErrors.describe(new NoSuchFileException("runs/t.jsonl")));
        // what FileChannel.write throws on a full disk, and what a stream write throws
        assertEquals("runs/t.jsonl: no space left on device",
                FileErrors.describe(new FileSystemException("runs/t.jsonl", null, "No space left on device")));
        assertEquals("No space left on device", FileErrors.describe(new IOException("No space left on device")));
        assertEquals("runs/a -> runs/b: read-only file system",
                FileErrors.describe(new FileSystemException("runs/a", "runs/b", "Read-only file system")));
    }
}
