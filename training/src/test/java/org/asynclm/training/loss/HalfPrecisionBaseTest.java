package org.asynclm.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.llama.TinyModel;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.model.llama.TrainableLlama.BasePrecision;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.training.data.GoldenExamples;
import org.asynclm.training.data.Packing;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LoRA on a base whose projections are fp16 against the same base in fp32, on the tiny shapes: the loss within
 * 1e-3 (relative), every factor's gradient within 1e-2 of its own scale (max |diff| / max |value|), which is what
 * fp16's 11-bit mantissa leaves after two layers. The gradients reach the adapter: the casts inside the TorchScript
 * projection keep the graph that DJL's own casts would cut.
 */
class HalfPrecisionBaseTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "tiny-gqa"})
    void anFp16BaseTrainsTheAdapterAsFp32Does(String preset) throws Exception {
        Path model = dir.resolve(preset);
        TinyModel.write(model, TinyModel.preset(Path.of("../configs/model/" + preset + ".yaml")), preset, 5);
        Path adapter = dir.resolve("adapter");
        LoraAdapter.init(adapter, LlamaConfig.read(model.resolve("config.json")), 4, 8, 0, LoraAdapter.PROJECTIONS, 1);
        Packing.Row row = Packing.pack(GoldenExamples.read(), 256).get(0);
        Map<String, float[]> full = run(model, adapter, row, BasePrecision.FP32);
        Map<String, float[]> half = run(model, adapter, row, BasePrecision.FP16);
        float lossFull = full.remove("loss")[0];
        float lossHalf = half.remove("loss")[0];
        assertEquals(lossFull, lossHalf, 1e-3 * lossFull, "loss");
        double worst = GradientChecks.compare(full, half, 0, 1e-2);
        System.out.printf("fp16 base vs fp32 (%s): loss %.6f vs %.6f, worst gradient diff / scale %.2e%n", preset,
                lossHalf, lossFull, worst);
    }

    /** The loss and the gradient of every factor; the base's projections are checked to be stored as asked. */
    private static Map<String, float[]> run(Path model, Path adapter, Packing.Row row, BasePrecision precision)
            throws Exception {
        Map<String, float[]> out = new LinkedHashMap<>();
        int tokens = TokenLoss.count(row.ids(), row.trained(), row.examples());
        try (TrainableLlama llama = TrainableLlama.withAdapter(model, adapter, precision, Device.cpu());
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertEquals(precision == BasePrecision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32,
                    llama.baseWeight(LlamaConfig.projectionWeight(1, "down_proj")).getDataType());
            GradientChecks.giveEachAValue(llama);
            double loss;
            try (NDScope scope = new NDScope();
                 GradientCollector c = Engine.getInstance().newGradientCollector()) {
                loss = llama.backward(row.ids(), row.examples(), 0, 0, TrainableLlama.Memory.KEEP_ALL,
                        TokenLoss.over(m, row.ids(), row.trained(), row.examples(), tokens));
            }
            out.put("loss", new float[] {(float) loss});
            out.putAll(GradientChecks.gradients(llama));
        }
        return out;
    }
}
