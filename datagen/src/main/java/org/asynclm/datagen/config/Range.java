package org.asynclm.datagen.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.SplittableRandom;

/** A closed interval written {@code [min, max]}; draws are uniform in it. */
public record Range(double min, double max) {

    @JsonCreator
    public static Range of(double[] bounds) {
        if (bounds == null || bounds.length != 2) {
            throw new IllegalArgumentException("must be [min, max]");
        }
        return new Range(bounds[0], bounds[1]);
    }

    @JsonValue
    public double[] asArray() {
        return new double[] {min, max};
    }

    public double draw(SplittableRandom rng) {
        return min == max ? min : min + rng.nextDouble() * (max - min);
    }

    /** A whole number in [min, max]. */
    public int drawInt(SplittableRandom rng) {
        return (int) min + rng.nextInt((int) max - (int) min + 1);
    }

    boolean isWholeNumbers() {
        return min == Math.rint(min) && max == Math.rint(max);
    }
}
