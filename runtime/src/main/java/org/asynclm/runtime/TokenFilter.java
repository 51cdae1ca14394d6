package org.asynclm.runtime;

/** The allowed-next-token predicate of constrained decoding. */
@FunctionalInterface
public interface TokenFilter {
    boolean allows(int tokenId);
}
