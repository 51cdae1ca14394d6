package org.asynclm.cml;

/** What the streaming parser saw. Free text outside blocks is reported; text inside a block is part of the block. */
public sealed interface CmlEvent {

    record Text(String text) implements CmlEvent {
    }

    record Opened(BlockKind kind, long offset) implements CmlEvent {
    }

    record Closed(Block block) implements CmlEvent {
    }

    /** The stream broke CML at {@code offset}; the parser has dropped the open block, if any, and reads on as text. */
    record Violation(long offset, String message) implements CmlEvent {
    }
}
