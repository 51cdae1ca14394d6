package org.asynclm.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.model.safetensors.DType;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.files.AtomicFiles;
import org.asynclm.runtime.tokens.TokenizerJson;

/**
 * Writes a random-initialised Llama in the Hugging Face layout ({@code config.json}, {@code generation_config.json},
 * {@code model.safetensors} with {@code LlamaForCausalLM}'s weight names, {@code tokenizer.json} and
 * {@code tokenizer_config.json}) over the byte-level vocabulary with the chat and CML special tokens. Weights are
 * N(0, initializer_range) from the seed, norms 1. {@code asynclm.json} records how it was made.
 */
public final class TinyModel {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A preset file's settings (configs/model/*.yaml): sizes in config.json's names plus initializer_range, with the
     * tokenizer.json the model is made for (its vocabulary size and special-token ids fill the config).
     */
    public record Preset(LlamaConfig config, double initializerRange, ObjectNode tokenizer) {
    }

    private TinyModel() {
    }

    /** The preset with the byte-level tokenizer, the tiny model's default. */
    public static Preset preset(Path yaml) throws BadInputException {
        return preset(yaml, TokenizerJson.byteLevel(), "byte-level");
    }

    /**
     * The preset for a given tokenizer.json ({@code name} says where it came from, for messages): the vocabulary
     * size is its largest id + 1, bos is {@code <|begin_of_text|>}, eos {@code <|eot_id|>} and
     * {@code <|end_of_text|>}.
     */
    public static Preset preset(Path yaml, ObjectNode tokenizer, String name) throws BadInputException {
        ObjectNode p;
        try {
            p = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
        } catch (IOException | ClassCastException e) {
            throw new BadInputException(yaml + ": not a model preset: " + e.getMessage().lines().findFirst().orElse(""));
        }
        double range = p.path("initializer_range").asDouble(0.02);
        p.remove("initializer_range");
        p.put("model_type", "llama");
        Map<String, Integer> special = new HashMap<>();
        for (JsonNode t : tokenizer.path("added_tokens")) {
            special.put(t.path("content").asText(), t.path("id").asInt());
        }
        for (String needed : List.of("<|begin_of_text|>", "<|eot_id|>", "<|end_of_text|>")) {
            if (!special.containsKey(needed)) {
                throw new BadInputException(name + ": added_tokens: no " + needed);
            }
        }
        p.put("vocab_size", TokenizerJson.vocabularySize(tokenizer));
        p.put("bos_token_id", special.get("<|begin_of_text|>"));
        p.putArray("eos_token_id").add(special.get("<|eot_id|>")).add(special.get("<|end_of_text|>"));
        return new Preset(LlamaConfig.fromJson(p, yaml.toString()), range, tokenizer);
    }

    /** The weights by name, in transformers' order, drawn from {@code seed}. */
    public static Map<String, Safetensors.Tensor> weights(LlamaConfig c, double range, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Safetensors.Tensor> w = new LinkedHashMap<>();
        int h = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        w.put("model.embed_tokens.weight", normal(rng, range, c.vocabSize(), h));
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "self_attn.q_proj.weight", normal(rng, range, q, h));
            w.put(p + "self_attn.k_proj.weight", normal(rng, range, kv, h));
            w.put(p + "self_attn.v_proj.weight", normal(rng, range, kv, h));
            w.put(p + "self_attn.o_proj.weight", normal(rng, range, h, q));
            w.put(p + "mlp.gate_proj.weight", normal(rng, range, c.intermediateSize(), h));
            w.put(p + "mlp.up_proj.weight", normal(rng, range, c.intermediateSize(), h));
            w.put(p + "mlp.down_proj.weight", normal(rng, range, h, c.intermediateSize()));
            w.put(p + "input_layernorm.weight", ones(h));
            w.put(p + "post_attention_layernorm.weight", ones(h));
        }
        w.put("model.norm.weight", ones(h));
        if (!c.tieWordEmbeddings()) {
            w.put("lm_head.weight", normal(rng, range, c.vocabSize(), h));
        }
        return w;
    }

    public static void write(Path dir, Preset preset, String presetName, long seed) throws IOException {
        LlamaConfig c = preset.config();
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve("model.safetensors"), weights(c, preset.initializerRange(), seed),
                Map.of("format", "pt"));
        writeJson(dir.resolve("config.json"), c.toJson());
        ObjectNode gen = JsonNodeFactory.instance.objectNode();
        gen.put("bos_token_id", c.bosTokenId());
        var eos = gen.putArray("eos_token_id");
        c.eosTokenIds().forEach(eos::add);
        gen.put("do_sample", false);
        writeJson(dir.resolve("generation_config.json"), gen);
        TokenizerJson.write(dir.resolve("tokenizer.json"), preset.tokenizer());
        ObjectNode tc = JsonNodeFactory.instance.objectNode();
        tc.put("tokenizer_class", "PreTrainedTokenizerFast");
        tc.put("bos_token", "<|begin_of_text|>");
        tc.put("eos_token", "<|eot_id|>");
        tc.put("model_max_length", c.maxPositions());
        writeJson(dir.resolve("tokenizer_config.json"), tc);
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        prov.put("made_by", "asynclm init-model");
        prov.put("preset", presetName);
        prov.put("seed", seed);
        prov.put("initializer_range", preset.initializerRange());
        prov.put("cml_tokens", "added special tokens " + List.of("[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]"));
        prov.put("tokenizer", preset.tokenizer().path("model").path("merges").isEmpty() ? "byte-level"
                : "byte-level BPE, " + preset.tokenizer().at("/model/merges").size() + " merges");
        writeJson(dir.resolve("asynclm.json"), prov);
    }

    private static Safetensors.Tensor normal(SplittableRandom rng, double std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return new Safetensors.Tensor(DType.F32, new long[] {rows, cols}, v);
    }

    private static Safetensors.Tensor ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return new Safetensors.Tensor(DType.F32, new long[] {n}, v);
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), node));
    }
}
