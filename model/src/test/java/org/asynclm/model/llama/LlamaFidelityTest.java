package org.asynclm.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Logits against transformers' LlamaForCausalLM (golden values from tools/make_llama_golden.py) on the tiny
 * checkpoint and on one with grouped-query attention, llama3 RoPE scaling and an untied head; and the KV cache
 * against recomputing the whole context.
 */
class LlamaFidelityTest {
    @TempDir
    Path dir;

    private Llama load(String preset, long seed) throws Exception {
        Path out = dir.resolve(preset);
        TinyModel.write(out, TinyModel.preset(Path.of("../configs/model/" + preset + ".yaml")), preset, seed);
        return Llama.load(out, Device.cpu());
    }

    private static JsonNode golden(String preset) throws Exception {
        return GoldenLogits.read("llama-" + preset);
    }

    @ParameterizedTest
    @CsvSource({"tiny,0", "tiny-gqa,1"})
    void logitsEqualTransformers(String preset, long seed) throws Exception {
        try (Llama model = load(preset, seed)) {
            double worst = GoldenLogits.distance(model, golden(preset));
            System.out.printf("%s: max |Java - transformers| = %.2e%n", preset, worst);
            assertTrue(worst < 1e-4, preset + " differs by " + worst);
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny,0", "tiny-gqa,1"})
    void appendingToTheCacheEqualsRecomputingTheContext(String preset, long seed) throws Exception {
        int[] ids = GoldenLogits.ids(golden(preset));
        try (Llama model = load(preset, seed); Llama.Cache full = model.newCache(); Llama.Cache chunks = model.newCache()) {
            float[][] reference = model.forward(full, ids);
            int[] cuts = {0, 17, 18, 19, 40, ids.length};
            double worst = 0;
            for (int c = 0; c + 1 < cuts.length; c++) {
                float[][] part = model.forward(chunks, Arrays.copyOfRange(ids, cuts[c], cuts[c + 1]));
                for (int i = 0; i < part.length; i++) {
                    for (int v = 0; v < part[i].length; v++) {
                        worst = Math.max(worst, Math.abs(part[i][v] - reference[cuts[c] + i][v]));
                    }
                }
            }
            assertEquals(ids.length, chunks.length());
            assertTrue(worst < 1e-4, "cache differs by " + worst);
            chunks.clear();
            assertEquals(0, chunks.length());
            float[][] again = model.forward(chunks, ids);
            assertTrue(Math.abs(again[ids.length - 1][0] - reference[ids.length - 1][0]) < 1e-5, "a cleared cache starts over");
        }
    }
}
