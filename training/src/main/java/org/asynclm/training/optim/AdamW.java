package org.asynclm.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.asynclm.model.safetensors.DType;
import org.asynclm.model.safetensors.Safetensors;
import org.asynclm.model.safetensors.TensorInfo;
import org.asynclm.runtime.BadInputException;

/**
 * AdamW as torch.optim.AdamW computes it: weight decay applied to the weight itself (decoupled), then the Adam
 * step with bias-corrected moments. Moments live in the optimiser's own manager, outside any per-step scope.
 * Runs outside the gradient collector, so its in-place updates are not recorded.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private int step;

    public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
    }

    public int step() {
        return step;
    }

    /** One update of every parameter with its gradient at learning rate {@code lr}; gradients are then zeroed. */
    public void update(Map<String, NDArray> parameters, double lr) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = Math.sqrt(1 - Math.pow(beta2, step));
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            try (NDArray g = p.getGradient()) {
                NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> {
                    NDArray[] fresh = {manager.zeros(p.getShape()), manager.zeros(p.getShape())};
                    NDScope.unregister(fresh); // made during a step's scope, but they outlive it
                    return fresh;
                });
                mv[0].muli(beta1).addi(g.mul(1 - beta1));
                mv[1].muli(beta2).addi(g.mul(g).muli(1 - beta2));
                p.muli(1 - lr * weightDecay);
                try (NDArray denominator = mv[1].sqrt().divi(correction2).addi(eps)) {
                    p.subi(mv[0].div(denominator).muli(lr / correction1));
                }
                g.muli(0);
            }
        }
    }

    /** Global L2 norm of the gradients, for logging and clipping. */
    public static double gradientNorm(Map<String, NDArray> parameters) {
        double sum = 0;
        for (NDArray p : parameters.values()) {
            try (NDArray g = p.getGradient(); NDArray sq = g.mul(g).sum()) {
                sum += sq.getFloat();
            }
        }
        return Math.sqrt(sum);
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

    /** Multiplies every gradient by {@code factor} (clipping by global norm). */
    public static void scaleGradients(Map<String, NDArray> parameters, double factor) {
        for (NDArray p : parameters.values()) {
            try (NDArray g = p.getGradient()) {
                g.muli(factor);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
