package org.asynclm.eval.learning;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.asynclm.cml.PyCall;
import org.asynclm.cml.PySyntaxException;
import org.asynclm.eval.latency.CallAccuracy;
import org.asynclm.runtime.CallRecord;
import org.asynclm.runtime.EndState;
import org.asynclm.runtime.Outcome;
import org.asynclm.runtime.scenario.Scenario;
import org.asynclm.runtime.scenario.ScenarioCall;

/**
 * A trained model's run of one task under Async, judged against the task's ground truth and timed against the
 * teacher's runs of the same task on the same clock.
 *
 * @param cmlValid       the turn ended outside any block and the runtime refused nothing the model wrote (no
 *                       malformed call, unknown function, duplicate id, stray trap or written interrupt)
 * @param allCallsOnce   the model called each function as many times as the task needs, no more, no fewer
 * @param dependenciesOk at least one call matched the ground truth and every matched call was written after the
 *                       results it depends on had been injected
 * @param ok             every call once with the right arguments (values copied from earlier results), in a valid
 *                       order, and a valid turn: the task is done
 * @param endState       how the turn ended ({@link EndState#RUNAWAY}: the runtime's runaway guard stopped it)
 */
public record RunCheck(String scenario, boolean cmlValid, boolean allCallsOnce, boolean dependenciesOk, boolean ok,
                       EndState endState, long makespanNanos, long teacherNanos, long syncNanos, List<String> errors,
                       String transcript) {

    public static RunCheck of(Scenario scenario, Outcome model, Outcome teacher, long syncNanos) {
        boolean valid = model.endState() == EndState.DONE
                && model.errors().size() == (model.unfinishedCalls() > 0 ? 1 : 0);
        CallAccuracy.Verdict v = CallAccuracy.check(scenario, model);
        boolean once = functionCounts(model.calls()).equals(expectedCounts(scenario));
        boolean ordered = v.matched() > 0 && v.ordered() == v.matched();
        return new RunCheck(scenario.name(), valid, once, ordered, valid && v.correct(), model.endState(),
                model.makespanNanos(),
                teacher.makespanNanos(), syncNanos, model.errors(), model.transcript());
    }

    private static Map<String, Integer> expectedCounts(Scenario scenario) {
        Map<String, Integer> counts = new TreeMap<>();
        for (ScenarioCall c : scenario.calls()) {
            counts.merge(c.function(), 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, Integer> functionCounts(List<CallRecord> calls) {
        Map<String, Integer> counts = new TreeMap<>();
        for (CallRecord r : calls) {
            String function;
            try {
                function = PyCall.parseCallBody(r.body()).function();
            } catch (PySyntaxException e) {
                function = "(malformed)";
            }
            counts.merge(function, 1, Integer::sum);
        }
        return counts;
    }
}
