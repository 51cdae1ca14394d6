package org.asynclm.model.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asynclm.model.safetensors.Checkpoint;
import org.asynclm.model.safetensors.DType;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.runtime.BadInputException;

/**
 * Llama for full fine-tuning: every weight is a trainable array under its transformers name and shape, and
 * {@link #logits} is the same computation as {@link Llama#forwardPacked} kept differentiable (the embedding is a
 * gather, the scalars are native constants). Tied embeddings stay one array, so the lm head trains with them.
 */
public final class TrainableLlama implements AutoCloseable {
    private final LlamaConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final LlamaOps ops;
    private final double[] inverseFrequencies;

    private TrainableLlama(LlamaConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.ops = LlamaOps.create(config, manager);
        this.inverseFrequencies = Rope.inverseFrequencies(config);
    }

    public static TrainableLlama load(Path dir, Device device) throws BadInputException {
        LlamaConfig c = LlamaConfig.read(dir.resolve("config.json"));
        Checkpoint ck = Checkpoint.open(dir);
        NDManager m = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes(c).entrySet()) {
                NDArray p = m.create(ck.floats(e.getKey(), e.getValue()), new Shape(e.getValue()));
                p.setRequiresGradient(true);
                params.put(e.getKey(), p);
            }
            return new TrainableLlama(c, m, params);
        } catch (BadInputException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Every weight's name and shape as transformers' LlamaForCausalLM has them. */
    static Map<String, long[]> shapes(LlamaConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long in = c.intermediateSize();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            out.put(p + "input_layernorm.weight", new long[] {h});
            out.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            out.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            out.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            out.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            out.put(p + "post_attention_layernorm.weight", new long[] {h});
            out.put(p + "mlp.gate_proj.weight", new long[] {in, h});
            out.put(p + "mlp.up_proj.weight", new long[] {in, h});
            out.put(p + "mlp.down_proj.weight", new long[] {h, in});
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

    /** The trainable weights by transformers name, in checkpoint order. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Logits [tokens, vocab] of a packed row: {@code examples[i]} is token i's example, positions restart for each
     * and attention stays inside it. Arrays made here belong to the caller's NDScope.
     */
    public NDArray logits(int[] ids, int[] examples) {
        int t = ids.length;
        int h = config.hiddenSize();
        long[] rows = new long[t * h];
        for (int i = 0; i < t; i++) {
            java.util.Arrays.fill(rows, i * h, (i + 1) * h, ids[i]);
        }
        NDArray x = p("model.embed_tokens.weight").gather(manager.create(rows, new Shape(t, h)), 0);
        NDArray[] rope = ops.ropeTables(manager, inverseFrequencies, LlamaOps.positions(examples));
        NDArray mask = manager.create(LlamaOps.blockCausalMask(examples), new Shape(1, t, t));
        for (int l = 0; l < config.layers(); l++) {
            String n = "model.layers." + l + ".";
            NDArray normed = ops.rmsNorm(x, p(n + "input_layernorm.weight"));
            NDArray q = normed.matMul(p(n + "self_attn.q_proj.weight").transpose())
                    .reshape(t, config.heads(), config.headDim());
            NDArray k = normed.matMul(p(n + "self_attn.k_proj.weight").transpose())
                    .reshape(t, config.kvHeads(), config.headDim());
            NDArray v = normed.matMul(p(n + "self_attn.v_proj.weight").transpose())
                    .reshape(t, config.kvHeads(), config.headDim());
            NDArray attended = ops.attention(ops.rope(q, rope[0], rope[1]), ops.rope(k, rope[0], rope[1]), v, mask);
            x = x.add(attended.matMul(p(n + "self_attn.o_proj.weight").transpose()));
            x = x.add(ops.mlp(ops.rmsNorm(x, p(n + "post_attention_layernorm.weight")),
                    p(n + "mlp.gate_proj.weight").transpose(), p(n + "mlp.up_proj.weight").transpose(),
                    p(n + "mlp.down_proj.weight").transpose()));
        }
        NDArray head = config.tieWordEmbeddings() ? p("model.embed_tokens.weight") : p("lm_head.weight");
        return ops.rmsNorm(x, p("model.norm.weight")).matMul(head.transpose());
    }

    private NDArray p(String name) {
        return parameters.get(name);
    }

    /** Writes the weights as {@code model.safetensors} (f32) into {@code dir}. */
    public void writeWeights(Path dir) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        parameters.forEach((name, p) -> tensors.put(name,
                new Safetensors.Tensor(DType.F32, p.getShape().getShape(), p.toFloatArray())));
        Safetensors.write(dir.resolve(Checkpoint.SINGLE), tensors, Map.of("format", "pt"));
    }

    @Override
    public void close() {
        manager.close();
    }
}
