package org.asynclm.model.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.TensorInfo;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.BadInputException;

/**
 * A base checkpoint with an adapter folded in, W + s·B·A for every projection it targets and its embedding rows
 * (trainable tokens) written in, as one
 * {@code model.safetensors} in the base's tensor names and dtypes: what PEFT's {@code merge_and_unload} gives.
 */
public final class MergedWeights {
    private MergedWeights() {
    }

    public static void write(Path baseDir, LoraAdapter adapter, Path file) throws BadInputException, IOException {
        LlamaConfig c = LlamaConfig.read(baseDir.resolve("config.json"));
        Map<String, int[]> projections = new HashMap<>();
        for (int i = 0; i < c.layers(); i++) {
            for (String p : LlamaConfig.PROJECTIONS) {
                projections.put(LlamaConfig.projectionWeight(i, p), c.projectionShape(p));
            }
        }
        WeightFiles base = WeightFiles.open(baseDir);
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        int merged = 0;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (TensorInfo t : base.tensors().values()) {
                float[] w = base.floats(t.name(), t.shape());
                int[] shape = projections.get(t.name());
                Optional<LoraAdapter.Factors> f = shape == null ? Optional.empty()
                        : adapter.factors(t.name(), shape[0], shape[1]);
                if (f.isPresent()) {
                    w = add(m, w, f.get(), shape[0], shape[1], adapter.scale());
                    merged++;
                }
                if (t.name().equals("model.embed_tokens.weight")) { // a tied head shares these rows
                    var rows = adapter.tokenRows(c.vocabSize(), c.hiddenSize());
                    if (rows.isPresent()) {
                        int h = c.hiddenSize();
                        for (int k = 0; k < rows.get().ids().length; k++) {
                            System.arraycopy(rows.get().values(), k * h, w, rows.get().ids()[k] * h, h);
                        }
                    }
                }
                out.put(t.name(), new Safetensors.Tensor(t.dtype(), t.shape(), w));
            }
        }
        adapter.checkAllUsed(merged, c);
        Safetensors.write(file, out, Map.of("format", "pt"));
    }

    private static float[] add(NDManager m, float[] w, LoraAdapter.Factors f, int out, int in, double scale) {
        try (NDManager scratch = m.newSubManager()) {
            NDArray b = scratch.create(f.b(), new Shape(out, f.rank()));
            NDArray a = scratch.create(f.a(), new Shape(f.rank(), in));
            return scratch.create(w, new Shape(out, in)).add(b.matMul(a).mul((float) scale)).toFloatArray();
        }
    }
}
