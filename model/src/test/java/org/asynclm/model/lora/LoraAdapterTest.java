package org.asynclm.model.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asynclm.model.llama.GoldenLogits;
import org.asynclm.model.llama.Llama;
import org.asynclm.model.llama.TinyModel;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.runtime.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PEFT adapters (made by tools/make_lora_golden.py: every projection at r=4 on tiny, q and v with rank-stabilised
 * scaling at r=8 on tiny-gqa) merged into the model give PEFT's logits; unmerging gives transformers' base logits.
 */
class LoraAdapterTest {
    @TempDir
    Path dir;

    private Path checkpoint(String preset, long seed) throws Exception {
        Path out = dir.resolve(preset);
        if (!Files.exists(out)) {
            TinyModel.write(out, TinyModel.preset(Path.of("../configs/model/" + preset + ".yaml")), preset, seed);
        }
        return out;
    }

    private static Path adapter(String preset) throws Exception {
        return goldenDir("lora-" + preset);
    }

    private static Path goldenDir(String name) throws Exception {
        return Path.of(LoraAdapterTest.class.getResource("/golden/" + name).toURI());
    }

    private static JsonNode golden(String name) throws Exception {
        return GoldenLogits.read(name);
    }

    private static double distance(Llama model, JsonNode g) {
        return GoldenLogits.distance(model, g);
    }

    /** lora-tokens-*: LoRA on q and v plus new rows for the five CML markers (tools/make_lora_golden.py). */
    @ParameterizedTest
    @CsvSource({"tiny,0,lora-tiny", "tiny-gqa,1,lora-tiny-gqa", "tiny,0,lora-tokens-tiny",
        "tiny-gqa,1,lora-tokens-tiny-gqa"})
    void mergedAdapterEqualsPeftAndUnmergingRestoresTheBase(String preset, long seed, String name) throws Exception {
        LoraAdapter adapter = LoraAdapter.load(goldenDir(name));
        try (Llama model = Llama.load(checkpoint(preset, seed), goldenDir(name), Device.cpu())) {
            double merged = distance(model, golden(name));
            System.out.printf("%s: max |Java - PEFT| = %.2e%n", name, merged);
            assertTrue(merged < 1e-4, preset + " with its adapter differs from PEFT by " + merged);
            assertTrue(distance(model, golden("llama-" + preset)) > 0.1, "the adapter must change the logits");
            model.unmerge(adapter);
            double base = distance(model, golden("llama-" + preset));
            assertTrue(base < 1e-4, preset + " after unmerge differs from the base model by " + base);
        }
    }

    /** The merged export is a plain checkpoint: loaded without any adapter it gives PEFT's logits. */
    @ParameterizedTest
    @CsvSource({"tiny,0,lora-tiny", "tiny-gqa,1,lora-tiny-gqa", "tiny,0,lora-tokens-tiny",
        "tiny-gqa,1,lora-tokens-tiny-gqa"})
    void mergedWeightsLoadAsAPlainCheckpointWithPeftsLogits(String preset, long seed, String name) throws Exception {
        Path base = checkpoint(preset, seed);
        Path merged = dir.resolve(name + "-merged");
        Files.createDirectories(merged);
        for (String f : new String[] {"config.json", "tokenizer.json"}) {
            Files.copy(base.resolve(f), merged.resolve(f));
        }
        MergedWeights.write(base, LoraAdapter.load(goldenDir(name)), merged.resolve("model.safetensors"));
        try (Llama model = Llama.load(merged, Device.cpu())) {
            double d = distance(model, golden(name));
            System.out.printf("%s merged export: max |Java - PEFT| = %.2e%n", name, d);
            assertTrue(d < 1e-4, preset + " merged export differs from PEFT by " + d);
        }
    }

