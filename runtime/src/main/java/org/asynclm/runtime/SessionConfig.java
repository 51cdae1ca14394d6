package org.asynclm.runtime;

/** Settings of one generation. */
public record SessionConfig(Method method, CostModel cost, CacheCosts cacheCosts, int maxTokens) {
    public SessionConfig {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
    }
}
