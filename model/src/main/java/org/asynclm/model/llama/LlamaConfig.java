package org.asynclm.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynclm.runtime.BadInputException;

/**
 * A Llama {@code config.json} as transformers writes it: 4.x ({@code rope_theta}, {@code rope_scaling},
 * {@code torch_dtype}) or 5.x ({@code rope_parameters}, {@code dtype}). {@code ropeScaling} is null for plain RoPE.
 */
public record LlamaConfig(int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
                          int headDim, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          boolean tieWordEmbeddings, int maxPositions, int bosTokenId, List<Integer> eosTokenIds,
                          String dtype) {

    /** The seven linear projections of a layer, attention's four first, as transformers names them. */
    public static final List<String> PROJECTIONS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** The weight of a layer's projection, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
    public static String projectionWeight(int layer, String projection) {
        return "model.layers." + layer + (PROJECTIONS.indexOf(projection) < 4 ? ".self_attn." : ".mlp.") + projection
                + ".weight";
    }

    /** [out, in] of a projection's weight. */
    public int[] projectionShape(String projection) {
        int q = heads * headDim;
        int kv = kvHeads * headDim;
        return switch (projection) {
            case "q_proj" -> new int[] {q, hiddenSize};
            case "k_proj", "v_proj" -> new int[] {kv, hiddenSize};
            case "o_proj" -> new int[] {hiddenSize, q};
            case "gate_proj", "up_proj" -> new int[] {intermediateSize, hiddenSize};
            case "down_proj" -> new int[] {hiddenSize, intermediateSize};
            default -> throw new IllegalArgumentException("not a projection: " + projection);
        };
    }

    /** Llama 3's frequency-dependent RoPE scaling. */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    }

    public static LlamaConfig read(Path file) throws BadInputException {
        if (!Files.exists(file)) {
            throw new BadInputException(file + ": no such file");
        }
        try {
            return fromJson(new ObjectMapper().readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new BadInputException(file + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static LlamaConfig fromJson(JsonNode c, String where) throws BadInputException {
        String type = c.path("model_type").asText("");
        if (!type.equals("llama")) {
            throw new BadInputException(where + ": model_type: '" + type + "' is not supported (only 'llama')");
        }
        int hidden = positive(c, "hidden_size", where);
        int heads = positive(c, "num_attention_heads", where);
        int kvHeads = c.has("num_key_value_heads") && !c.get("num_key_value_heads").isNull()
                ? positive(c, "num_key_value_heads", where) : heads;
        if (heads % kvHeads != 0) {
            throw new BadInputException(where + ": num_key_value_heads: " + kvHeads + " does not divide "
                    + "num_attention_heads " + heads);
        }
        int headDim;
        if (c.hasNonNull("head_dim")) {
            headDim = positive(c, "head_dim", where);
        } else if (hidden % heads == 0) {
            headDim = hidden / heads;
        } else {
            throw new BadInputException(where + ": hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads + " and head_dim is not given");
        }
        JsonNode rope = c.has("rope_parameters") ? c.get("rope_parameters") : c.path("rope_scaling");
        double theta = c.has("rope_parameters") ? c.at("/rope_parameters/rope_theta").asDouble(10000.0)
                : c.path("rope_theta").asDouble(10000.0);
        RopeScaling scaling = null;
        String ropeType = rope.path("rope_type").asText(rope.path("type").asText("default"));
        if (ropeType.equals("llama3")) {
            scaling = new RopeScaling(rope.path("factor").asDouble(), rope.path("low_freq_factor").asDouble(),
                    rope.path("high_freq_factor").asDouble(), rope.path("original_max_position_embeddings").asInt());
            if (!(scaling.factor() > 0) || !(scaling.highFreqFactor() > scaling.lowFreqFactor())
                    || scaling.originalMaxPositions() <= 0) {
                throw new BadInputException(where + ": rope scaling: llama3 needs factor > 0, high_freq_factor > "
                        + "low_freq_factor and original_max_position_embeddings");
            }
        } else if (!ropeType.equals("default") && !rope.isMissingNode() && !rope.isNull()) {
            throw new BadInputException(where + ": rope scaling type '" + ropeType + "' is not supported");
        }
        List<Integer> eos = new ArrayList<>();
        JsonNode e = c.path("eos_token_id");
        if (e.isArray()) {
            e.forEach(x -> eos.add(x.asInt()));
        } else if (e.isInt()) {
            eos.add(e.asInt());
        }
        String dtype = c.has("dtype") ? c.get("dtype").asText() : c.path("torch_dtype").asText("float32");
        return new LlamaConfig(positive(c, "vocab_size", where), hidden, positive(c, "intermediate_size", where),
                positive(c, "num_hidden_layers", where), heads, kvHeads, headDim,
                c.path("rms_norm_eps").asDouble(1e-6), theta, scaling, c.path("tie_word_embeddings").asBoolean(false),
                c.path("max_position_embeddings").asInt(2048), c.path("bos_token_id").asInt(-1), List.copyOf(eos), dtype);
    }

    private static int positive(JsonNode c, String key, String where) throws BadInputException {
        JsonNode v = c.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new BadInputException(where + ": " + key + ": " + (v == null ? "missing" : "must be a positive integer"));
        }
        return v.asInt();
    }

    /** transformers 4.x layout, which 5.x reads too. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.putArray("architectures").add("LlamaForCausalLM");
        n.put("model_type", "llama");
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", layers);
        n.put("num_attention_heads", heads);
        n.put("num_key_value_heads", kvHeads);
        n.put("head_dim", headDim);
        n.put("hidden_act", "silu");
        n.put("rms_norm_eps", rmsNormEps);
        n.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            n.putNull("rope_scaling");
        } else {
            n.putObject("rope_scaling").put("rope_type", "llama3").put("factor", ropeScaling.factor())
                    .put("low_freq_factor", ropeScaling.lowFreqFactor())
                    .put("high_freq_factor", ropeScaling.highFreqFactor())
                    .put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
        }
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("max_position_embeddings", maxPositions);
        n.put("bos_token_id", bosTokenId);
        var eos = n.putArray("eos_token_id");
        eosTokenIds.forEach(eos::add);
        n.put("attention_bias", false);
        n.put("mlp_bias", false);
        n.put("torch_dtype", dtype);
        return n;
    }
}
