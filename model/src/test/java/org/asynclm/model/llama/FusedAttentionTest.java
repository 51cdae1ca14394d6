package org.asynclm.model.llama;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training's fused attention (PyTorch's scaled_dot_product_attention through TorchScript, example by example)
 * against the explicit formula over the whole packed row with a block-causal mask: the same logits and the same
 * gradient for every weight, on a packed row of three examples, with plain heads and with grouped-query heads, and
 * on a row of one example.
 * Each array is compared at its own scale: max |diff| / max(1, max |value|) at most 1e-5.
 */
class FusedAttentionTest {
    @TempDir
    Path dir;

    /** Rows of three examples (a split along the tokens) and of one (no split at all). */
    @ParameterizedTest
    @CsvSource({"tiny, 37 1 50", "tiny-gqa, 37 1 50", "tiny, 88"})
    void fusedEqualsExplicitInValuesAndGradients(String preset, String layout) throws Exception {
        Path model = dir.resolve(preset);
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/" + preset + ".yaml")), preset, 3);
        SplittableRandom rng = new SplittableRandom(7);
        int[] lengths = Arrays.stream(layout.split(" ")).mapToInt(Integer::parseInt).toArray();
        int t = Arrays.stream(lengths).sum();
        int[] ids = new int[t];
        int[] examples = new int[t];
        for (int e = 0, i = 0; e < lengths.length; e++) {
            for (int k = 0; k < lengths[e]; k++, i++) {
                ids[i] = rng.nextInt(256);
                examples[i] = e;
            }
        }
        Map<String, float[]> fused = run(model, ids, examples, TrainableLlama.Attention.FUSED);
        Map<String, float[]> explicit = run(model, ids, examples, TrainableLlama.Attention.EXPLICIT);
        double worst = 0;
        for (String name : explicit.keySet()) {
            float[] want = explicit.get(name);
            float[] got = fused.get(name);
            double scale = 1;
            double diff = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                diff = Math.max(diff, Math.abs(want[i] - got[i]));
            }
            worst = Math.max(worst, diff / scale);
            assertTrue(diff / scale <= 1e-5, name + ": max |diff| " + diff + " at scale " + scale);
        }
        System.out.printf("fused vs explicit attention (%s, examples of %s tokens): worst max |diff| / max(1, max "
                + "|value|) %.2e%n", preset, layout, worst);
    }

    /** The logits and every weight's gradient of a fixed random projection of the logits. */
    private static Map<String, float[]> run(Path model, int[] ids, int[] examples, TrainableLlama.Attention kind)
            throws Exception {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (TrainableLlama llama = TrainableLlama.load(model, Device.cpu()).withAttention(kind);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray logits = llama.logits(ids, examples);
                Engine.getInstance().setRandomSeed(11);
                NDArray weights = m.randomNormal(logits.getShape());
                out.put("logits", logits.toFloatArray());
                c.backward(logits.mul(weights).sum());
            }
            llama.parameters().forEach((name, p) -> {
                try (NDArray g = p.getGradient()) {
                    out.put(name, g.toFloatArray());
                }
            });
        }
        return out;
    }
}
