package org.asynclm.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynclm.runtime.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainConfigTest {
    @TempDir
    Path dir;

    private String error(String yaml, String... sets) throws Exception {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, yaml);
        return assertThrows(BadInputException.class, () -> TrainConfig.load(f, List.of(sets))).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-cpu.yaml", "tiny-cpu-long.yaml", "tiny-cpu-more.yaml", "tiny-lora-cpu.yaml", "llama-3.2-1b-lora.yaml", "llama-3.2-3b-lora.yaml"})
    void theShippedConfigsAreValid(String name) throws Exception {
        TrainConfig c = TrainConfig.load(Path.of("../configs/train", name), List.of());
        assertTrue(c.learningRate() > 0);
    }

    @Test
    void thePaperLikeConfigIsThePapersRecipe() throws Exception {
        TrainConfig c = TrainConfig.load(Path.of("../configs/train/llama-3.2-1b-lora.yaml"), List.of());
        assertEquals(TrainConfig.FineTuning.LORA, c.method());
        assertEquals(8, c.lora().rank());
        assertEquals(7, c.lora().targets().size());
        assertEquals(1e-4, c.learningRate());
        assertEquals(8, c.gradientAccumulation());
        assertEquals(2048, c.maxLength());
        assertEquals(3 * 800, c.totalSteps(8 * 800), "3 epochs of 6,400 rows in steps of 8 rows");
    }

    @Test
    void fileThenSetOverridesTheDefaults() throws Exception {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, "method: lora\nlora:\n  rank: 4\n");
        TrainConfig c = TrainConfig.load(f, List.of("lora.alpha=32", "steps=7"));
        assertEquals(4, c.lora().rank());
        assertEquals(32.0, c.lora().alpha());
        assertEquals(7, c.totalSteps(1000));
        assertEquals(4096, c.maxLength(), "untouched keys keep their defaults");
    }

    @Test
    void everyMistakeNamesFileLineAndKey() throws Exception {
        String f = dir.resolve("t.yaml").toString();
        assertEquals(f + ":2: lora.rnk: unknown key (see 'asynclm train --print-defaults' for every key)",
                error("lora:\n  rnk: 4\n"));
        assertEquals(f + ":1: method: must be one of [full, lora]", error("method: qlora\n"));
        assertEquals(f + ":3: lora.targets: 'qproj' is not one of [q_proj, k_proj, v_proj, o_proj, gate_proj, "
                + "up_proj, down_proj]", error("lora:\n  rank: 2\n  targets: [qproj]\n"));
        assertEquals(f + ":1: warmup: must be in [0, 1)", error("warmup: 1.5\n"));
        assertEquals(f + ":1: device: must be cpu or cuda:N, got 'gpu'", error("device: gpu\n"));
        assertEquals(f + ":1: steps: expected a whole number, got 'many'", error("steps: many\n"));
        assertEquals("--set gradient_accumulation: must be at least 1", error("", "gradient_accumulation=0"));
        assertEquals("--set lora.rank.x: unknown key", error("", "lora.rank.x=1"));
        assertEquals(f + ":1: learning_rate: must be a finite number", error("learning_rate: Infinity\n"));
        assertEquals(f + ":2: task_eval.method: must be async or sync", error("task_eval:\n  method: sync-parallel\n"));
        assertEquals("--set every_token_steps: must be >= 0", error("", "every_token_steps=-1"));
        assertEquals(f + ":1: value_weight: must be positive (1: a copied value weighs as any token)",
                error("value_weight: 0\n"));
        assertEquals("--set error_repeats: must be at least 1 (1: a trace with a tool's error is seen as often as any)",
                error("", "error_repeats=0"));
        assertEquals(f + ":1: lr_cycles: must be one of [run, stages]", error("lr_cycles: weekly\n"));
    }
}
