package org.asynclm.training.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;

/**
 * libtorch's own profiler around the measured steps: every op it ran, with its time inside libtorch, written as a
 * Chrome trace that Perfetto (ui.perfetto.dev) opens. The gaps between ops on the timeline are the time spent
 * outside libtorch (Java and the JNI call per op), which is what a step time alone cannot tell apart.
 */
final class TorchProfile {
    private final Path target;

    private TorchProfile(Path target) {
        this.target = target;
    }

    /** Checks the target before any step runs: an existing file is the user's, not ours to overwrite. */
    static TorchProfile checked(Path target) throws BadInputException, IOException {
        if (Files.exists(target)) {
            throw new BadInputException(target + ": already exists; name a new file for the profile");
        }
        AtomicFiles.checkTarget(target);
        return new TorchProfile(target);
    }

    void start() {
        JniUtils.startProfile(false, true, false);
    }

    /** Stops the profiler and writes its trace under a temporary name that is then renamed. */
    void stop() throws IOException {
        AtomicFiles.write(target, tmp -> JniUtils.stopProfile(tmp.toString()));
    }
}
