package org.asynclm.model.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.asynclm.model.lora.LoraAdapter;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.tokens.HfTokenizer;
import org.asynclm.runtime.tokens.Tokenizer;

/**
 * Llama as transformers' {@code LlamaForCausalLM} computes it, on DJL/PyTorch in fp32: embedding; per layer an
 * RMSNorm, grouped-query attention with rotate-half RoPE and a causal mask, a residual, an RMSNorm, a SwiGLU MLP and
 * a residual; a final RMSNorm and the (tied or separate) lm head. A {@link Cache} keeps each layer's keys (after
 * RoPE) and values, so new tokens are appended instead of recomputing the context.
 */
public final class Llama implements AutoCloseable {
    private final LlamaConfig config;
    /** The directory's tokenizer.json, loaded with the weights. */
    private final Tokenizer tokenizer;
    private final NDManager manager;
    private final float[] embedding;
    private final NDArray lmHeadT;
    private LoraAdapter.TokenRows replacedRows;
    private final NDArray finalNorm;
    private final List<Layer> layers;
    private final double[] inverseFrequencies;
    private final LlamaOps ops;

    /** One decoder layer's weights, projections stored transposed for {@code x · Wᵀ}. */
    private record Layer(NDArray inputNorm, NDArray qT, NDArray kT, NDArray vT, NDArray oT, NDArray postNorm,
                         NDArray gateT, NDArray upT, NDArray downT) {

        /** Built from the transposed projections in {@link LlamaConfig#PROJECTIONS} order. */
        static Layer of(NDArray inputNorm, NDArray postNorm, List<NDArray> t) {
            return new Layer(inputNorm, t.get(0), t.get(1), t.get(2), t.get(3), postNorm, t.get(4), t.get(5), t.get(6));
        }

        List<NDArray> projections() {
            return List.of(qT, kT, vT, oT, gateT, upT, downT);
        }
    }

