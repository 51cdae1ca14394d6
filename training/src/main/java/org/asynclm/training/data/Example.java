package org.asynclm.training.data;

/**
 * One training sequence: token ids and, per token, whether the loss is taken on it (the model wrote it) and whether
 * it is part of a value the model copies into a call ({@link CopiedValues}). {@code line} is the trace's line in its
 * file, for messages.
 */
public record Example(int[] ids, boolean[] trained, boolean[] copied, int line) {
    public Example {
        if (ids.length != trained.length || ids.length != copied.length) {
            throw new IllegalArgumentException("ids and masks differ in length");
        }
    }

    /** An example with no copied value marked. */
    public Example(int[] ids, boolean[] trained, int line) {
        this(ids, trained, new boolean[ids.length], line);
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
