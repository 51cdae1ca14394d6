package org.asynclm.datagen.trace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.asynclm.datagen.Task;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.asynclm.runtime.sim.Bounds;

/** One generated trace: the task, the teacher's Async run of it, and the figures that describe it. */
public record Trace(String id, String source, long seed, Task task, String policy, String tokenizer, double tpotMs,
                    double prefillMsPerToken, List<ObjectNode> tools, String system, Outcome outcome, Bounds bounds,
                    long syncMakespanNanos, int promptTokens) {

    public List<ScenarioCall> calls() {
        return task.scenario().calls();
    }

    public int assistantTokens() {
        return outcome.segments().stream().mapToInt(s -> s.tokens()).sum();
    }
}
