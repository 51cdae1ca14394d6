package org.asynclm.training.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.llama.TinyModel;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.training.data.Example;
import org.asynclm.training.data.GoldenExamples;
import org.asynclm.training.data.Packing;
import org.asynclm.training.loss.MaskedCrossEntropy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gradient accumulation and LoRA dropout, on the tiny model and the two examples of the PyTorch golden run. */
class TrainerTest {
    @TempDir
    Path dir;

    private Path model;
    private List<Example> examples;

    @BeforeEach
    void setUp() throws Exception {
        model = dir.resolve("tiny");
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/tiny.yaml")), "tiny", 0);
        examples = GoldenExamples.read();
    }

    private static Trainer.Settings settings(int steps, int accumulation, double dropout) {
        return new Trainer.Settings(steps, 1e-3, 0, 0.01, 1.0, 0, 0, accumulation, 0, dropout);
    }

    private List<Trainer.Step> train(TrainableLlama llama, List<Packing.Row> rows, List<Packing.Row> held,
                                     Trainer.Settings s) throws Exception {
        List<Trainer.Step> steps = new ArrayList<>();
        Trainer.run(llama, rows, held, s, Trainer.Start.FRESH, steps::add, (step, loss, adam) -> { });
        return steps;
    }

    /** Two rows of one example each, accumulated into one step, are the step of one row holding both. */
    @Test
    void accumulatingRowsIsTrainingOnThemAsOneBatch() throws Exception {
        List<Packing.Row> packed = Packing.pack(examples, 256);
        List<Packing.Row> apart = Packing.pack(examples, examples.stream().mapToInt(Example::length).max().orElseThrow());
        assertEquals(1, packed.size());
        assertEquals(2, apart.size());
        Trainer.Step one;
        Trainer.Step two;
        try (TrainableLlama llama = TrainableLlama.load(model, Device.cpu())) {
            one = train(llama, packed, packed, settings(1, 1, 0)).get(0);
        }
        try (TrainableLlama llama = TrainableLlama.load(model, Device.cpu())) {
            two = train(llama, apart, packed, settings(1, 2, 0)).get(0);
        }
        assertEquals(one.trainedTokens(), two.trainedTokens());
        assertEquals(one.loss(), two.loss(), 1e-5, "loss");
        assertEquals(one.gradNorm(), two.gradNorm(), 1e-4, "gradient norm");
        assertEquals(one.evalLoss(), two.evalLoss(), 1e-5, "held-out loss after the step: the same update");
    }

    /** Dropout on the adapter's input changes the training loss, the same way every time; evaluation has none. */
    @Test
    void loraDropoutIsSeededAndOnlyInTraining() throws Exception {
        Path adapter = dir.resolve("adapter");
        LoraAdapter.init(adapter, LlamaConfig.read(model.resolve("config.json")), 4, 8, 0.3, LoraAdapter.PROJECTIONS, 0);
        List<Packing.Row> rows = Packing.pack(examples, 256);
        double[] losses = new double[3];
        double[] held = new double[3];
        double[] dropouts = {0.3, 0.3, 0.0};
        for (int k = 0; k < 3; k++) {
            try (TrainableLlama llama = TrainableLlama.withAdapter(model, adapter, Device.cpu())) {
                List<Trainer.Step> s = train(llama, rows, rows, settings(2, 1, dropouts[k]));
                losses[k] = s.get(1).loss();
                held[k] = s.get(1).evalLoss();
            }
        }
        assertEquals(losses[0], losses[1], 1e-7, "same seed, same dropped units");
        assertNotEquals(losses[0], losses[2], 1e-6, "dropout changes what the adapter learns from");
        assertEquals(held[0], held[1], 1e-7);
    }

