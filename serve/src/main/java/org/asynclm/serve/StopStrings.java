package org.asynclm.serve;

import java.util.List;

/**
 * OpenAI's {@code stop}: generation ends before the first occurrence of any of the strings, which the text never
 * contains. Text that might be the start of one is held back until it is clear; {@link #text} is all that was
 * released.
 */
final class StopStrings {
    private final List<String> stops;
    private final int holdBack;
    private final StringBuilder released = new StringBuilder();
    private final StringBuilder pending = new StringBuilder();

    /** What a piece released, and whether a stop string ended the text. */
    record Step(String ready, boolean stopped) {
    }

    StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.holdBack = this.stops.stream().mapToInt(String::length).max().orElse(1) - 1;
    }

    Step feed(String piece) {
        pending.append(piece);
        int at = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at >= 0) {
            String ready = pending.substring(0, at);
            pending.setLength(0);
            released.append(ready);
            return new Step(ready, true);
        }
        int keep = Math.min(holdBack, pending.length());
        String ready = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        released.append(ready);
        return new Step(ready, false);
    }

    /** What was held back, released at the end. */
    String flush() {
        String rest = pending.toString();
        pending.setLength(0);
        released.append(rest);
        return rest;
    }

    String text() {
        return released.toString();
    }
}
