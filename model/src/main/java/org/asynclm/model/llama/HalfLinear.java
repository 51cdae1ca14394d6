package org.asynclm.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * x·Wᵀ for a frozen weight stored in fp16, x and the result in fp32: a TorchScript module (made by
 * {@code tools/make_half_linear_module.py}) does the casts, because DJL's own casts run under no-grad and would cut
 * the gradient that LoRA's factors and the layers below need. Halves the memory of a frozen base's projections.
 */
final class HalfLinear implements AutoCloseable {
    private static final String RESOURCE = "half_linear.pt";

    private final PtSymbolBlock module;

    private HalfLinear(PtSymbolBlock module) {
        this.module = module;
    }

    static HalfLinear load(PtNDManager manager) {
        return new HalfLinear(TorchScripts.load(manager, RESOURCE));
    }

    /** x [t, in] fp32, weight [out, in] fp16: x·Wᵀ [t, out] fp32, differentiable in x. */
    NDArray apply(NDArray x, NDArray weight) {
        return IValueUtils.forward(module, new NDList(x, weight), true).singletonOrThrow();
    }

    @Override
    public void close() {
        module.close();
    }
}
