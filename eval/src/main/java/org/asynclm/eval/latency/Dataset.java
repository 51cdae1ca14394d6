package org.asynclm.eval.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.SyntheticScenarios;

/** Scenario sets for latency experiments that need no data files. */
public enum Dataset {
    /** 2 to 8 independent calls, as in BFCL's parallel category. */
    SYNTHETIC_PARALLEL("synthetic-parallel"),
    /** Three chains of 1 to 5 calls, the shape of the paper's multi-step-parallel tasks. */
    SYNTHETIC_MULTI_STEP_PARALLEL("synthetic-multi-step-parallel");

    private final String cliName;

    Dataset(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Dataset parse(String s) {
        for (Dataset d : values()) {
            if (d.cliName.equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + s + "' (expected synthetic-parallel or "
                + "synthetic-multi-step-parallel)");
    }

    /** {@code n} scenarios; scenario i's seed is the i-th draw of a generator seeded with {@code seed}. */
    public List<Scenario> scenarios(int n, LatencyDistribution latency, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Scenario> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long s = seeds.nextLong();
            out.add(switch (this) {
                case SYNTHETIC_PARALLEL -> SyntheticScenarios.parallel(2 + (int) Math.floorMod(s, 7L), latency, s);
                case SYNTHETIC_MULTI_STEP_PARALLEL -> SyntheticScenarios.multiStepParallel(latency, s);
            });
        }
        return out;
    }
}
