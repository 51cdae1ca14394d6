package org.asynclm.model.llama;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.DType;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.BadInputException;

/**
 * Llama for fine-tuning. {@link #load}: every weight is a trainable array under its transformers name and shape
 * (full fine-tuning); {@link #withAdapter}: the base is frozen and only a LoRA adapter's factors train, under
 * PEFT's names. {@link #logits} is the same computation as {@link Llama#forwardPacked} kept differentiable (the
 * embedding is a gather, the scalars are native constants). Tied embeddings stay one array.
 */
public final class TrainableLlama implements AutoCloseable {
    private final LlamaConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final Map<String, NDArray> trainable;
    private final boolean lora;
    private final NDArray loraScale;
    private final LlamaOps ops;
    private final double[] inverseFrequencies;
    /** Under LoRA with trainable tokens: a one-hot [rows, vocab] and the base's values of those rows; else null. */
    private final NDArray tokenSelect;
    private final NDArray baseRows;
    private final FusedAttention fused;
    /** FUSED unless a test asks for the explicit formula, the reference the fused kernel is checked against. */
    private Attention attention = Attention.FUSED;

    /** How attention is computed in training: both give the same values and gradients (to 1e-5, tested). */
    public enum Attention {
        /** PyTorch's scaled_dot_product_attention through TorchScript, one example of a packed row at a time. */
        FUSED,
        /** softmax(q·kᵀ/√d + block mask)·v over the whole packed row, as inference computes it. */
        EXPLICIT
    }

    /** {@code adapter} null: full fine-tuning. */
    private TrainableLlama(LlamaConfig config, NDManager manager, Map<String, NDArray> weights,
                           Map<String, NDArray> trainable, LoraAdapter adapter) {
        this.config = config;
        this.manager = manager;
        this.weights = weights;
        this.trainable = Collections.unmodifiableMap(trainable);
        this.lora = adapter != null;
        this.loraScale = manager.full(new Shape(), lora ? (float) adapter.scale() : 0f, DataType.FLOAT32);
        this.ops = LlamaOps.create(config, manager);
        this.inverseFrequencies = Rope.inverseFrequencies(config);
        this.fused = FusedAttention.load((PtNDManager) manager, config);
        NDArray rows = trainable.get(LoraAdapter.TOKEN_ROWS);
        if (rows == null) {
            tokenSelect = null;
            baseRows = null;
        } else {
            int[] ids = adapter.tokenIds(); // factors() has read and checked the rows themselves
            float[] oneHot = new float[ids.length * config.vocabSize()];
            for (int k = 0; k < ids.length; k++) {
                oneHot[k * config.vocabSize() + ids[k]] = 1;
            }
            tokenSelect = manager.create(oneHot, new Shape(ids.length, config.vocabSize()));
            baseRows = tokenSelect.matMul(weights.get("model.embed_tokens.weight"));
        }
    }

    /** Full fine-tuning: every weight trains. */
    public static TrainableLlama load(Path dir, Device device) throws BadInputException {
        return open(dir, null, device);
    }

    /** LoRA: the base at {@code dir} is frozen; the factors of the adapter at {@code adapterDir} train. */
    public static TrainableLlama withAdapter(Path dir, Path adapterDir, Device device) throws BadInputException {
        return open(dir, LoraAdapter.load(adapterDir), device);
    }

