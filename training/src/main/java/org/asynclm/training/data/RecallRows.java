package org.asynclm.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic rows meant to teach a model made from scratch to look things up and copy them before it meets the
 * traces: a task makes it copy a name out of the request and an id out of a result, which the tiny model trained on
 * traces alone learns last. Each example lists pairs of a key token and a value of 1-5 tokens, then a separator,
 * then asks for keys again in another order; only the values asked for are under the loss, so every trained token
 * is a copy. Keys and values are the tokenizer's ordinary tokens. Measured on the tiny model: 600 steps of these
 * rows took their loss only from 6.84 to 6.38 nats (README, train, row 7), so the shipped configs leave them off.
 */
public final class RecallRows {
    private RecallRows() {
    }

    /**
     * {@code rows} packed rows of {@code length} tokens; ids in [0, {@code ordinary}) are drawn for keys and values,
     * {@code separator} closes the list of pairs. Every choice comes from {@code seed}.
     */
    public static List<Packing.Row> make(int rows, int length, int ordinary, int separator, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>();
        long tokens = 0;
        while (tokens < (long) rows * length * 0.95) {
            Example e = example(rng, ordinary, separator, Math.min(length, 400));
            examples.add(e);
            tokens += e.ids().length;
        }
        List<Packing.Row> packed = Packing.pack(examples, length);
        return packed.subList(0, Math.min(rows, packed.size()));
    }

    private static Example example(SplittableRandom rng, int ordinary, int separator, int most) {
        int pairs = rng.nextInt(4, 17);
        int[] keys = new int[pairs];
        int[][] values = new int[pairs][];
        for (int p = 0; p < pairs; p++) {
            keys[p] = distinctKey(rng, ordinary, keys, p);
            values[p] = new int[rng.nextInt(1, 6)];
            for (int k = 0; k < values[p].length; k++) {
                values[p][k] = rng.nextInt(ordinary);
            }
        }
        List<Integer> ids = new ArrayList<>();
        List<Boolean> trained = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            add(ids, trained, keys[p], false);
            for (int v : values[p]) {
                add(ids, trained, v, false);
            }
        }
        add(ids, trained, separator, false);
        for (int q = 0; q < pairs && ids.size() + 6 < most; q++) {
            int p = rng.nextInt(pairs);
            add(ids, trained, keys[p], false);
            for (int v : values[p]) {
                add(ids, trained, v, true);
            }
        }
        int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        boolean[] mask = new boolean[trained.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = trained.get(i);
        }
        return new Example(idArray, mask, 0);
    }

    private static int distinctKey(SplittableRandom rng, int ordinary, int[] keys, int filled) {
        while (true) {
            int k = rng.nextInt(ordinary);
            boolean fresh = true;
            for (int i = 0; i < filled; i++) {
                fresh &= keys[i] != k;
            }
            if (fresh) {
                return k;
            }
        }
    }

    private static void add(List<Integer> ids, List<Boolean> trained, int id, boolean train) {
        ids.add(id);
        trained.add(train);
    }
}
