package org.asynclm.datagen;

import java.util.SplittableRandom;

/** Draws the task of trace {@code index}; everything random comes from {@code rng}, seeded for that index. */
@FunctionalInterface
public interface TaskSource {
    Task task(long index, SplittableRandom rng);
}