    private static TrainableLlama open(Path dir, LoraAdapter adapter, Device device) throws BadInputException {
        LlamaConfig c = LlamaConfig.read(dir.resolve("config.json"));
        WeightFiles ck = WeightFiles.open(dir);
        NDManager m = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes(c).entrySet()) {
                weights.put(e.getKey(), m.create(ck.floats(e.getKey(), e.getValue()), new Shape(e.getValue())));
            }
            Map<String, NDArray> trainable = adapter == null ? weights : factors(adapter, c, m);
            trainable.values().forEach(p -> p.setRequiresGradient(true));
            return new TrainableLlama(c, m, weights, trainable, adapter);
        } catch (BadInputException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The adapter's factors for the model's projections, by PEFT name; every factor must find its projection. */
    private static Map<String, NDArray> factors(LoraAdapter adapter, LlamaConfig c, NDManager m)
            throws BadInputException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < c.layers(); i++) {
            for (String proj : LlamaConfig.PROJECTIONS) {
                String weight = LlamaConfig.projectionWeight(i, proj);
                int[] shape = c.projectionShape(proj);
                var f = adapter.factors(weight, shape[0], shape[1]);
                if (f.isPresent()) {
                    out.put(LoraAdapter.factorName(weight, 'A'), m.create(f.get().a(), new Shape(f.get().rank(), shape[1])));
                    out.put(LoraAdapter.factorName(weight, 'B'), m.create(f.get().b(), new Shape(shape[0], f.get().rank())));
                }
            }
        }
        adapter.checkAllUsed(out.size() / 2, c);
        var rows = adapter.tokenRows(c.vocabSize(), c.hiddenSize());
        if (rows.isPresent()) {
            out.put(LoraAdapter.TOKEN_ROWS, m.create(rows.get().values(),
                    new Shape(rows.get().ids().length, c.hiddenSize())));
        }
        return out;
    }

    /** Every weight's name and shape as transformers' LlamaForCausalLM has them. */
    static Map<String, long[]> shapes(LlamaConfig c) {
        long h = c.hiddenSize();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.layers(); i++) {
            out.put("model.layers." + i + ".input_layernorm.weight", new long[] {h});
            out.put("model.layers." + i + ".post_attention_layernorm.weight", new long[] {h});
            for (String proj : LlamaConfig.PROJECTIONS) {
                int[] s = c.projectionShape(proj);
                out.put(LlamaConfig.projectionWeight(i, proj), new long[] {s[0], s[1]});
            }
        }
        out.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            out.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return out;
    }

    public LlamaConfig config() {
        return config;
    }

    /** Chooses the attention kernel; returns this. */
    public TrainableLlama withAttention(Attention kind) {
        this.attention = kind;
        return this;
    }

    /** What trains: every weight by transformers name, or the LoRA factors by PEFT name; in checkpoint order. */
    public Map<String, NDArray> parameters() {
        return trainable;
    }

    /**
     * Logits [tokens, vocab] of a packed row: {@code examples[i]} is token i's example, positions restart for each
     * and attention stays inside it. Arrays made here belong to the caller's NDScope.
     */
    public NDArray logits(int[] ids, int[] examples) {
        return forward(ids, examples, 0);
    }

    /**
     * {@link #logits} as training sees them: under LoRA with {@code loraDropout} > 0 the adapter's input drops units
     * (as PEFT's lora_dropout), drawn from the engine's generator seeded with {@code seed}, so a step can be repeated.
     */
    public NDArray trainingLogits(int[] ids, int[] examples, double loraDropout, long seed) {
        if (loraDropout > 0 && lora) {
            Engine.getInstance().setRandomSeed((int) seed ^ (int) (seed >>> 32));
        }
        return forward(ids, examples, lora ? loraDropout : 0);
    }

    private NDArray forward(int[] ids, int[] examples, double dropout) {
        int t = ids.length;
        long[] rows = new long[t];
        for (int i = 0; i < t; i++) {
            rows[i] = ids[i];
        }
        NDArray table = embeddingTable();
        // torch's embedding: a row lookup whose backward scatters into the table (a gather needs a [t, h] index)
        NDArray x = table.getNDArrayInternal().embedding(manager.create(rows, new Shape(t)), table,
                SparseFormat.DENSE).singletonOrThrow();
        NDArray[] rope = ops.ropeTables(manager, inverseFrequencies, LlamaOps.positions(examples));
        NDArray mask = attention == Attention.EXPLICIT
                ? manager.create(LlamaOps.blockCausalMask(examples), new Shape(1, t, t)) : null;
        for (int l = 0; l < config.layers(); l++) {
            String n = "model.layers." + l + ".";
            NDArray normed = ops.rmsNorm(x, p(n + "input_layernorm.weight"));
            NDArray q = proj(normed, l, "q_proj", dropout).reshape(t, config.heads(), config.headDim());
            NDArray k = proj(normed, l, "k_proj", dropout).reshape(t, config.kvHeads(), config.headDim());
            NDArray v = proj(normed, l, "v_proj", dropout).reshape(t, config.kvHeads(), config.headDim());
            NDArray qr = ops.rope(q, rope[0], rope[1]);
            NDArray kr = ops.rope(k, rope[0], rope[1]);
            NDArray attended = mask != null ? ops.attention(qr, kr, v, mask) : fused.attend(qr, kr, v, examples);
            x = x.add(proj(attended, l, "o_proj", dropout));
            NDArray post = ops.rmsNorm(x, p(n + "post_attention_layernorm.weight"));
            NDArray gate = proj(post, l, "gate_proj", dropout);
            x = x.add(proj(ops.silu(gate).mul(proj(post, l, "up_proj", dropout)), l, "down_proj", dropout));
        }
        NDArray head = config.tieWordEmbeddings() ? table : p("lm_head.weight");
        return ops.rmsNorm(x, p("model.norm.weight")).matMul(head.transpose());
    }

    /** The embedding, with the adapter's trainable rows written in (as a sum, so gradients reach them). */
    private NDArray embeddingTable() {
        NDArray base = p("model.embed_tokens.weight");
        if (tokenSelect == null) {
            return base;
        }
        return base.add(tokenSelect.transpose().matMul(trainable.get(LoraAdapter.TOKEN_ROWS).sub(baseRows)));
    }

    private NDArray p(String name) {
        return weights.get(name);
    }

    /** x·Wᵀ for a layer's projection, plus s·(x·Aᵀ)·Bᵀ when it has LoRA factors. */
    private NDArray proj(NDArray x, int layer, String projection, double dropout) {
        String weight = LlamaConfig.projectionWeight(layer, projection);
        NDArray y = x.matMul(p(weight).transpose());
        if (!lora) {
            return y;
        }
        NDArray a = trainable.get(LoraAdapter.factorName(weight, 'A'));
        if (a == null) {
            return y;
        }
        NDArray in = dropout > 0 ? x.mul(dropoutMask(x.getShape(), dropout)) : x;
        return y.add(in.matMul(a.transpose()).matMul(trainable.get(LoraAdapter.factorName(weight, 'B')).transpose())
                .mul(loraScale));
    }

    /** Kept units scaled by 1 / (1 - p), dropped ones 0; a constant to the graph, so no gradient flows through it. */
    private NDArray dropoutMask(Shape shape, double p) {
        return manager.randomUniform(0f, 1f, shape).gte(p).toType(DataType.FLOAT32, false).mul(1 / (1 - p));
    }

    /** Writes the weights as {@code model.safetensors} (f32) into {@code dir}. */
    public void writeWeights(Path dir) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        weights.forEach((name, p) -> tensors.put(name,
                new Safetensors.Tensor(DType.F32, p.getShape().getShape(), p.toFloatArray())));
        Safetensors.write(dir.resolve(WeightFiles.SINGLE), tensors, Map.of("format", "pt"));
    }

    /** Writes the LoRA factors as PEFT's {@code adapter_model.safetensors} into {@code dir}. */
    public void writeAdapterWeights(Path dir) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        trainable.forEach((name, p) -> tensors.put(name,
                new Safetensors.Tensor(DType.F32, p.getShape().getShape(), p.toFloatArray())));
        Safetensors.write(dir.resolve(LoraAdapter.WEIGHTS), tensors, Map.of("format", "pt"));
    }

    public Device device() {
        return manager.getDevice();
    }

    /** True when only LoRA factors train. */
    public boolean isLora() {
        return lora;
    }

    @Override
    public void close() {
        fused.close();
        manager.close();
    }
}
