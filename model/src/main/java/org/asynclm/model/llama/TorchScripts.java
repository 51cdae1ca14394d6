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
 * The small TorchScript modules shipped as resources, for what DJL 0.35 has no binding for (each made by a script
 * under {@code tools/}). Run with {@code IValueUtils.forward(module, inputs, true)}, autograd records through them.
 */
public final class TorchScripts {
    private TorchScripts() {
    }

    /** Loads resource {@code name} of this package into {@code manager}, so that it runs beside the model's arrays. */
    static PtSymbolBlock load(PtNDManager manager, String name) {
        return load(manager, TorchScripts.class, name);
    }

    /** Loads resource {@code name} of {@code owner}'s package into {@code manager}. */
    public static PtSymbolBlock load(PtNDManager manager, Class<?> owner, String name) {
        try {
            Path file = Files.createTempFile("asynclm-", ".pt");
            try {
                try (InputStream in = owner.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " is missing from " + owner.getPackageName()
                                + "'s resources");
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