    private Llama(LlamaConfig config, Tokenizer tokenizer, NDManager manager, float[] embedding, NDArray lmHeadT,
                  NDArray finalNorm, List<Layer> layers) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.embedding = embedding;
        this.lmHeadT = lmHeadT;
        this.finalNorm = finalNorm;
        this.layers = layers;
        this.inverseFrequencies = Rope.inverseFrequencies(config);
        this.ops = LlamaOps.create(config, manager);
    }

    public static Llama load(Path dir, Device device) throws BadInputException {
        LlamaConfig c = LlamaConfig.read(dir.resolve("config.json"));
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (!Files.exists(tokenizerFile)) {
            throw new BadInputException(tokenizerFile + ": no such file (a model directory holds its tokenizer)");
        }
        WeightFiles ck = WeightFiles.open(dir);
        Denormals.applyToThisThread(); // before libtorch's first operation here starts its workers
        NDManager m = NDManager.newBaseManager(device);
        try {
            int h = c.hiddenSize();
            float[] emb = ck.floats("model.embed_tokens.weight", c.vocabSize(), h);
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < c.layers(); i++) {
                String p = "model.layers." + i + ".";
                List<NDArray> projections = new ArrayList<>();
                for (String proj : LlamaConfig.PROJECTIONS) {
                    int[] s = c.projectionShape(proj);
                    projections.add(transposed(m, ck.floats(LlamaConfig.projectionWeight(i, proj), s[0], s[1]), s[0], s[1]));
                }
                layers.add(Layer.of(vector(m, ck.floats(p + "input_layernorm.weight", h)),
                        vector(m, ck.floats(p + "post_attention_layernorm.weight", h)), projections));
            }
            float[] head = c.tieWordEmbeddings() ? emb : ck.floats("lm_head.weight", c.vocabSize(), h);
            return new Llama(c, HfTokenizer.load(tokenizerFile), m, emb, transposed(m, head, c.vocabSize(), h),
                    vector(m, ck.floats("model.norm.weight", h)), layers);
        } catch (BadInputException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Loads the checkpoint and merges a PEFT LoRA adapter into it (no adapter when {@code adapterDir} is null). */
    public static Llama load(Path dir, Path adapterDir, Device device) throws BadInputException {
        Llama model = load(dir, device);
        if (adapterDir != null) {
            try {
                model.merge(LoraAdapter.load(adapterDir));
            } catch (BadInputException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
        return model;
    }

    /**
     * Adds the adapter's update s·B·A to the projections it targets, in place, so decoding costs what the base
     * model costs. {@link #unmerge} takes it out again (to within float rounding).
     */
    public void merge(LoraAdapter adapter) throws BadInputException {
        update(adapter, 1);
    }

    public void unmerge(LoraAdapter adapter) throws BadInputException {
        update(adapter, -1);
    }

    private void update(LoraAdapter adapter, int sign) throws BadInputException {
        var tokens = adapter.tokenRows(config.vocabSize(), config.hiddenSize());
        if (tokens.isPresent()) {
            if (sign > 0) {
                replacedRows = replaceRows(tokens.get());
            } else if (replacedRows != null) {
                replaceRows(replacedRows);
                replacedRows = null;
            }
        }
        int applied = 0;
        for (int i = 0; i < layers.size(); i++) {
            List<NDArray> transposed = layers.get(i).projections();
            for (int k = 0; k < LlamaConfig.PROJECTIONS.size(); k++) {
                String proj = LlamaConfig.PROJECTIONS.get(k);
                int[] s = config.projectionShape(proj);
                applied += update(adapter, sign, LlamaConfig.projectionWeight(i, proj), transposed.get(k), s[0], s[1]);
            }
        }
        adapter.checkAllUsed(applied, config);
    }

    /** Wᵀ += sign·s·(B·A)ᵀ = sign·s·Aᵀ·Bᵀ; 1 when the projection was updated, else 0. */
    private int update(LoraAdapter adapter, int sign, String name, NDArray transposedWeight, int out, int in)
            throws BadInputException {
        var factors = adapter.factors(name, out, in);
        if (factors.isEmpty()) {
            return 0;
        }
        int r = factors.get().rank();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray aT = scratch.create(factors.get().a(), new Shape(r, in)).transpose();
            NDArray bT = scratch.create(factors.get().b(), new Shape(out, r)).transpose();
            transposedWeight.addi(aT.matMul(bT).mul((float) (sign * adapter.scale())));
        }
        return 1;
    }

    /**
     * Writes {@code rows} into the embedding (and into the lm head when it is tied, as PEFT ties them) and returns
     * the rows they replaced, for unmerge.
     */
    private LoraAdapter.TokenRows replaceRows(LoraAdapter.TokenRows rows) {
        int h = config.hiddenSize();
        float[] old = new float[rows.values().length];
        for (int k = 0; k < rows.ids().length; k++) {
            int id = rows.ids()[k];
            System.arraycopy(embedding, id * h, old, k * h, h);
            System.arraycopy(rows.values(), k * h, embedding, id * h, h);
            if (config.tieWordEmbeddings()) {
                try (NDManager scratch = manager.newSubManager()) {
                    float[] row = Arrays.copyOfRange(rows.values(), k * h, (k + 1) * h);
                    lmHeadT.set(new NDIndex(":, " + id), scratch.create(row, new Shape(h)));
                }
            }
        }
        return new LoraAdapter.TokenRows(rows.ids(), old);
    }

    private static NDArray vector(NDManager m, float[] v) {
        return m.create(v, new Shape(v.length));
    }

    private static NDArray transposed(NDManager m, float[] w, int rows, int cols) {
        return m.create(w, new Shape(rows, cols)).transpose();
    }

    /** The model directory's tokenizer: one directory, one object. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public LlamaConfig config() {
        return config;
    }

    /** Keys and values of the context so far, per layer: [tokens, kvHeads, headDim]. */
    public final class Cache implements AutoCloseable {
        private NDManager owner = manager.newSubManager();
        private final NDArray[] keys = new NDArray[config.layers()];
        private final NDArray[] values = new NDArray[config.layers()];
        private int length;

        public int length() {
            return length;
        }

        private float[][] hostKeys;
        private float[][] hostValues;
        private Shape[] shapes;

        /** Moves the cached keys and values to host memory, freeing the device's copy. */
        public void swapOut() {
            if (hostKeys != null || length == 0) {
                return;
            }
            hostKeys = new float[keys.length][];
            hostValues = new float[keys.length][];
            shapes = new Shape[keys.length];
            for (int i = 0; i < keys.length; i++) {
                hostKeys[i] = keys[i].toFloatArray();
                hostValues[i] = values[i].toFloatArray();
                shapes[i] = keys[i].getShape();
                keys[i].close();
                values[i].close();
                keys[i] = null;
                values[i] = null;
            }
        }

        /** Brings swapped keys and values back; nothing to do when they never left. */
        public void swapIn() {
            if (hostKeys == null) {
                return;
            }
            for (int i = 0; i < keys.length; i++) {
                keys[i] = owner.create(hostKeys[i], shapes[i]);
                values[i] = owner.create(hostValues[i], shapes[i]);
            }
            hostKeys = null;
            hostValues = null;
        }

        public boolean swapped() {
            return hostKeys != null;
        }

        /** Forgets everything (the next append recomputes from nothing). */
        public void clear() {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = null;
                values[i] = null;
            }
            hostKeys = null;
            hostValues = null;
            length = 0;
            owner.close();
            owner = manager.newSubManager();
        }

        @Override
        public void close() {
            owner.close();
        }
    }

    public Cache newCache() {
        return new Cache();
    }

    /**
     * Appends tokens to the cached context and returns their logits, [tokens][vocab]. With an empty cache this is
     * the full forward pass of the sequence.
     */
    public float[][] forward(Cache cache, int[] ids) {
        cache.swapIn();
        int start = cache.length;
        int[] positions = IntStream.range(start, start + ids.length).toArray();
        return forward(cache, ids, positions, causalMask(start, ids.length));
    }

    /**
     * Logits of several examples packed into one sequence, as if each ran alone: positions restart at 0 for every
     * example ({@code examples[i]} says which one token i belongs to, in runs) and attention stays inside it.
     */
    public float[][] forwardPacked(int[] ids, int[] examples) {
        try (Cache scratch = newCache()) {
            return forward(scratch, ids, LlamaOps.positions(examples), LlamaOps.blockCausalMask(examples));
        }
    }

    /** Appends {@code ids} at {@code positions}; {@code mask} is [ids, cached + ids], 0 or −∞. */
    private float[][] forward(Cache cache, int[] ids, int[] positions, float[] mask) {
        Denormals.applyToThisThread(); // a server's request threads compute too
        int t = ids.length;
        int start = cache.length;
        int h = config.hiddenSize();
        try (NDManager step = manager.newSubManager()) {
            float[] x0 = new float[t * h];
            for (int i = 0; i < t; i++) {
                System.arraycopy(embedding, ids[i] * h, x0, i * h, h);
            }
            NDArray x = step.create(x0, new Shape(t, h));
            NDArray[] rope = ops.ropeTables(step, inverseFrequencies, positions);
            NDArray cos = rope[0];
            NDArray sin = rope[1];
            NDArray attentionMask = step.create(mask, new Shape(1, t, start + t));
            for (int l = 0; l < layers.size(); l++) {
                Layer w = layers.get(l);
                NDArray normed = ops.rmsNorm(x, w.inputNorm());
                NDArray q = normed.matMul(w.qT()).reshape(t, config.heads(), config.headDim());
                NDArray k = normed.matMul(w.kT()).reshape(t, config.kvHeads(), config.headDim());
                NDArray v = normed.matMul(w.vT()).reshape(t, config.kvHeads(), config.headDim());
                q = ops.rope(q, cos, sin);
                k = ops.rope(k, cos, sin);
                NDArray allK = cache.keys[l] == null ? k : NDArrays.concat(new NDList(cache.keys[l], k), 0);
                NDArray allV = cache.values[l] == null ? v : NDArrays.concat(new NDList(cache.values[l], v), 0);
                allK.attach(cache.owner);
                allV.attach(cache.owner);
                if (cache.keys[l] != null) { // superseded by the longer arrays
                    cache.keys[l].close();
                    cache.values[l].close();
                }
                cache.keys[l] = allK;
                cache.values[l] = allV;
                // Ops put their results in their operand's manager: lent to this step, the views attention takes of
                // the cache are freed with it instead of pinning every superseded cache buffer until clear().
                allK.tempAttach(step);
                allV.tempAttach(step);
                NDArray attended = ops.attention(q, allK, allV, attentionMask);
                x = x.add(attended.matMul(w.oT()));
                NDArray post = ops.rmsNorm(x, w.postNorm());
                x = x.add(ops.mlp(post, w.gateT(), w.upT(), w.downT()));
            }
            NDArray logits = ops.rmsNorm(x, finalNorm).matMul(lmHeadT);
            float[] all = logits.toFloatArray();
            cache.length = start + t;
            float[][] out = new float[t][config.vocabSize()];
            for (int i = 0; i < t; i++) {
                System.arraycopy(all, i * config.vocabSize(), out[i], 0, config.vocabSize());
            }
            return out;
        }
    }

    private static float[] causalMask(int start, int t) {
        int s = start + t;
        float[] m = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = start + i + 1; j < s; j++) {
                m[i * s + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return m;
    }

    @Override
    public void close() {
        manager.close();
    }
}
