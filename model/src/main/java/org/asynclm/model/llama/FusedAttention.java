package org.asynclm.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Causal attention through PyTorch's fused {@code scaled_dot_product_attention}, which DJL 0.35 does not bind: a
 * TorchScript module (made by {@code tools/make_sdpa_module.py}) run with autograd on. A packed row is attended
 * example by example, so the work is the sum of the examples' squared lengths rather than the row's squared length,
 * and no t×t score or mask is ever materialised. The explicit formula in {@link LlamaOps#attention} stays the
 * reference it is tested against.
 */
final class FusedAttention implements AutoCloseable {
    private static final String RESOURCE = "sdpa_causal.pt";

    private final PtSymbolBlock module;
    private final LlamaConfig config;

    private FusedAttention(PtSymbolBlock module, LlamaConfig config) {
        this.module = module;
        this.config = config;
    }

    /** Loads the module into {@code manager} (a PyTorch manager: the module runs beside the model's arrays). */
    static FusedAttention load(PtNDManager manager, LlamaConfig config) {
        return new FusedAttention(TorchScripts.load(manager, RESOURCE), config);
    }

    /**
     * q [t, heads, d], k and v [t, kvHeads, d] of a packed row whose token i belongs to example {@code examples[i]}
     * (consecutive runs); returns [t, heads·d], each example attending causally within itself.
     */
    NDArray attend(NDArray q, NDArray k, NDArray v, int[] examples) {
        int groups = config.heads() / config.kvHeads();
        NDArray keys = groups == 1 ? k : k.repeat(1, groups); // GQA as 4-D inputs: enable_gqa takes the slow kernel
        NDArray vals = groups == 1 ? v : v.repeat(1, groups);
        // the examples as one split along the tokens, none for a row of one: an index get would slice every axis,
        // and each slice's backward copies the whole array
        long[] starts = exampleStarts(examples);
        NDList qs = byExample(q, starts);
        NDList ks = byExample(keys, starts);
        NDList vs = byExample(vals, starts);
        List<NDArray> parts = new ArrayList<>();
        for (int e = 0; e < qs.size(); e++) {
            parts.add(causal(qs.get(e), ks.get(e), vs.get(e)));
        }
        NDArray out = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
        return out.reshape(examples.length, (long) config.heads() * config.headDim());
    }

    /** Where each example after the first begins (consecutive runs of equal ids). */
    private static long[] exampleStarts(int[] examples) {
        return IntStream.range(1, examples.length).filter(i -> examples[i] != examples[i - 1])
                .asLongStream().toArray();
    }

    private static NDList byExample(NDArray x, long[] starts) {
        return starts.length == 0 ? new NDList(x) : x.split(starts, 0);
    }

    /** One example: [n, heads, d] in, [n, heads, d] out. */
    private NDArray causal(NDArray q, NDArray k, NDArray v) {
        NDList in = new NDList(heads(q), heads(k), heads(v));
        NDArray out = IValueUtils.forward(module, in, true).singletonOrThrow(); // autograd records through it
        return out.squeeze(0).transpose(1, 0, 2);
    }

    private static NDArray heads(NDArray x) {
        return x.transpose(1, 0, 2).expandDims(0); // [1, heads, n, d]
    }

    @Override
    public void close() {
        module.close();
    }
}
