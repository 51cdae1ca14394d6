package org.asynclm.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynclm.model.llama.LlamaConfig;
import org.asynclm.model.safetensors.DType;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.TensorInfo;
import org.asynclm.runtime.BadInputException;

/**
 * A LoRA adapter as PEFT saves it ({@code adapter_config.json} and {@code adapter_model.safetensors}): for each
 * targeted projection W [out, in] two factors A [r, in] and B [out, r], and the update s·B·A with
 * s = lora_alpha / r, or lora_alpha / √r with {@code use_rslora}. Only what this Llama applies is accepted: plain
 * LoRA on the seven linear projections, one rank and alpha for all of them; anything else is refused by name
 * rather than silently ignored.
 */
public final class LoraAdapter {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final List<String> PROJECTIONS = LlamaConfig.PROJECTIONS;

    private static final Pattern TENSOR =
            Pattern.compile("base_model\\.model\\.(model\\.layers\\.\\d+\\.(?:self_attn|mlp)\\.(\\w+))\\.lora_([AB])\\.weight");

    /** The two factors of one projection's update, row-major. */
    public record Factors(float[] a, float[] b, int rank) {
    }

    /** PEFT's name for the new values of the embedding rows an adapter trains ({@code trainable_token_indices}). */
    public static final String TOKEN_ROWS = "base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta";

    /**
     * Embedding rows the adapter replaces (PEFT's trainable tokens): {@code values} [ids, hidden] row-major are the
     * rows' new values, not a difference. A tied lm head takes them too.
     */
    public record TokenRows(int[] ids, float[] values) {
    }

    private final Path dir;
    private final int rank;
    private final double scale;
    private final List<String> targets;
    private final Map<String, TensorInfo> tensors;
    private final int[] tokenIds;

    private LoraAdapter(Path dir, int rank, double scale, List<String> targets, Map<String, TensorInfo> tensors,
                        int[] tokenIds) {
        this.dir = dir;
        this.rank = rank;
        this.scale = scale;
        this.targets = targets;
        this.tensors = tensors;
        this.tokenIds = tokenIds;
    }

