package org.asynclm.training.data;

/**
 * One training sequence: token ids and, per token, whether the loss is taken on it (the model wrote it).
 * {@code line} is the trace's line in its file, for messages.
 */
public record Example(int[] ids, boolean[] trained, int line) {
    public Example {
        if (ids.length != trained.length) {
            throw new IllegalArgumentException("ids and mask differ in length");
        }
    }

    public int length() {
        return ids.length;
    }

    public int trainedTokens() {
        int n = 0;
        for (boolean t : trained) {
            n += t ? 1 : 0;
        }
        return n;
    }
}
