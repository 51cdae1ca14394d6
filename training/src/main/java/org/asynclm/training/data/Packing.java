package org.asynclm.training.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs examples into rows of at most {@code length} tokens, in order, starting a new row when the next example
 * does not fit. Each row records which example every token belongs to, so attention can stay inside an example
 * and positions restart for each: packing changes how examples are batched, never what the model sees.
 */
public final class Packing {

    /**
     * One packed row: ids, loss mask, for each token its example's index within the row (0, 1, ...), and which tokens
     * are copied values ({@link Example#copied}).
     */
    public record Row(int[] ids, boolean[] trained, int[] examples, boolean[] copied) {
        public Row(int[] ids, boolean[] trained, int[] examples) {
            this(ids, trained, examples, new boolean[ids.length]);
        }

        public int length() {
            return ids.length;
        }

        /** The same row with only the copied values under the loss: where a model learns to look back and copy. */
        public Row copiesTrained() {
            return new Row(ids, copied, examples, copied);
        }

        /**
         * Each token's weight in the loss: 0 off it, 1 on it, and {@code valueWeight} for a trained token of a copied
         * value, so that the few tokens that decide whether a call is right are not outweighed by the format's many.
         */
        public float[] lossWeights(double valueWeight) {
            float[] w = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                w[i] = !trained[i] ? 0f : copied[i] ? (float) valueWeight : 1f;
            }
            return w;
        }

        /** The same row with every token under the loss: the prompt and interrupts too, as in pretraining. */
        public Row everyTokenTrained() {
            boolean[] all = new boolean[ids.length];
            Arrays.fill(all, true);
            return new Row(ids, all, examples, copied);
        }
    }

    private Packing() {
    }

    public static List<Row> pack(List<Example> examples, int length) {
        List<Row> rows = new ArrayList<>();
        List<Example> current = new ArrayList<>();
        int used = 0;
        for (Example e : examples) {
            if (e.length() > length) {
                throw new IllegalArgumentException("example of line " + e.line() + " has " + e.length()
                        + " tokens, more than a row of " + length);
            }
            if (used + e.length() > length) {
                rows.add(row(current, used));
                current.clear();
                used = 0;
            }
            current.add(e);
            used += e.length();
        }
        if (!current.isEmpty()) {
            rows.add(row(current, used));
        }
        return rows;
    }

    private static Row row(List<Example> examples, int used) {
        int[] ids = new int[used];
        boolean[] trained = new boolean[used];
        boolean[] copied = new boolean[used];
        int[] owner = new int[used];
        int at = 0;
        for (int k = 0; k < examples.size(); k++) {
            Example e = examples.get(k);
            System.arraycopy(e.ids(), 0, ids, at, e.length());
            System.arraycopy(e.trained(), 0, trained, at, e.length());
            System.arraycopy(e.copied(), 0, copied, at, e.length());
            Arrays.fill(owner, at, at + e.length(), k);
            at += e.length();
        }
        return new Row(ids, trained, owner, copied);
    }
}
