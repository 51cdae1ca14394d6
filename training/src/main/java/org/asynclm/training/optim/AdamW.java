package org.asynclm.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.asynclm.model.llama.TorchScripts;
import org.asynclm.model.safetensors.DType;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.TensorInfo;
import org.asynclm.runtime.BadInputException;

/**
 * AdamW as torch.optim.AdamW computes it: weight decay applied to the weight itself (decoupled), then the Adam
 * step with bias-corrected moments; before it, the gradients clipped to a global norm as clip_grad_norm_ does. The
 * whole step is one call of a TorchScript module ({@code tools/make_adamw_module.py}) that runs PyTorch's _foreach
 * ops over all the weights at once: written op by op through DJL it took some 15 JNI calls a weight, whose overhead
 * cost twice the arithmetic under libtorch's profiler (14.8 against 6.7 ms a step, {@code bench train --profile}). Moments live in the optimiser's own
 * manager, outside any per-step scope. Runs outside the gradient collector; the module works under no-grad.
 */
public final class AdamW implements AutoCloseable {
    private static final String MODULE = "adamw_step.pt";

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final PtSymbolBlock module;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private int step;

    public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        this.module = TorchScripts.load((PtNDManager) manager, AdamW.class, MODULE);
    }

    public int step() {
        return step;
    }

    /**
     * One update of every parameter with its gradient at learning rate {@code lr}, the gradients first scaled by
     * {@code maxNorm / norm} when their global L2 norm exceeds {@code maxNorm}; the gradients are then zeroed.
     * Returns the norm before clipping, for the log.
     */
    public double update(Map<String, NDArray> parameters, double lr, double maxNorm) {
        step++;
        PtNDArray[] params = new PtNDArray[parameters.size()];
        PtNDArray[] firsts = new PtNDArray[params.length];
        PtNDArray[] seconds = new PtNDArray[params.length];
        int i = 0;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> zeros(e.getValue().getShape()));
            params[i] = (PtNDArray) e.getValue();
            firsts[i] = (PtNDArray) mv[0];
            seconds[i] = (PtNDArray) mv[1];
            i++;
        }
        IValue[] inputs = {IValue.listFrom(params), IValue.listFrom(firsts), IValue.listFrom(seconds),
            IValue.from(lr), IValue.from((long) step), IValue.from(beta1), IValue.from(beta2), IValue.from(eps),
            IValue.from(weightDecay), IValue.from(maxNorm)};
        try (IValue out = IValueUtils.forward(module, inputs); NDArray norm = out.toTensor((PtNDManager) manager)) {
            return norm.getFloat();
        } finally {
            for (IValue in : inputs) {
                in.close();
            }
        }
    }

    private NDArray[] zeros(Shape shape) {
        NDArray[] fresh = {manager.zeros(shape), manager.zeros(shape)};
        NDScope.unregister(fresh); // made during a step's scope, but they outlive it
        return fresh;
    }

    /**
     * The moments as torch names them ({@code <parameter>.exp_avg}, {@code .exp_avg_sq}), for a checkpoint; with
     * {@link #step()} they are the whole state.
     */
    public Map<String, Safetensors.Tensor> state() {
        Map<String, Safetensors.Tensor> out = new TreeMap<>();
        moments.forEach((name, mv) -> {
            long[] shape = mv[0].getShape().getShape();
            out.put(name + ".exp_avg", new Safetensors.Tensor(DType.F32, shape, mv[0].toFloatArray()));
            out.put(name + ".exp_avg_sq", new Safetensors.Tensor(DType.F32, shape, mv[1].toFloatArray()));
        });
        return out;
    }

    /** Takes up the state of a checkpoint: the step count and each parameter's moments from {@code file}. */
    public void restore(int steps, Path file, Map<String, NDArray> parameters) throws BadInputException {
        Map<String, TensorInfo> saved = Safetensors.index(file);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            TensorInfo m = saved.get(e.getKey() + ".exp_avg");
            TensorInfo v = saved.get(e.getKey() + ".exp_avg_sq");
            if (m == null || v == null) {
                throw new BadInputException(file + ": no moments for '" + e.getKey() + "'");
            }
            Shape shape = e.getValue().getShape();
            NDArray[] mv = {manager.create(Safetensors.readFloats(m), shape),
                manager.create(Safetensors.readFloats(v), shape)};
            moments.put(e.getKey(), mv);
        }
        step = steps;
    }

    @Override
    public void close() {
        module.close();
        manager.close();
    }
}
