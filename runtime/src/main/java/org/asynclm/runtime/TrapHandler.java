package org.asynclm.runtime;

/** Chooses what happens to the cached context while a trapped model waits: the cheapest of keep, swap and drop. */
public final class TrapHandler {
    private final CacheCosts costs;

    public TrapHandler(CacheCosts costs) {
        this.costs = costs;
    }

    public CacheAction choose(int contextTokens, long estimatedWaitNanos) {
        double keep = costs.keep(contextTokens, Math.max(0, estimatedWaitNanos));
        double swap = costs.swap(contextTokens);
        double drop = costs.drop(contextTokens);
        if (keep <= swap && keep <= drop) {
            return CacheAction.KEEP;
        }
        return swap <= drop ? CacheAction.SWAP : CacheAction.DROP;
    }

    /** Time to bring the context back after the wait, for the virtual clock. */
    public long resumeNanos(CacheAction action, int contextTokens) {
        return switch (action) {
            case KEEP -> 0;
            case SWAP -> Math.round(costs.swapNanosPerToken() * contextTokens);
            case DROP -> Math.round(costs.drop(contextTokens));
        };
    }
}
