package org.asynclm.datagen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.asynclm.runtime.scenario.Scenario;

/**
 * A scenario with where it came from (its shape or BFCL category, and the split, null for synthetic tasks) and the
 * tool schemas the model is shown, each with its {@code estimated_time_ms}.
 */
public record Task(Scenario scenario, String shape, String split, List<ObjectNode> tools) {
    public Task {
        tools = List.copyOf(tools);
    }
}
