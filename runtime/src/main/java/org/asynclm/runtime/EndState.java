package org.asynclm.runtime;

/** How a generation ended. */
public enum EndState {
    /** The model ended its turn outside any block. */
    DONE,
    /** The token budget ran out. */
    MAX_TOKENS,
    /** The model ended its turn inside an unterminated control block. */
    EOS_IN_BLOCK,
    /** The runtime refused the model's blocks {@link SessionConfig#runawayLimit()} times in a row and ended the turn. */
    RUNAWAY
}
