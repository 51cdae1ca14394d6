package org.asynclm.model.llama;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.DType;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.config.ConfigName;

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
    /**
     * Under LoRA with trainable tokens: their ids, a one-hot [rows, vocab] and the base's values of those rows; else
     * null. The trained rows enter as a difference from the base's, at the lookup and at a tied head, so that no
     * [vocab, hidden] table is built and the frozen embedding gets no gradient.
     */
    private final int[] tokenIds;
    private final NDArray tokenSelect;
    private final NDArray baseRows;
    private final FusedAttention fused;
    /** The projection for a base whose projections are fp16; else null. */
    private final HalfLinear half;
    /** FUSED unless a test asks for the explicit formula, the reference the fused kernel is checked against. */
    private Attention attention = Attention.FUSED;

    /**
     * How a LoRA run stores its frozen base's seven projections: fp32, or fp16 (half their memory; on a GPU the fast
     * path), the activations, norms, embedding and adapter staying fp32. Full fine-tuning is fp32.
     */
    public enum BasePrecision implements ConfigName { FP32, FP16 }

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
        this.half = weights.get(LlamaConfig.projectionWeight(0, "q_proj")).getDataType() == DataType.FLOAT16
                ? HalfLinear.load((PtNDManager) manager) : null;
        NDArray rows = trainable.get(LoraAdapter.TOKEN_ROWS);
        if (rows == null) {
            tokenIds = null;
            tokenSelect = null;
            baseRows = null;
        } else {
            tokenIds = adapter.tokenIds(); // factors() has read and checked the rows themselves
            tokenSelect = manager.create(oneHot(tokenIds, config.vocabSize()),
                    new Shape(tokenIds.length, config.vocabSize()));
            baseRows = tokenSelect.matMul(weights.get("model.embed_tokens.weight"));
        }
    }

    /** Full fine-tuning: every weight trains. */
    public static TrainableLlama load(Path dir, Device device) throws BadInputException {
        return open(dir, null, BasePrecision.FP32, device);
    }

    /** LoRA: the base at {@code dir} is frozen; the factors of the adapter at {@code adapterDir} train. */
    public static TrainableLlama withAdapter(Path dir, Path adapterDir, Device device) throws BadInputException {
        return withAdapter(dir, adapterDir, BasePrecision.FP32, device);
    }

    /** LoRA on a base whose projections are held in {@code precision}. */
    public static TrainableLlama withAdapter(Path dir, Path adapterDir, BasePrecision precision, Device device)
            throws BadInputException {
        return open(dir, LoraAdapter.load(adapterDir), precision, device);
    }

    /**
     * Random weights in {@code c}'s shapes, made on the device (normal with std 0.02 as transformers initialises a
     * Llama, norms 1), for measuring memory and speed at a real model's shapes without its weights. {@code adapterDir}
     * null: full fine-tuning (in fp32, whatever {@code precision} says).
     */
    public static TrainableLlama random(LlamaConfig c, long seed, Path adapterDir, BasePrecision precision,
                                        Device device) throws BadInputException {
        Engine.getInstance().setRandomSeed((int) seed);
        LoraAdapter adapter = adapterDir == null ? null : LoraAdapter.load(adapterDir);
        return build(c, adapter, adapter == null ? BasePrecision.FP32 : precision, device, (m, name, shape) ->
                shape.length == 1 ? m.ones(new Shape(shape)) : m.randomNormal(0f, 0.02f, new Shape(shape),
                        DataType.FLOAT32));
    }

    private static TrainableLlama open(Path dir, LoraAdapter adapter, BasePrecision precision, Device device)
            throws BadInputException {
        LlamaConfig c = LlamaConfig.read(dir.resolve("config.json"));
        WeightFiles ck = WeightFiles.open(dir);
        return build(c, adapter, precision, device,
                (m, name, shape) -> m.create(ck.floats(name, shape), new Shape(shape)));
    }

    /** Where the base's weights come from: a checkpoint's files, or a random draw. */
    @FunctionalInterface
    private interface WeightSource {
        NDArray weight(NDManager m, String name, long[] shape) throws BadInputException;
    }

    private static TrainableLlama build(LlamaConfig c, LoraAdapter adapter, BasePrecision precision, Device device,
                                        WeightSource source) throws BadInputException {
        if (adapter == null && precision != BasePrecision.FP32) {
            throw new IllegalArgumentException("full fine-tuning trains every weight in fp32");
        }
        Denormals.applyToThisThread(); // before libtorch's first operation here starts its workers
        NDManager m = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes(c).entrySet()) {
                NDArray w = source.weight(m, e.getKey(), e.getValue());
                if (precision == BasePrecision.FP16 && e.getKey().endsWith("_proj.weight")) {
                    NDArray narrow = w.toType(DataType.FLOAT16, false); // frozen: there is no gradient to keep
                    w.close();
                    w = narrow;
                }
                weights.put(e.getKey(), w);
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

    /** A weight of the base by its transformers name, as it is held (a frozen projection may be fp16). */
    public NDArray baseWeight(String name) {
        NDArray w = weights.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no weight " + name);
        }
        return w;
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
        return forward(ids, examples, 0, 0);
    }

    /**
     * {@link #logits} as training sees them: under LoRA with {@code loraDropout} > 0 the adapter's input drops units
     * (as PEFT's lora_dropout), drawn from the engine's generator seeded from {@code seed} and the layer, so a step
     * can be repeated and a layer recomputed in backward drops the same units.
     */
    public NDArray trainingLogits(int[] ids, int[] examples, double loraDropout, long seed) {
        return forward(ids, examples, lora ? loraDropout : 0, seed);
    }

    private NDArray forward(int[] ids, int[] examples, double dropout, long seed) {
        Denormals.applyToThisThread();
        Row row = new Row(examples, dropout, seed);
        NDArray x = embed(ids);
        for (int l = 0; l < config.layers(); l++) {
            x = scopedLayer(x, l, row);
        }
        return logitsOf(norm(x));
    }

    /**
     * One training pass over a packed row: forward, {@code loss} on its logits, and backward, the gradients
     * accumulating on {@link #parameters()}. Returns the loss. {@code memory} chooses what is kept between forward
     * and backward; the gradients are the same either way (tested to 1e-5). Call it with gradients recorded (inside
     * a GradientCollector); arrays made here belong to the caller's NDScope.
     */
    public double backward(int[] ids, int[] examples, double loraDropout, long seed, Memory memory, RowLoss loss) {
        Denormals.applyToThisThread();
        Row row = new Row(examples, lora ? loraDropout : 0, seed);
        NDArray x0 = embed(ids);
        NDArray top;
        List<NDArray> inputs = new ArrayList<>();
        if (memory.checkpointLayers()) {
            // keep only each layer's input; a layer's insides are recomputed in backward, one layer at a time
            JniUtils.setGradMode(false);
            try {
                NDArray x = x0.stopGradient();
                for (int l = 0; l < config.layers(); l++) {
                    inputs.add(x);
                    x = scopedLayer(x, l, row);
                }
                top = x;
            } finally {
                JniUtils.setGradMode(true);
            }
        } else {
            top = x0;
            for (int l = 0; l < config.layers(); l++) {
                top = scopedLayer(top, l, row);
            }
        }
        if (!memory.checkpointLayers() && memory.lossChunk() == 0) { // nothing to cut: one backward over the graph
            NDArray l = headLoss(norm(top), loss, 0, loss.positions().length);
            backwardFrom(l, null);
            return l.getFloat();
        }
        NDArray topLeaf = leafCopy(top);
        double value = headBackward(topLeaf, memory.lossChunk(), loss);
        NDArray upstream = topLeaf.getGradient();
        if (memory.checkpointLayers()) {
            for (int l = config.layers() - 1; l >= 0; l--) {
                NDArray in = leafCopy(inputs.get(l));
                NDArray gradient;
                try (NDScope recompute = new NDScope()) { // the recomputed insides go as soon as they are used
                    backwardFrom(layer(in, l, row), upstream);
                    gradient = in.getGradient();
                    NDScope.unregister(gradient);
                }
                NDScope.register(gradient);
                upstream = gradient;
            }
            if (!lora || tokenSelect != null) { // the embedding trains: not so under LoRA without token rows
                backwardFrom(x0, upstream);
            }
        } else {
            backwardFrom(top, upstream);
        }
        return value;
    }

    /** What a training step keeps for backward. Every choice computes the same gradients. */
    public record Memory(boolean checkpointLayers, int lossChunk) {
        /** Everything kept, the logits of the whole row at once: the fastest, and the most memory. */
        public static final Memory KEEP_ALL = new Memory(false, 0);

        public Memory {
            if (lossChunk < 0) {
                throw new IllegalArgumentException("lossChunk must be 0 (the whole row) or positive");
            }
        }
    }

    /**
     * A loss on the logits of some of the row's positions, as a scalar. Only those positions' logits are computed:
     * a masked trace trains about a fifth of its tokens, so the head over the rest was wasted (a tenth of the
     * quickstart's step on 2 cores; at Llama 3.2 1B's shape a fifth of the step, and over its 128,256 tokens the
     * largest arrays of any).
     */
    public interface RowLoss {
        /** The positions whose logits the loss reads, ascending and at least one. */
        int[] positions();

        /** The loss on the logits [n, vocab] of {@code positions()[from .. from + n − 1]}; stretches add up. */
        NDArray of(NDArray logits, int from);

        /** Rows {@code positions[from .. to − 1]} of x, by torch's indexing (its backward scatters them back). */
        static NDArray rowsAt(NDManager m, NDArray x, int[] positions, int from, int to) {
            long[] picked = new long[to - from];
            for (int k = 0; k < picked.length; k++) {
                picked[k] = positions[from + k];
            }
            return x.get(new NDIndex("{}", m.create(picked)));
        }
    }

    /**
     * The final norm, the head and the loss, backward into {@code top} (and into the head if it trains). With
     * {@code chunk} > 0 the logits of at most {@code chunk} of the loss's positions exist at a time, each stretch's
     * backward done before the next stretch is computed: over Llama 3's 128,256 tokens a row of 2,048 has a gigabyte
     * of logits and as much again of their gradient.
     */
    private double headBackward(NDArray top, int chunk, RowLoss loss) {
        int t = loss.positions().length;
        NDArray normed = norm(top);
        if (chunk == 0 || chunk >= t) {
            NDArray l = headLoss(normed, loss, 0, t);
            backwardFrom(l, null);
            return l.getFloat();
        }
        // cut after the norm, so that each stretch's backward stops there and the norm's graph is walked once, after
        // the last stretch; the head's weight is a leaf (or frozen), and its gradient adds up stretch by stretch
        NDArray normedLeaf = leafCopy(normed);
        double value = 0;
        for (int from = 0; from < t; from += chunk) {
            try (NDScope stretch = new NDScope()) {
                NDArray l = headLoss(normedLeaf, loss, from, Math.min(t, from + chunk));
                backwardFrom(l, null);
                value += l.getFloat();
            }
        }
        backwardFrom(normed, normedLeaf.getGradient());
        return value;
    }

    /** What a row's layers share: its rope tables, its mask (explicit attention only), and the dropout. */
    private final class Row {
        final int[] examples;
        final NDArray[] rope;
        final NDArray mask;
        final double dropout;
        final long seed;

        Row(int[] examples, double dropout, long seed) {
            int t = examples.length;
            this.examples = examples;
            this.rope = ops.ropeTables(manager, inverseFrequencies, LlamaOps.positions(examples));
            this.mask = attention == Attention.EXPLICIT
                    ? manager.create(LlamaOps.blockCausalMask(examples), new Shape(1, t, t)) : null;
            this.dropout = dropout;
            this.seed = seed;
        }
    }

    /**
     * The embedding of {@code ids}: torch's embedding, a row lookup whose backward scatters into the table (a gather
     * would need a [t, h] index), plus for each trained token its row's difference from the base's.
     */
    private NDArray embed(int[] ids) {
        NDArray table = p("model.embed_tokens.weight");
        long[] rows = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            rows[i] = ids[i];
        }
        NDArray x = table.getNDArrayInternal().embedding(manager.create(rows, new Shape(ids.length)), table,
                SparseFormat.DENSE).singletonOrThrow();
        if (tokenSelect == null) {
            return x;
        }
        float[] which = new float[ids.length * tokenIds.length]; // [t, rows]: token i is trained row k
        for (int i = 0; i < ids.length; i++) {
            for (int k = 0; k < tokenIds.length; k++) {
                which[i * tokenIds.length + k] = ids[i] == tokenIds[k] ? 1 : 0;
            }
        }
        return x.add(manager.create(which, new Shape(ids.length, tokenIds.length)).matMul(rowDelta()));
    }

    /** The trained rows minus the base's [rows, hidden]: on the graph, so the gradient reaches the rows. */
    private NDArray rowDelta() {
        return trainable.get(LoraAdapter.TOKEN_ROWS).sub(baseRows);
    }

    private static float[] oneHot(int[] ids, int vocab) {
        float[] out = new float[ids.length * vocab];
        for (int k = 0; k < ids.length; k++) {
            out[k * vocab + ids[k]] = 1;
        }
        return out;
    }

    /** Decoder layer {@code l} on x [t, hidden]. */
    private NDArray layer(NDArray x, int l, Row row) {
        if (row.dropout > 0) { // seeded per layer, so that a layer recomputed in backward draws the same units
            long s = (row.seed * 1_000_003L + l) * 0x9E3779B97F4A7C15L;
            Engine.getInstance().setRandomSeed((int) s ^ (int) (s >>> 32));
        }
        int t = (int) x.getShape().get(0);
        double dropout = row.dropout;
        String n = "model.layers." + l + ".";
        NDArray normed = ops.rmsNorm(x, p(n + "input_layernorm.weight"));
        NDArray q = proj(normed, l, "q_proj", dropout).reshape(t, config.heads(), config.headDim());
        NDArray k = proj(normed, l, "k_proj", dropout).reshape(t, config.kvHeads(), config.headDim());
        NDArray v = proj(normed, l, "v_proj", dropout).reshape(t, config.kvHeads(), config.headDim());
        NDArray qr = ops.rope(q, row.rope[0], row.rope[1]);
        NDArray kr = ops.rope(k, row.rope[0], row.rope[1]);
        NDArray attended = row.mask != null ? ops.attention(qr, kr, v, row.mask)
                : fused.attend(qr, kr, v, row.examples);
        NDArray h = x.add(proj(attended, l, "o_proj", dropout));
        NDArray post = ops.rmsNorm(h, p(n + "post_attention_layernorm.weight"));
        NDArray gate = proj(post, l, "gate_proj", dropout);
        return h.add(proj(ops.silu(gate).mul(proj(post, l, "up_proj", dropout)), l, "down_proj", dropout));
    }

    /**
     * {@link #layer} whose intermediate arrays are freed when it returns: autograd holds what backward needs, so the
     * rest (and, with the graph off, everything) goes at once.
     */
    private NDArray scopedLayer(NDArray x, int l, Row row) {
        return scoped(() -> layer(x, l, row));
    }

    /** What {@code f} returns, in the caller's scope; the arrays it made on the way are closed. */
    private static NDArray scoped(Supplier<NDArray> f) {
        NDArray out;
        try (NDScope inside = new NDScope()) {
            out = f.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /** {@code loss} on the logits of its positions {@code from .. to − 1}, from the normed hidden states. */
    private NDArray headLoss(NDArray normed, RowLoss loss, int from, int to) {
        return loss.of(logitsOf(RowLoss.rowsAt(manager, normed, loss.positions(), from, to)), from);
    }

    private NDArray norm(NDArray x) {
        return ops.rmsNorm(x, p("model.norm.weight"));
    }

    /**
     * Logits of normed hidden states [n, hidden]. A tied head with trained rows adds their difference from the base's
     * in their own columns: normed·baseᵀ + (normed·Δᵀ)·select, which is normed·(base + selectᵀ·Δ)ᵀ without the table.
     */
    private NDArray logitsOf(NDArray normed) {
        if (!config.tieWordEmbeddings()) {
            return normed.matMul(p("lm_head.weight").transpose());
        }
        if (tokenSelect == null) {
            return normed.matMul(p("model.embed_tokens.weight").transpose());
        }
        return scoped(() -> normed.matMul(p("model.embed_tokens.weight").transpose())  // the two addends go at once
                .add(normed.matMul(rowDelta().transpose()).matMul(tokenSelect)));
    }

    /** The same values with no history: a leaf of the graph that collects its own gradient. */
    private static NDArray leafCopy(NDArray x) {
        NDArray leaf = x.stopGradient();
        leaf.setRequiresGradient(true);
        return leaf;
    }

    /** Backward from {@code out} with {@code upstream} as its gradient (null: out is the scalar loss). */
    private void backwardFrom(NDArray out, NDArray upstream) {
        NDArray seed = upstream != null ? upstream : manager.ones(out.getShape());
        JniUtils.backward((PtNDArray) out, (PtNDArray) seed, false, false);
    }

    private NDArray p(String name) {
        return weights.get(name);
    }

    /** x·Wᵀ for a layer's projection, plus s·(x·Aᵀ)·Bᵀ when it has LoRA factors. */
    private NDArray proj(NDArray x, int layer, String projection, double dropout) {
        String weight = LlamaConfig.projectionWeight(layer, projection);
        NDArray y = half != null ? half.apply(x, p(weight)) : x.matMul(p(weight).transpose());
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
        if (half != null) {
            half.close();
        }
        manager.close();
    }
}
