package org.asynclm.runtime.scenario;

import java.util.List;

/**
 * A message from the user that arrives {@code atNanos} after the first generated token, as
 * {@code [INTR]user[HEAD]"text"[END]}, and asks for {@code calls}, which a model cannot know of before it.
 */
public record FollowUp(String text, long atNanos, List<String> calls) {
    public FollowUp {
        calls = List.copyOf(calls);
        if (atNanos < 0) {
            throw new IllegalArgumentException("a follow-up cannot arrive before generation starts");
        }
    }
}