    /**
     * copy_steps: after the recall rows, the copy rows train with the loss where they carry it (here their copied
     * values alone), then the trace rows as they are.
     */
    @Test
    void theCopyStepsTrainTheCopyRowsThenTheTraceRows() throws Exception {
        Example e = examples.get(0);
        boolean[] copied = new boolean[e.length()];
        for (int i = e.length() / 2; i < e.length() / 2 + 5; i++) {
            copied[i] = true;
        }
        List<Packing.Row> copyRows = Packing.pack(List.of(new Example(e.ids(), e.trained(), copied, e.line())), 256)
                .stream().map(Packing.Row::copiesTrained).toList();
        List<Packing.Row> rows = Packing.pack(examples, 256);
        Trainer.Settings s = new Trainer.Settings(3, 1e-3, 0, 0.01, 1.0, 0, 0, 1, 0, 0, 0, 0, 2,
                TrainableLlama.Memory.KEEP_ALL);
        List<Trainer.Step> steps = new ArrayList<>();
        try (TrainableLlama llama = TrainableLlama.load(model, Device.cpu())) {
            Trainer.run(llama, List.of(), copyRows, rows, rows, s, Trainer.Start.FRESH, steps::add,
                    (step, loss, adam) -> { });
        }
        assertEquals(List.of(5, 5, examples.stream().mapToInt(Example::trainedTokens).sum()),
                steps.stream().map(Trainer.Step::trainedTokens).toList());
        assertThrows(IllegalArgumentException.class, () -> Trainer.run(null, List.of(), List.of(), rows, rows, s,
                Trainer.Start.FRESH, steps::add, (step, loss, adam) -> { }), "copy steps without copy rows");
    }

    /**
     * value_weight: in the steps on what the model writes, a copied value's tokens count that many times, so the
     * step's loss is the weighted mean of the per-token losses the inference model gives (an independent forward).
     */
    @Test
    void theValueWeightWeighsTheCopiedValuesInTheLoss() throws Exception {
        Example e = examples.get(0);
        boolean[] copied = new boolean[e.length()];
        int marked = 0;
        for (int i = e.length() / 2; i < e.length() && marked < 6; i++) {
            copied[i] = e.trained()[i];
            marked += copied[i] ? 1 : 0;
        }
        assertEquals(6, marked, "the example has trained tokens to mark");
        List<Packing.Row> rows = Packing.pack(List.of(new Example(e.ids(), e.trained(), copied, e.line())), 256);
        Packing.Row row = rows.get(0);
        double weight = 4;
        MaskedCrossEntropy.Sum all;
        MaskedCrossEntropy.Sum values;
        try (Llama llama = Llama.load(model, Device.cpu())) {
            float[][] logits = llama.forwardPacked(row.ids(), row.examples());
            all = MaskedCrossEntropy.of(logits, row.ids(), row.trained(), row.examples());
            values = MaskedCrossEntropy.of(logits, row.ids(), copied, row.examples());
        }
        double expected = (all.loss() + (weight - 1) * values.loss()) / (all.tokens() + (weight - 1) * values.tokens());
        Trainer.Settings s = new Trainer.Settings(1, 1e-3, 0, 0.01, 1.0, 0, 0, 1, 0, 0, 0, 0, 0, weight,
                TrainableLlama.Memory.KEEP_ALL, Schedule.Cycles.RUN);
        Trainer.Step step;
        try (TrainableLlama llama = TrainableLlama.load(model, Device.cpu())) {
            step = train(llama, rows, rows, s).get(0);
        }
        assertEquals(expected, step.loss(), 1e-5, "the weighted mean");
        assertNotEquals(all.mean(), step.loss(), 1e-3, "weighing the values changes the loss");
        assertEquals(all.tokens(), step.trainedTokens(), "the tokens under the loss are counted once each");
        assertThrows(IllegalArgumentException.class, () -> new Trainer.Settings(1, 1e-3, 0, 0.01, 1.0, 0, 0, 1, 0, 0,
                0, 0, 0, 0, TrainableLlama.Memory.KEEP_ALL, Schedule.Cycles.RUN), "a weight of 0");
    }
}
