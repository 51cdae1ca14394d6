package org.asynclm.runtime;

/**
 * Settings of one generation. {@code runawayLimit}: refused blocks in a row (a stray trap, a duplicate id, an unknown
 * function, a malformed call, a written interrupt or broken CML) after which the turn ends as
 * {@link EndState#RUNAWAY} instead of filling the context. {@code values}: what decoding asks of a call's quoted
 * values.
 */
public record SessionConfig(Method method, CostModel cost, CacheCosts cacheCosts, int maxTokens, int runawayLimit,
                            ArgumentValues values) {
    /**
     * Three refusals in a row. A model that recovers from a mistake gets the error interrupt, then writes something
     * the runtime accepts; one that refuses three blocks running has stopped reading its errors, and every further
     * block only grows the context (the measured failure: stray traps and reused ids until the context was full).
     */
    public static final int DEFAULT_RUNAWAY_LIMIT = 3;

    public SessionConfig {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
        if (runawayLimit <= 0) {
            throw new IllegalArgumentException("runawayLimit must be positive");
        }
        if (values == null) {
            throw new IllegalArgumentException("values must be given");
        }
    }

    /** Free values. */
    public SessionConfig(Method method, CostModel cost, CacheCosts cacheCosts, int maxTokens, int runawayLimit) {
        this(method, cost, cacheCosts, maxTokens, runawayLimit, ArgumentValues.FREE);
    }

    public SessionConfig(Method method, CostModel cost, CacheCosts cacheCosts, int maxTokens) {
        this(method, cost, cacheCosts, maxTokens, DEFAULT_RUNAWAY_LIMIT, ArgumentValues.FREE);
    }
}
