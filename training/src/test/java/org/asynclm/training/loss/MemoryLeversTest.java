package org.asynclm.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.llama.TinyModel;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.training.data.GoldenExamples;
import org.asynclm.training.data.Packing;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two memory levers change what a step keeps, not what it computes. On a packed row of the PyTorch golden
 * examples, the loss and every trained array's gradient of {@link TrainableLlama#backward} (which computes the
 * logits only at the positions the loss reads), with neither lever, with the lm head and cross-entropy in
 * stretches, with every layer recomputed in backward, and with both, equal those of the whole row's logits under
 * {@link TokenLoss#mean} with autograd's own backward (the path the golden step tests pin to transformers). Full
 * fine-tuning of a tied and an untied model, and LoRA with dropout, with and without trainable token rows.
 * Each gradient is compared at its own scale: max |diff| / max(1, max |value|) at most 1e-5.
 */
class MemoryLeversTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}, loss_chunk {2}, checkpointing {3}")
    @CsvSource({
        "tiny, full, 0, false", "tiny, full, 7, false", "tiny, full, 0, true", "tiny, full, 7, true",
        "tiny-gqa, full, 0, false", "tiny, lora, 0, false",
        "tiny-gqa, full, 13, false", "tiny-gqa, full, 13, true",
        "tiny, lora, 7, false", "tiny, lora, 0, true", "tiny, lora, 7, true",
        "tiny-gqa, lora, 5, true", "tiny, lora-without-rows, 7, true", "tiny-gqa, lora-without-rows, 0, true"})
    void aLeverChangesNoLossAndNoGradient(String preset, String method, int chunk, boolean checkpoint)
            throws Exception {
        Path model = dir.resolve(preset);
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/" + preset + ".yaml")), preset, 5);
        Path adapter = dir.resolve("adapter");
        boolean lora = method.startsWith("lora");
        Packing.Row row = Packing.pack(GoldenExamples.read(), 256).get(0);
        if (lora) {
            LlamaConfig c = LlamaConfig.read(model.resolve("config.json"));
            // tokens of the row, so that their rows get a gradient through the lookup as well as a tied head
            int[] ids = java.util.Arrays.stream(row.ids()).distinct().limit(3).toArray();
            float[] rows = new float[ids.length * c.hiddenSize()];
            SplittableRandom rng = new SplittableRandom(9);
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) (rng.nextGaussian() * 0.05);
            }
            LoraAdapter.init(adapter, c, 4, 8, 0.2, LoraAdapter.PROJECTIONS, 1,
                    method.equals("lora") ? new LoraAdapter.TokenRows(ids, rows) : null);
        }
        Map<String, float[]> reference = run(model, adapter, lora, row, null);
        Map<String, float[]> levered = run(model, adapter, lora, row, new TrainableLlama.Memory(checkpoint, chunk));
        double worst = GradientChecks.compare(reference, levered, 1, 1e-5);
        System.out.printf("memory levers (%s %s, chunk %d, checkpointing %s): worst %.2e over %d arrays%n", preset,
                method, chunk, checkpoint, worst, reference.size());
    }

    /**
     * A row of a batch may have nothing under the loss (the batch's other rows have): its loss is a zero on the graph,
     * backward runs, and every gradient stays zero.
     */
    @ParameterizedTest(name = "loss_chunk {0}, checkpointing {1}")
    @CsvSource({"0, false", "7, false", "0, true"})
    void aRowWithNothingTrainedAddsNothing(int chunk, boolean checkpoint) throws Exception {
        Path model = dir.resolve("tiny");
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/tiny.yaml")), "tiny", 5);
        Packing.Row row = Packing.pack(GoldenExamples.read(), 256).get(0);
        try (TrainableLlama llama = TrainableLlama.load(model, Device.cpu());
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            double loss;
            try (NDScope scope = new NDScope();
                 GradientCollector c = Engine.getInstance().newGradientCollector()) {
                loss = llama.backward(row.ids(), row.examples(), 0, 42, new TrainableLlama.Memory(checkpoint, chunk),
                        TokenLoss.over(m, row.ids(), new boolean[row.length()], row.examples(), 10));
            }
            assertEquals(0.0, loss, 0.0);
            for (Map.Entry<String, float[]> e : GradientChecks.gradients(llama).entrySet()) {
                for (float v : e.getValue()) {
                    assertEquals(0f, v, 0f, e.getKey());
                }
            }
        }
    }

    /**
     * The loss (key "loss") and the gradient of every trained array. Under LoRA every factor first gets small seeded
     * values: a fresh adapter's B is zero, which would leave A without a gradient to compare. {@code memory} null:
     * the reference, autograd's backward on the whole row's logits.
     */
    private static Map<String, float[]> run(Path model, Path adapter, boolean lora, Packing.Row row,
                                            TrainableLlama.Memory memory) throws Exception {
        Map<String, float[]> out = new LinkedHashMap<>();
        int tokens = TokenLoss.count(row.ids(), row.trained(), row.examples());
        try (TrainableLlama llama = lora ? TrainableLlama.withAdapter(model, adapter, Device.cpu())
                : TrainableLlama.load(model, Device.cpu());
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            if (lora) {
                GradientChecks.giveEachAValue(llama);
            }
            double loss;
            try (NDScope scope = new NDScope();
                 GradientCollector c = Engine.getInstance().newGradientCollector()) {
                if (memory == null) {
                    NDArray l = TokenLoss.mean(m, llama.trainingLogits(row.ids(), row.examples(), 0.2, 42), row.ids(),
                            row.trained(), row.examples(), tokens);
                    c.backward(l);
                    loss = l.getFloat();
                } else {
                    loss = llama.backward(row.ids(), row.examples(), 0.2, 42, memory,
                            TokenLoss.over(m, row.ids(), row.trained(), row.examples(), tokens));
                }
            }
            out.put("loss", new float[] {(float) loss});
            out.putAll(GradientChecks.gradients(llama));
        }
        return out;
    }
}
