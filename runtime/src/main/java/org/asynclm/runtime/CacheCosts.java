package org.asynclm.runtime;

/**
 * Calibrated costs behind the trap handler's choice. Keeping a context costs the memory it holds for the wait
 * ({@code keepNanosPerTokenSecond}: the price of one cached token held for one second, zero on a machine serving one
 * user); swapping costs a transfer out and back; dropping costs recomputing the context, fitted as
 * {@code a·n² + b·n}.
 */
public record CacheCosts(double keepNanosPerTokenSecond, double swapNanosPerToken, double recomputeQuadratic,
                         double recomputeLinear) {

    /** One user on one machine: holding memory is free, so the cache is always kept. */
    public static final CacheCosts SINGLE_USER = new CacheCosts(0, 0, 0, 0);

    public double keep(int tokens, long waitNanos) {
        return keepNanosPerTokenSecond * tokens * (waitNanos / 1e9);
    }

    public double swap(int tokens) {
        return 2 * swapNanosPerToken * tokens;
    }

    public double drop(int tokens) {
        return recomputeQuadratic * tokens * (double) tokens + recomputeLinear * tokens;
    }
}
