package org.asynclm.runtime;

import java.util.List;

/**
 * The result of one generation, times in nanoseconds from the start of decoding. {@code makespan} runs to the last
 * generated token, {@code lastResult} to the last tool completion.
 */
public record Outcome(Method method, EndState endState, long makespanNanos, long lastResultNanos, long decodeNanos,
                      long idleNanos, long prefillTokens, int interrupts, int traps, int generatedTokens,
                      int unfinishedCalls, List<CallRecord> calls, List<Segment> segments, List<String> errors) {

    public static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** The whole assistant turn as text, interrupts included. */
    public String transcript() {
        StringBuilder sb = new StringBuilder();
        segments.forEach(s -> sb.append(s.text()));
        return sb.toString();
    }
}
