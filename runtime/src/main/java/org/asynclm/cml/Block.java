package org.asynclm.cml;

/**
 * A completed control block. {@code id} is null for a call written without one and for a trap; {@code body} is the
 * call body, the interrupt value, or empty for a trap. Offsets count characters of the whole stream.
 */
public record Block(BlockKind kind, String id, String body, long start, long end) {
}
