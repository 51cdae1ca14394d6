package org.asynclm.datagen.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.asynclm.datagen.Sources;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.sim.Simulator;
import org.asynclm.runtime.timeline.Timeline;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * The copied-values constraint never refuses the teacher on the shipped synthetic tasks: every quoted value of every
 * call is a span of the request or of an earlier interrupt. The teacher's engine throws on a refused token, so a value
 * the tasks derive instead of stating (or a rule too strict) fails here. Byte tokens: every character is a step.
 */
class CopiedValuesTeacherTest {

    @Test
    void theTeachersRunsAreTheSameUnderCopiedValues() throws Exception {
        DatagenConfig c = ConfigLoader.load(Path.of("../configs/datagen/synthetic.yaml"), List.of("n=150"));
        ByteTokenizer tok = new ByteTokenizer();
        TraceGenerator g = new TraceGenerator(c, tok, "byte", Sources.create(c));
        int calls = 0;
        for (int i = 0; i < c.n(); i++) {
            TraceGenerator.Case k = g.prepare(i);
            Simulator copied = new Simulator(tok, k.cost(), c.policy(), k.seed(), c.maxTokens(), null,
                    ArgumentValues.COPIED);
            Outcome free = k.simulator().run(k.prepared(), c.method(), Timeline.NONE);
            Outcome constrained = copied.run(k.prepared(), c.method(), Timeline.NONE);
            assertEquals(free.transcript(), constrained.transcript(), "task " + i);
            assertEquals(List.of(), constrained.errors(), "task " + i);
            assertEquals(free.makespanNanos(), constrained.makespanNanos(), "task " + i);
            calls += free.calls().size();
        }
        assertTrue(calls > 3 * c.n(), "the tasks have calls to constrain: " + calls);
    }
}
