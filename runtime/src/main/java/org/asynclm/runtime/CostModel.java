package org.asynclm.runtime;

/**
 * What model work costs in time, for the virtual clock (and for an emulating wall clock). In the {@code cloud}
 * deployment every resumption of a stopped generation is a new request that pays a time-to-first-token; only Async
 * keeps its request open. In the {@code local} deployment the cache is kept and a resumption costs only the prefill
 * of the new tokens.
 */
public record CostModel(long tpotNanos, long prefillNanosPerToken, Deployment deployment, long ttftNanos) {

    public enum Deployment { LOCAL, CLOUD }

    public CostModel {
        if (tpotNanos < 0 || prefillNanosPerToken < 0 || ttftNanos < 0) {
            throw new IllegalArgumentException("costs must not be negative");
        }
    }

    public static CostModel local(double tpotMs, double prefillMsPerToken) {
        return new CostModel(msToNanos(tpotMs), msToNanos(prefillMsPerToken), Deployment.LOCAL, 0);
    }

    public long prefill(int tokens) {
        return prefillNanosPerToken * tokens;
    }

    /** Does resuming after a wait start a new request under this method? */
    public boolean restarts(Method method) {
        return deployment == Deployment.CLOUD && method != Method.ASYNC;
    }

    public static long msToNanos(double ms) {
        return Math.round(ms * 1_000_000.0);
    }
}
