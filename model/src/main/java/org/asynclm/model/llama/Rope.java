package org.asynclm.model.llama;

import java.util.stream.IntStream;

/**
 * Rotary position embedding frequencies as transformers computes them, including Llama 3's frequency-dependent
 * scaling: long wavelengths are divided by {@code factor}, short ones kept, the band between interpolated.
 */
final class Rope {
    private Rope() {
    }

    static double[] inverseFrequencies(LlamaConfig c) {
        int half = c.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
        }
        LlamaConfig.RopeScaling s = c.ropeScaling();
        if (s == null) {
            return inv;
        }
        double lowFreqWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositions() / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            double scaled = wavelen > lowFreqWavelen ? inv[i] / s.factor() : inv[i];
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            if (medium) {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                scaled = (1 - smooth) * scaled / s.factor() + smooth * scaled;
            }
            inv[i] = scaled;
        }
        return inv;
    }

    /** cos and sin tables [count][headDim] for positions start..start+count-1 (the halves repeated, as in HF). */
    static float[][] table(double[] inv, int start, int count, boolean sine) {
        return table(inv, IntStream.range(start, start + count).toArray(), sine);
    }

    /** cos and sin tables [positions.length][headDim] for the given positions. */
    static float[][] table(double[] inv, int[] positions, boolean sine) {
        int half = inv.length;
        float[][] out = new float[positions.length][2 * half];
        for (int p = 0; p < positions.length; p++) {
            for (int i = 0; i < half; i++) {
                // transformers computes the angle in float32 (positions × inverse frequencies)
                float angle = (float) positions[p] * (float) inv[i];
                float v = (float) (sine ? Math.sin(angle) : Math.cos(angle));
                out[p][i] = v;
                out[p][i + half] = v;
            }
        }
        return out;
    }
}
