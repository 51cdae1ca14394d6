package org.asynclm.model.llama;

import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The small TorchScript modules shipped as resources of this package, for what DJL 0.35 has no binding for (each
 * made by a script under {@code tools/}). Run with {@code IValueUtils.forward(module, inputs, true)}, autograd
 * records through them.
 */
final class TorchScripts {
    private TorchScripts() {
    }

    /** Loads resource {@code name} into {@code manager}, so that the module runs beside the model's arrays. */
    static PtSymbolBlock load(PtNDManager manager, String name) {
        try {
            Path file = Files.createTempFile("asynclm-", ".pt");
            try {
                try (InputStream in = TorchScripts.class.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " is missing from the model module's resources");
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                return JniUtils.loadModule(manager, file, false, new String[0], new String[0], false);
            } finally {
                Files.deleteIfExists(file); // libtorch has read it whole
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