    /** The training forward pass with trainable rows gives PEFT's logits too (before any step). */
    @ParameterizedTest
    @CsvSource({"tiny,0", "tiny-gqa,1"})
    void trainableRowsInTheTrainingForwardPass(String preset, long seed) throws Exception {
        JsonNode g = golden("lora-tokens-" + preset);
        int[] ids = new int[g.get("token_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = g.get("token_ids").get(i).asInt();
        }
        try (TrainableLlama model = TrainableLlama.withAdapter(checkpoint(preset, seed),
                goldenDir("lora-tokens-" + preset), Device.cpu())) {
            assertTrue(model.parameters().containsKey(LoraAdapter.TOKEN_ROWS));
            float[] logits = model.logits(ids, new int[ids.length]).toFloatArray();
            int vocab = g.get("last_logits").size();
            double worst = 0;
            for (int v = 0; v < vocab; v++) {
                worst = Math.max(worst, Math.abs(logits[(ids.length - 1) * vocab + v] - g.get("last_logits").get(v)
                        .asDouble()));
            }
            assertTrue(worst < 1e-4, "training forward differs from PEFT by " + worst);
        }
    }

    @Test
    void scalingFollowsRankAndRsLora() throws Exception {
        LoraAdapter plain = LoraAdapter.load(adapter("tiny"));
        assertEquals(4, plain.rank());
        assertEquals(2.0, plain.scale(), 1e-12); // alpha 8 / r 4
        assertEquals(7, plain.targets().size());
        LoraAdapter rs = LoraAdapter.load(adapter("tiny-gqa"));
        assertEquals(16 / Math.sqrt(8), rs.scale(), 1e-12);
    }

    private Path brokenCopy(String preset, String key, Object value) throws Exception {
        Path copy = Files.createTempDirectory(dir, "broken-" + key);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(adapter(preset).resolve(LoraAdapter.CONFIG).toFile());
        config.set(key, json.valueToTree(value));
        json.writeValue(copy.resolve(LoraAdapter.CONFIG).toFile(), config);
        Files.copy(adapter(preset).resolve(LoraAdapter.WEIGHTS), copy.resolve(LoraAdapter.WEIGHTS));
        return copy;
    }

    private static String message(Path adapterDir) {
        return assertThrows(BadInputException.class, () -> LoraAdapter.load(adapterDir)).getMessage();
    }

    @Test
    void badAdaptersAreOneLineNamingTheFileAndField() throws Exception {
        assertEquals(dir + ": no adapter_config.json (not a PEFT adapter directory)", message(dir));
        Map<Path, String> expected = new LinkedHashMap<>();
        expected.put(brokenCopy("tiny", "r", 0), "adapter_config.json: r: must be a positive integer, got 0");
        expected.put(brokenCopy("tiny", "target_modules", List.of("q_proj", "embed_tokens")),
                "adapter_config.json: target_modules: 'embed_tokens' is not one of");
        expected.put(brokenCopy("tiny", "use_dora", true), "adapter_config.json: use_dora: true: DoRA is not supported");
        expected.put(brokenCopy("tiny", "peft_type", "IA3"), "adapter_config.json: peft_type: 'IA3', only LORA is supported");
        expected.put(brokenCopy("tiny", "modules_to_save", List.of("lm_head")),
                "adapter_config.json: modules_to_save: [\"lm_head\"]: extra trained modules are not supported");
        expected.put(brokenCopy("tiny-gqa", "target_modules", List.of("q_proj")),
                "adapter_model.safetensors: tensor 'base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight' "
                        + "is not a LoRA factor of a target in adapter_config.json [q_proj]");
        expected.put(brokenCopy("tiny", "trainable_token_indices", Map.of("lm_head", List.of(1))),
                "adapter_config.json: trainable_token_indices: {\"lm_head\":[1]}: only embed_tokens rows are supported");
        expected.put(brokenCopy("tiny", "trainable_token_indices", List.of(261)),
                "adapter_model.safetensors: tensor '" + LoraAdapter.TOKEN_ROWS + "' is missing");
        // options that change which weights the adapter touches: refused by name rather than applied wrongly
        expected.put(brokenCopy("tiny", "layers_to_transform", List.of(0)),
                "adapter_config.json: layers_to_transform: [0]: adapting only some layers is not supported");
        expected.put(brokenCopy("tiny", "exclude_modules", List.of("v_proj")),
                "adapter_config.json: exclude_modules: [\"v_proj\"]: excluding modules is not supported");
        expected.put(brokenCopy("tiny", "layer_replication", List.of(List.of(0, 1))),
                "adapter_config.json: layer_replication: [[0,1]]: layer replication is not supported");
        expected.put(brokenCopy("tiny", "use_qalora", true), "adapter_config.json: use_qalora: true: QALoRA is not");
        expected.put(brokenCopy("tiny", "lora_bias", true), "adapter_config.json: lora_bias: true: a LoRA bias term");
        expected.put(brokenCopy("tiny", "target_parameters", List.of("mlp.experts.down_proj")),
                "adapter_config.json: target_parameters: [\"mlp.experts.down_proj\"]: adapting parameters");
        for (var e : expected.entrySet()) {
            String m = message(e.getKey());
            assertTrue(m.startsWith(e.getKey().toString()) && m.contains(e.getValue()), m);
            assertEquals(1, m.lines().count(), m);
        }
    }

    @Test
    void anAdapterForAnotherModelNamesTheTensor() throws Exception {
        Path gqa = checkpoint("tiny-gqa", 1);
        BadInputException e = assertThrows(BadInputException.class,
                () -> Llama.load(gqa, adapter("tiny"), Device.cpu()).close());
        assertTrue(e.getMessage().contains("adapter_model.safetensors: tensor "
                + "'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' has shape [4, 128], expected [4, 96]"),
                e.getMessage());
    }
}
