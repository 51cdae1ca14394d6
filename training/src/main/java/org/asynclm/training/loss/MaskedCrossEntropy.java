package org.asynclm.training.loss;

import org.asynclm.model.llama.Sampler;

/**
 * Next-token cross-entropy over the trained tokens of a row: token i is predicted from the logits at i − 1, and
 * only inside its own example (the first token of an example has nothing before it to be predicted from).
 */
public final class MaskedCrossEntropy {

    /** Summed loss and the number of tokens it covers; the mean is what training minimises. */
    public record Sum(double loss, int tokens) {
        public double mean() {
            return loss / tokens;
        }

        public Sum plus(Sum other) {
            return new Sum(loss + other.loss, tokens + other.tokens);
        }
    }

    private MaskedCrossEntropy() {
    }

    public static Sum of(float[][] logits, int[] ids, boolean[] trained, int[] examples) {
        double loss = 0;
        int tokens = 0;
        for (int i = 1; i < ids.length; i++) {
            if (trained[i] && examples[i] == examples[i - 1]) {
                loss -= Sampler.logProbability(logits[i - 1], ids[i]);
                tokens++;
            }
        }
        return new Sum(loss, tokens);
    }
}
