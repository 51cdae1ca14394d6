package org.asynclm.training.sft;

/** Learning rate per step: linear warm-up over the first {@code warmupSteps}, then cosine decay to zero. */
public record Schedule(double peak, int warmupSteps, int totalSteps) {

    /** The rate for step {@code s}, counted from 0. */
    public double at(int s) {
        if (s < warmupSteps) {
            return peak * (s + 1) / warmupSteps;
        }
        double progress = (double) (s - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
