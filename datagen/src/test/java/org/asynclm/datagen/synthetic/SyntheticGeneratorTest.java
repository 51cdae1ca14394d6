package org.asynclm.datagen.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.asynclm.datagen.config.ConfigLoader;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.config.Range;
import org.asynclm.runtime.scenario.Ref;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;
import org.junit.jupiter.api.Test;

class SyntheticGeneratorTest {

    private static SyntheticGenerator generator(double interruptRate) throws Exception {
        DatagenConfig c = ConfigLoader.load(null, List.of("synthetic.user_interrupt_rate=" + interruptRate));
        return new SyntheticGenerator(c.synthetic(), c.estimatedMs(), c.noise());
    }

    @Test
    void everyDependencyIsAValueCopiedFromTheParentsResult() throws Exception {
        SyntheticGenerator g = generator(0);
        for (int i = 0; i < 500; i++) {
            SplittableRandom rng = new SplittableRandom(i);
            Scenario s = g.generate(g.drawShape(rng), "t" + i, rng);
            for (ScenarioCall c : s.calls()) {
                for (String d : c.deps()) {
                    assertTrue(refersTo(c.arguments().values(), d, s), s.name() + " " + c.id() + " <- " + d);
                }
            }
        }
    }

    private static boolean refersTo(Iterable<?> values, String parent, Scenario s) {
        for (Object v : values) {
            if (v instanceof Ref r && r.call().equals(parent)) {
                return !s.call(parent).result().at(r.pointer()).isMissingNode();
            }
            if (v instanceof List<?> l && refersTo(l, parent, s)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shapesHaveTheirStructure() throws Exception {
        SyntheticGenerator g = generator(0);
        SplittableRandom rng = new SplittableRandom(3);
        Scenario parallel = g.generate("parallel", "p", rng);
        assertTrue(parallel.independent());
        Scenario fanIn = g.generate("fan_in", "f", rng);
        ScenarioCall join = fanIn.calls().get(fanIn.calls().size() - 1);
        assertTrue(join.deps().size() >= 2, "the last call of a fan-in joins several branches");
        Scenario chains = new SyntheticGenerator(SyntheticGenerator.shapes(new Range(2, 2), new Range(3, 3),
                new Range(4, 4)), r -> 100, new Range(1, 1)).generate("chains", "c", rng);
        assertEquals(12, chains.calls().size());
        assertEquals(3, chains.calls().stream().filter(c -> c.deps().isEmpty()).count());
        assertTrue(chains.calls().stream().allMatch(c -> c.estimatedNanos() == 100_000_000L
                && c.execNanos() == 100_000_000L), "estimates come from the sampler, noise 1 keeps them exact");
    }

    @Test
    void followUpsHoldTheLastPartOfTheTask() throws Exception {
        SyntheticGenerator g = generator(1.0);
        int withFollowUp = 0;
        for (int i = 0; i < 200; i++) {
            SplittableRandom rng = new SplittableRandom(i);
            Scenario s = g.generate("parallel", "u" + i, rng);
            if (s.calls().size() > 1) {
                assertEquals(1, s.followUps().size());
                assertTrue(s.followUps().get(0).text().startsWith("Also, "));
                String last = s.calls().get(s.calls().size() - 1).id();
                assertEquals(List.of(last), s.followUps().get(0).calls(), "each parallel call is its own group");
                withFollowUp++;
            }
        }
        assertTrue(withFollowUp > 150);
    }

    @Test
    void aFailedAttemptIsRetriedWithTheSameArgumentsOnceItsErrorArrives() throws Exception {
        DatagenConfig c = ConfigLoader.load(null, List.of("synthetic.error_rate=0.3"));
        SyntheticGenerator g = new SyntheticGenerator(c.synthetic(), c.estimatedMs(), c.noise());
        int failed = 0;
        for (int i = 0; i < 300; i++) {
            SplittableRandom rng = new SplittableRandom(i);
            Scenario s = g.generate(g.drawShape(rng), "e" + i, rng);
            for (ScenarioCall attempt : s.calls()) {
                if (!attempt.result().has("error")) {
                    continue;
                }
                failed++;
                List<ScenarioCall> retries = s.calls().stream().filter(x -> x.deps().contains(attempt.id())).toList();
                assertEquals(1, retries.size(), s.name() + ": nothing but the retry waits for a failed attempt");
                ScenarioCall retry = retries.get(0);
                assertEquals(attempt.function(), retry.function());
                assertEquals(attempt.arguments(), retry.arguments());
                assertFalse(retry.result().has("error"), "a call fails once at most");
            }
        }
        assertTrue(failed > 100, "about 30% of the calls fail once: " + failed);
    }

    @Test
    void aTaskNeverAsksForTheSameCallTwice() throws Exception {
        SyntheticGenerator g = generator(0);
        for (int i = 0; i < 2000; i++) {
            SplittableRandom rng = new SplittableRandom(i);
            Scenario s = g.generate(g.drawShape(rng), "d" + i, rng);
            var results = s.trueResults();
            var bodies = new HashSet<String>();
            for (ScenarioCall call : s.calls()) {
                assertTrue(bodies.add(call.function() + Scenario.resolve(call, results)), s.name() + ": "
                        + s.userPrompt());
            }
        }
    }

    @Test
    void callIdsAreShortLetters() {
        assertEquals("a", SyntheticGenerator.idFor(0));
        assertEquals("z", SyntheticGenerator.idFor(25));
        assertEquals("aa", SyntheticGenerator.idFor(26));
    }
}
