package org.asynclm.runtime;

import org.asynclm.runtime.config.ConfigName;

/** What constrained decoding asks of the quoted values in a model's calls, beyond well-formed CML. */
public enum ArgumentValues implements ConfigName {
    /** Any text. */
    FREE,
    /**
     * Copied: each string literal is a span of the user's request or of an interrupt, bounded by word boundaries
     * ({@link org.asynclm.cml.CopiedValues}), for tasks whose every value is stated or returned before it is needed.
     */
    COPIED
}
