package org.asynclm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.asynclm.datagen.config.Range;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;

/**
 * Scenario sets for latency experiments that need no data files, drawn from datagen's synthetic generator with the
 * evaluation's tool latencies as both estimate and truth (the paper's cheat sheet).
 */
enum LatencyDatasets {
    /** 2 to 8 independent calls, as in BFCL's parallel category. */
    SYNTHETIC_PARALLEL("synthetic-parallel", "parallel"),
    /** Three chains of 1 to 5 calls, the shape of the paper's multi-step-parallel tasks. */
    SYNTHETIC_MULTI_STEP_PARALLEL("synthetic-multi-step-parallel", "chains");

    private static final Range EXACT = new Range(1, 1);

    private final String id;
    private final String shape;

    LatencyDatasets(String id, String shape) {
        this.id = id;
        this.shape = shape;
    }

    String id() {
        return id;
    }

    static LatencyDatasets parse(String s) {
        for (LatencyDatasets d : values()) {
            if (d.id.equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + s + "' (expected synthetic-parallel or "
                + "synthetic-multi-step-parallel)");
    }

    /** {@code n} scenarios; scenario i draws from a generator seeded with the i-th draw of {@code seed}. */
    List<Scenario> scenarios(int n, LatencyDistribution latency, long seed) {
        SyntheticGenerator g = new SyntheticGenerator(
                SyntheticGenerator.shapes(new Range(2, 8), new Range(3, 3), new Range(1, 5)), latency::sampleMs, EXACT);
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Scenario> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(g.generate(shape, id + "-" + i, new SplittableRandom(seeds.nextLong())));
        }
        return out;
    }
}
