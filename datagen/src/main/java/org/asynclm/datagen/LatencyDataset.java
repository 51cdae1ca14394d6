package org.asynclm.datagen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.asynclm.bfcl.BfclData;
import org.asynclm.datagen.bfcl.BfclTasks;
import org.asynclm.datagen.config.Range;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;

/**
 * The scenario sets of the latency experiments, by the names {@code eval latency --dataset} takes: two drawn from
 * the synthetic generator (no data files), and BFCL's parallel categories and multi-step-parallel tasks. Tool times
 * come from the evaluation's latency distribution and serve as both estimate and truth (the paper's cheat sheet).
 */
public enum LatencyDataset implements ConfigName {
    /** 2 to 8 independent calls, as in BFCL's parallel category. */
    SYNTHETIC_PARALLEL("synthetic-parallel"),
    /** Three chains of 1 to 5 calls, the shape of the paper's multi-step-parallel tasks. */
    SYNTHETIC_MULTI_STEP_PARALLEL("synthetic-multi-step-parallel"),
    PARALLEL("parallel"),
    PARALLEL_MULTIPLE("parallel_multiple"),
    LIVE_PARALLEL("live_parallel"),
    LIVE_PARALLEL_MULTIPLE("live_parallel_multiple"),
    /** Three first rounds of multi_turn_base from the eval split, chained, as the paper's v3 multi-step-parallel. */
    MULTI_STEP_PARALLEL("multi-step-parallel");

    private static final Range EXACT = new Range(1, 1);
    /** The share of BFCL entries in the train split; the latency sets draw from the rest. */
    private static final double TRAIN_FRACTION = 0.25;

    private final String id;

    LatencyDataset(String id) {
        this.id = id;
    }

    /** BFCL's own category names keep their underscores. */
    @Override
    public String id() {
        return id;
    }

    public boolean synthetic() {
        return this == SYNTHETIC_PARALLEL || this == SYNTHETIC_MULTI_STEP_PARALLEL;
    }

    public static LatencyDataset parse(String s) {
        return Arrays.stream(values()).filter(d -> d.id.equals(s)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("must be one of " + ConfigName.ids(LatencyDataset.class) + ", got '"
                        + s + "'"));
    }

    /**
     * {@code n} scenarios (a BFCL category gives at most its entries). {@code bfclDir} is needed by the BFCL sets;
     * {@code userInterruptsNanos} (three times, or null) makes multi-step-parallel's requests arrive as user
     * interrupts, as in the paper's Fig. 8.
     */
    public List<Scenario> scenarios(Path bfclDir, int n, long seed, LatencyDistribution latency,
                                    long[] userInterruptsNanos) throws BadInputException {
        if (userInterruptsNanos != null && this != MULTI_STEP_PARALLEL) {
            throw new BadInputException("--user-interrupts applies to the BFCL multi-step-parallel dataset only");
        }
        if (synthetic()) {
            return synthetic(n, latency, seed);
        }
        if (bfclDir == null) {
            throw new BadInputException("--dataset " + id + " needs --bfcl-dir");
        }
        return BfclTasks.forLatency(new BfclData(bfclDir), this, n, seed, TRAIN_FRACTION, latency::sampleMs,
                userInterruptsNanos);
    }

    /** Scenario i draws from a generator seeded with the i-th draw of {@code seed}. */
    private List<Scenario> synthetic(int n, LatencyDistribution latency, long seed) {
        SyntheticGenerator g = new SyntheticGenerator(
                SyntheticGenerator.shapes(new Range(2, 8), new Range(3, 3), new Range(1, 5)), latency::sampleMs, EXACT);
        String shape = this == SYNTHETIC_PARALLEL ? "parallel" : "chains";
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Scenario> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(g.generate(shape, id + "-" + i, new SplittableRandom(seeds.nextLong())));
        }
        return out;
    }
}
