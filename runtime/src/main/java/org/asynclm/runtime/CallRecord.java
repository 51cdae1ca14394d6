package org.asynclm.runtime;

/**
 * One call as it happened, times in nanoseconds from the start of decoding: the block was written from
 * {@code blockStart} to {@code blockEnd}, ran from {@code startedAt} to {@code arrivedAt}, and its interrupt entered
 * the context at {@code injectedAt} (-1: not yet, or never for a call without id).
 */
public record CallRecord(String id, String function, String body, long blockStart, long blockEnd, long startedAt,
                         long arrivedAt, long injectedAt, boolean error) {
}