    public static LoraAdapter load(Path dir) throws BadInputException {
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new BadInputException(dir + ": no " + CONFIG + " (not a PEFT adapter directory)");
        }
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(configFile.toFile());
        } catch (IOException e) {
            throw new BadInputException(configFile + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        String where = configFile + ": ";
        if (!c.path("peft_type").asText().equals("LORA")) {
            throw new BadInputException(where + "peft_type: '" + c.path("peft_type").asText() + "', only LORA is supported");
        }
        if (!c.path("r").canConvertToInt() || c.path("r").asInt() <= 0) {
            throw new BadInputException(where + "r: must be a positive integer, got " + c.path("r"));
        }
        if (!c.path("lora_alpha").isNumber()) {
            throw new BadInputException(where + "lora_alpha: must be a number, got " + c.path("lora_alpha"));
        }
        refuse(c, where, "use_dora", n -> n.asBoolean(), "DoRA is not supported");
        refuse(c, where, "fan_in_fan_out", n -> n.asBoolean(), "only fan_in_fan_out=false (Linear layers) is supported");
        refuse(c, where, "bias", n -> !n.isNull() && !n.asText().equals("none"), "only bias=none is supported");
        refuse(c, where, "modules_to_save", n -> !n.isNull() && !n.isEmpty(), "extra trained modules are not supported");
        int[] tokenIds = tokenIndices(c.path("trainable_token_indices"), where);
        refuse(c, where, "rank_pattern", n -> !n.isNull() && !n.isEmpty(), "per-module ranks are not supported");
        refuse(c, where, "alpha_pattern", n -> !n.isNull() && !n.isEmpty(), "per-module alphas are not supported");
        // options PEFT saves that change which weights an adapter touches or how: each would be applied wrongly
        refuse(c, where, "layers_to_transform", n -> !n.isNull() && !(n.isArray() && n.isEmpty()),
                "adapting only some layers is not supported");
        refuse(c, where, "layers_pattern", n -> !n.isNull() && !(n.isArray() && n.isEmpty()),
                "adapting only some layers is not supported");
        refuse(c, where, "exclude_modules", n -> !n.isNull() && !(n.isArray() && n.isEmpty()),
                "excluding modules is not supported");
        refuse(c, where, "layer_replication", n -> !n.isNull() && !(n.isArray() && n.isEmpty()),
                "layer replication is not supported");
        refuse(c, where, "use_qalora", JsonNode::asBoolean, "QALoRA is not supported");
        refuse(c, where, "lora_bias", JsonNode::asBoolean, "a LoRA bias term is not supported");
        refuse(c, where, "target_parameters", n -> !n.isNull() && !(n.isArray() && n.isEmpty()),
                "adapting parameters (rather than modules) is not supported");
        List<String> targets = targets(c.path("target_modules"), where);
        int rank = c.get("r").asInt();
        double alpha = c.get("lora_alpha").asDouble();
        double scale = c.path("use_rslora").asBoolean() ? alpha / Math.sqrt(rank) : alpha / rank;

        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new BadInputException(dir + ": no " + WEIGHTS);
        }
        Map<String, TensorInfo> tensors = Safetensors.index(weights);
        for (String name : tensors.keySet()) {
            if (name.equals(TOKEN_ROWS) && tokenIds.length > 0) {
                continue;
            }
            Matcher m = TENSOR.matcher(name);
            if (!m.matches() || !targets.contains(m.group(2))) {
                throw new BadInputException(weights + ": tensor '" + name + "' is not a LoRA factor of a target in "
                        + CONFIG + " " + targets);
            }
        }
        if (tokenIds.length > 0 && !tensors.containsKey(TOKEN_ROWS)) {
            throw new BadInputException(weights + ": tensor '" + TOKEN_ROWS + "' is missing (" + CONFIG
                    + " names trainable_token_indices)");
        }
        return new LoraAdapter(dir, rank, scale, targets, tensors, tokenIds);
    }

    /** PEFT's trainable_token_indices: a list of ids, or {"embed_tokens": [ids]}; absent or null: none. */
    private static int[] tokenIndices(JsonNode n, String where) throws BadInputException {
        if (n.isMissingNode() || n.isNull()) {
            return new int[0];
        }
        JsonNode list = n;
        if (n.isObject()) {
            if (n.size() != 1 || !n.has("embed_tokens")) {
                throw new BadInputException(where + "trainable_token_indices: " + n + ": only embed_tokens rows are "
                        + "supported");
            }
            list = n.get("embed_tokens");
        }
        if (!list.isArray()) {
            throw new BadInputException(where + "trainable_token_indices: must be a list of token ids, got " + n);
        }
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!list.get(i).canConvertToInt() || list.get(i).asInt() < 0) {
                throw new BadInputException(where + "trainable_token_indices: " + list.get(i) + " is not a token id");
            }
            ids[i] = list.get(i).asInt();
        }
        return ids;
    }

    /** The token ids whose embedding rows the adapter replaces (PEFT's trainable_token_indices); empty if none. */
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    /** The embedding rows the adapter replaces, checked against the model's vocabulary and width; empty if none. */
    public Optional<TokenRows> tokenRows(int vocabSize, int hidden) throws BadInputException {
        if (tokenIds.length == 0) {
            return Optional.empty();
        }
        for (int id : tokenIds) {
            if (id >= vocabSize) {
                throw new BadInputException(dir.resolve(CONFIG) + ": trainable_token_indices: " + id
                        + " is outside the model's vocabulary of " + vocabSize);
            }
        }
        return Optional.of(new TokenRows(tokenIds.clone(), factor(TOKEN_ROWS, tokenIds.length, hidden)));
    }

    private interface Check {
        boolean bad(JsonNode value);
    }

    private static void refuse(JsonNode c, String where, String key, Check bad, String why) throws BadInputException {
        JsonNode v = c.path(key);
        if (!v.isMissingNode() && bad.bad(v)) {
            throw new BadInputException(where + key + ": " + v + ": " + why);
        }
    }

    private static List<String> targets(JsonNode node, String where) throws BadInputException {
        if (!node.isArray() || node.isEmpty()) {
            throw new BadInputException(where + "target_modules: must be a non-empty list of " + PROJECTIONS
                    + ", got " + node);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : node) {
            if (!PROJECTIONS.contains(t.asText())) {
                throw new BadInputException(where + "target_modules: '" + t.asText() + "' is not one of " + PROJECTIONS);
            }
            out.add(t.asText());
        }
        return List.copyOf(out);
    }

    /**
     * Writes a new adapter for a model with config {@code c} as PEFT initialises one: A uniform in ±1/√in (Kaiming
     * uniform with a = √5), B zero, so training starts from the base model's outputs. Random draws come from
     * {@code seed}.
     */
    public static void init(Path dir, LlamaConfig c, int rank, double alpha, double dropout,
                            List<String> targets, long seed) throws IOException {
        init(dir, c, rank, alpha, dropout, targets, seed, null);
    }

    /** With {@code tokens} (may be null): embedding rows that train too, starting from the given values. */
    public static void init(Path dir, LlamaConfig c, int rank, double alpha, double dropout,
                            List<String> targets, long seed, TokenRows tokens) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (int layer = 0; layer < c.layers(); layer++) {
            for (String t : PROJECTIONS) { // in this order whatever the order of targets, for the same draws
                if (!targets.contains(t)) {
                    continue;
                }
                int out = c.projectionShape(t)[0];
                int in = c.projectionShape(t)[1];
                float[] a = new float[rank * in];
                double bound = 1 / Math.sqrt(in);
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
                }
                String weight = LlamaConfig.projectionWeight(layer, t);
                tensors.put(factorName(weight, 'A'), new Safetensors.Tensor(DType.F32, new long[] {rank, in}, a));
                tensors.put(factorName(weight, 'B'),
                        new Safetensors.Tensor(DType.F32, new long[] {out, rank}, new float[out * rank]));
            }
        }
        if (tokens != null) {
            tensors.put(TOKEN_ROWS, new Safetensors.Tensor(DType.F32, new long[] {tokens.ids().length,
                c.hiddenSize()}, tokens.values()));
        }
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        var config = new ObjectMapper().createObjectNode();
        config.put("peft_type", "LORA").put("task_type", "CAUSAL_LM").put("r", rank).put("lora_alpha", alpha)
                .put("lora_dropout", dropout).put("bias", "none").put("fan_in_fan_out", false).put("use_rslora", false)
                .put("use_dora", false).put("init_lora_weights", true);
        targets.forEach(config.putArray("target_modules")::add);
        if (tokens != null) {
            Arrays.stream(tokens.ids()).forEach(config.putArray("trainable_token_indices")::add);
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(), config);
    }

    public Path dir() {
        return dir;
    }

    public int rank() {
        return rank;
    }

    /** lora_alpha / r, or lora_alpha / √r for rank-stabilised LoRA. */
    public double scale() {
        return scale;
    }

    public List<String> targets() {
        return targets;
    }

    /** How many projections the adapter updates (two tensors each). */
    public int projectionCount() {
        return (tensors.size() - (tensors.containsKey(TOKEN_ROWS) ? 1 : 0)) / 2;
    }

    /**
     * The factors for a base weight such as {@code model.layers.0.self_attn.q_proj.weight} of shape [out, in], or
     * empty when the adapter leaves it alone. A targeted projection must have both factors in every layer.
     */
    public Optional<Factors> factors(String weightName, int out, int in) throws BadInputException {
        String module = weightName.substring(0, weightName.length() - ".weight".length());
        String projection = module.substring(module.lastIndexOf('.') + 1);
        if (!targets.contains(projection)) {
            return Optional.empty();
        }
        float[] a = factor(factorName(weightName, 'A'), rank, in);
        float[] b = factor(factorName(weightName, 'B'), out, rank);
        return Optional.of(new Factors(a, b, rank));
    }

    /** PEFT's name for factor A or B of a base weight: {@code base_model.model.<module>.lora_A.weight}. */
    public static String factorName(String weightName, char factor) {
        String module = weightName.substring(0, weightName.length() - ".weight".length());
        return "base_model.model." + module + ".lora_" + factor + ".weight";
    }

    /** Refuses an adapter with factors for projections the model does not have (made for a deeper model). */
    public void checkAllUsed(int projectionsFound, LlamaConfig model) throws BadInputException {
        if (projectionsFound != projectionCount()) {
            throw new BadInputException(dir.resolve(WEIGHTS) + ": updates " + projectionCount()
                    + " projections but this " + model.layers() + "-layer model has " + projectionsFound
                    + " of them (adapter made for another model?)");
        }
    }

    private float[] factor(String name, long rows, long cols) throws BadInputException {
        TensorInfo t = tensors.get(name);
        Path file = dir.resolve(WEIGHTS);
        if (t == null) {
            throw new BadInputException(file + ": tensor '" + name + "' is missing");
        }
        long[] expected = {rows, cols};
        if (!Arrays.equals(t.shape(), expected)) {
            throw new BadInputException(file + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expected));
        }
        return Safetensors.readFloats(t);
    }
}
