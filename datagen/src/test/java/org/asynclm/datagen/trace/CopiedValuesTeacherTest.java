package org.asynclm.datagen.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.asynclm.datagen.Sources;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.Scenario;
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

    /**
     * The rule reaches the simulator's sessions, with the request as a source: take a stated value out of the
     * request (the prompt the model reads stays as it was) and the teacher's call that copies it is refused.
     */
    @Test
    void aValueTheRequestNoLongerStatesIsRefused() throws Exception {
        DatagenConfig c = ConfigLoader.load(Path.of("../configs/datagen/synthetic.yaml"), List.of("n=1"));
        ByteTokenizer tok = new ByteTokenizer();
        TraceGenerator.Case k = new TraceGenerator(c, tok, "byte", Sources.create(c)).prepare(0);
        Scenario s = k.task().scenario();
        String stated = s.calls().stream().flatMap(call -> call.arguments().values().stream())
                .filter(v -> v instanceof String text && text.length() > 3 && s.userPrompt().contains(text))
                .map(String.class::cast).findFirst().orElseThrow();
        Scenario without = new Scenario(s.name(), s.userPrompt().replace(stated, "(unsaid)"), s.calls(),
                s.finalAnswer(), s.followUps());
        Simulator.Prepared prepared = k.simulator().prepare(without, k.prepared().prompt());
        Simulator copied = new Simulator(tok, k.cost(), c.policy(), k.seed(), c.maxTokens(), null,
                ArgumentValues.COPIED);
        assertEquals(List.of(), k.simulator().run(prepared, c.method(), Timeline.NONE).errors(), "free: as before");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> copied.run(prepared, c.method(), Timeline.NONE));
        assertTrue(refused.getMessage().startsWith("teacher emitted a token the CML mask forbids"),
                refused.getMessage());
    }
}
