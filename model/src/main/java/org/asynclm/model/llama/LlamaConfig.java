package org.asynclm.model.llama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
            return fromJson(JSON.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new BadInputException(file + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static LlamaConfig fromJson(JsonNode c, String where) throws BadInputException {
        HfConfig hf;
        try {
            hf = JSON.treeToValue(c, HfConfig.class);
        } catch (JsonProcessingException e) {
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                    ? m.getPath().get(m.getPath().size() - 1).getFieldName() : "?";
            throw new BadInputException(where + ": " + field + ": must be a "
                    + (e instanceof MismatchedInputException mi && mi.getTargetType() == Integer.class
                    ? "positive integer" : "value of its type"));
        }
        return hf.toConfig(where);
    }

    /** transformers 4.x layout, which 5.x reads too. */
    public ObjectNode toJson() {
        return JSON.valueToTree(HfConfig.of(this));
    }

    /**
     * {@code config.json} key by key as Hugging Face names them, bound by Jackson (keys this model does not use are
     * ignored); {@link #toConfig} checks it and fills the defaults transformers would.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"architectures", "model_type", "vocab_size", "hidden_size", "intermediate_size",
        "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "hidden_act", "rms_norm_eps",
        "rope_theta", "rope_scaling", "tie_word_embeddings", "max_position_embeddings", "bos_token_id",
        "eos_token_id", "attention_bias", "mlp_bias", "torch_dtype"})
    record HfConfig(@JsonProperty("architectures") List<String> architectures,
                    @JsonProperty("model_type") String modelType, @JsonProperty("vocab_size") Integer vocabSize,
                    @JsonProperty("hidden_size") Integer hiddenSize,
                    @JsonProperty("intermediate_size") Integer intermediateSize,
                    @JsonProperty("num_hidden_layers") Integer layers,
                    @JsonProperty("num_attention_heads") Integer heads,
                    @JsonProperty("num_key_value_heads") Integer kvHeads, @JsonProperty("head_dim") Integer headDim,
                    @JsonProperty("hidden_act") String hiddenAct, @JsonProperty("rms_norm_eps") Double rmsNormEps,
                    @JsonProperty("rope_theta") Double ropeTheta,
                    @JsonProperty("rope_scaling") @JsonInclude(JsonInclude.Include.ALWAYS) Rope ropeScaling,
                    @JsonProperty("rope_parameters") Rope ropeParameters,
                    @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddings,
                    @JsonProperty("max_position_embeddings") Integer maxPositions,
                    @JsonProperty("bos_token_id") Integer bosTokenId, @JsonProperty("eos_token_id") JsonNode eosTokenId,
                    @JsonProperty("attention_bias") Boolean attentionBias, @JsonProperty("mlp_bias") Boolean mlpBias,
                    @JsonProperty("torch_dtype") String torchDtype, @JsonProperty("dtype") String dtype) {

        /** rope_scaling (4.x) or rope_parameters (5.x, which also holds rope_theta). */
        @JsonIgnoreProperties(ignoreUnknown = true)
        @JsonInclude(JsonInclude.Include.NON_NULL)
        record Rope(@JsonProperty("rope_type") String ropeType, @JsonProperty("type") String type,
                    @JsonProperty("rope_theta") Double ropeTheta, @JsonProperty("factor") Double factor,
                    @JsonProperty("low_freq_factor") Double lowFreqFactor,
                    @JsonProperty("high_freq_factor") Double highFreqFactor,
                    @JsonProperty("original_max_position_embeddings") Integer originalMaxPositions) {
            String kind() {
                return ropeType != null ? ropeType : type != null ? type : "default";
            }
        }

        static HfConfig of(LlamaConfig c) {
            RopeScaling r = c.ropeScaling();
            Rope rope = r == null ? null : new Rope("llama3", null, null, r.factor(), r.lowFreqFactor(),
                    r.highFreqFactor(), r.originalMaxPositions());
            return new HfConfig(List.of("LlamaForCausalLM"), "llama", c.vocabSize(), c.hiddenSize(),
                    c.intermediateSize(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), "silu", c.rmsNormEps(),
                    c.ropeTheta(), rope, null, c.tieWordEmbeddings(), c.maxPositions(), c.bosTokenId(),
                    JSON.valueToTree(c.eosTokenIds()), false, false, c.dtype(), null);
        }

        LlamaConfig toConfig(String where) throws BadInputException {
            String type = modelType == null ? "" : modelType;
            if (!type.equals("llama")) {
                throw new BadInputException(where + ": model_type: '" + type + "' is not supported (only 'llama')");
            }
            int hidden = positive(hiddenSize, "hidden_size", where);
            int h = positive(heads, "num_attention_heads", where);
            int kv = kvHeads == null ? h : positive(kvHeads, "num_key_value_heads", where);
            if (h % kv != 0) {
                throw new BadInputException(where + ": num_key_value_heads: " + kv + " does not divide "
                        + "num_attention_heads " + h);
            }
            int dim;
            if (headDim != null) {
                dim = positive(headDim, "head_dim", where);
            } else if (hidden % h == 0) {
                dim = hidden / h;
            } else {
                throw new BadInputException(where + ": hidden_size " + hidden + " is not a multiple of "
                        + "num_attention_heads " + h + " and head_dim is not given");
            }
            Rope rope = ropeParameters != null ? ropeParameters : ropeScaling;
            double theta = ropeParameters != null
                    ? (ropeParameters.ropeTheta() == null ? 10000.0 : ropeParameters.ropeTheta())
                    : ropeTheta == null ? 10000.0 : ropeTheta;
            RopeScaling scaling = null;
            if (rope != null && rope.kind().equals("llama3")) {
                scaling = new RopeScaling(orZero(rope.factor()), orZero(rope.lowFreqFactor()),
                        orZero(rope.highFreqFactor()),
                        rope.originalMaxPositions() == null ? 0 : rope.originalMaxPositions());
                if (!(scaling.factor() > 0) || !(scaling.highFreqFactor() > scaling.lowFreqFactor())
                        || scaling.originalMaxPositions() <= 0) {
                    throw new BadInputException(where + ": rope scaling: llama3 needs factor > 0, high_freq_factor > "
                            + "low_freq_factor and original_max_position_embeddings");
                }
            } else if (rope != null && !rope.kind().equals("default")) {
                throw new BadInputException(where + ": rope scaling type '" + rope.kind() + "' is not supported");
            }
            List<Integer> eos = new ArrayList<>();
            if (eosTokenId != null && eosTokenId.isArray()) {
                eosTokenId.forEach(x -> eos.add(x.asInt()));
            } else if (eosTokenId != null && eosTokenId.isInt()) {
                eos.add(eosTokenId.asInt());
            }
            return new LlamaConfig(positive(vocabSize, "vocab_size", where), hidden,
                    positive(intermediateSize, "intermediate_size", where),
                    positive(layers, "num_hidden_layers", where), h, kv, dim,
                    rmsNormEps == null ? 1e-6 : rmsNormEps, theta, scaling,
                    tieWordEmbeddings != null && tieWordEmbeddings, maxPositions == null ? 2048 : maxPositions,
                    bosTokenId == null ? -1 : bosTokenId, List.copyOf(eos),
                    dtype != null ? dtype : torchDtype != null ? torchDtype : "float32");
        }

        private static double orZero(Double d) {
            return d == null ? 0 : d;
        }

        private static int positive(Integer v, String key, String where) throws BadInputException {
            if (v == null) {
                throw new BadInputException(where + ": " + key + ": missing");
            }
            if (v <= 0) {
                throw new BadInputException(where + ": " + key + ": must be a positive integer");
            }
            return v;
        }
    }
}
