package org.asynclm.runtime.exec;

import java.util.Map;
import org.asynclm.cml.CmlWriter;

/**
 * One invocation of a tool, as both executors run it: the tool's result as JSON, or an exception turned into an
 * error result. How simulated time passes is the executor's business ({@code sleeper}).
 */
final class ToolCall implements Invocation {

    /** Takes simulated time: a real sleep, or a note of how long the call would have taken. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** What came back: compact JSON and whether it is an error. */
    record Result(String valueJson, Interrupt.Kind kind) {
    }

    private final String id;
    private final Map<String, Object> arguments;
    private final Sleeper sleeper;

    ToolCall(String id, Map<String, Object> arguments, Sleeper sleeper) {
        this.id = id;
        this.arguments = arguments;
        this.sleeper = sleeper;
    }

    @Override
    public String callId() {
        return id;
    }

    @Override
    public Map<String, Object> arguments() {
        return arguments;
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (nanos > 0) {
            sleeper.sleep(nanos);
        }
    }

    Result run(Tool tool) {
        try {
            return new Result(CmlWriter.json(tool.invoke(this)), Interrupt.Kind.RESULT);
        } catch (Exception e) {
            return new Result(CmlWriter.errorJson(ToolExecutor.describe(e)), Interrupt.Kind.ERROR);
        }
    }

    static Result timedOut(long timeoutNanos) {
        return new Result(CmlWriter.errorJson("timed out after " + timeoutNanos / 1_000_000.0 + " ms"),
                Interrupt.Kind.ERROR);
    }
}
