package org.asynclm.training.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.asynclm.runtime.BadInputException;

/**
 * The run directory's writer lock: an OS lock on {@code .lock}, which holds the writer's pid. The OS drops the lock
 * when the process dies, even by kill -9, so a stale file never blocks a resume; the file itself stays.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dir}, which must exist; a held lock is refused with the holder's pid. */
    static RunLock acquire(Path dir) throws BadInputException, IOException {
        Path file = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) { // held by this very process
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw held(dir);
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new RunLock(ch, lock);
    }

    /** Whether another writer holds {@code dir}'s lock now; the check takes and drops it. */
    static boolean isHeld(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    static BadInputException held(Path dir) {
        String pid;
        try {
            pid = Files.readString(dir.resolve(FILE)).strip();
        } catch (IOException e) {
            pid = "?";
        }
        return new BadInputException(dir + ": another train run (pid " + (pid.isEmpty() ? "?" : pid)
                + ") is writing here; wait for it or stop it");
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
