package org.asynclm.datagen.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.asynclm.runtime.Method;

/** Everything that decides a datagen run; see {@code defaults.yaml} for each key's meaning and default. */
public record DatagenConfig(String source, int n, long seed, String policy, TraceMethod method, String format,
                            String tokenizer, Range tpotMs, Range estimatedMs, Range noise, double prefillMsPerToken,
                            int maxTokens, Synthetic synthetic, Bfcl bfcl) {

    /** How the teacher's calls run in a trace: what the trained model will do. */
    public enum TraceMethod {
        /** The model keeps writing while calls run; results arrive as interrupts (the paper's AsyncLM). */
        @JsonProperty("async") ASYNC(Method.ASYNC),
        /** Generation waits at every call until its result is injected (ordinary function calling). */
        @JsonProperty("sync") SYNC(Method.SYNC);

        private final Method method;

        TraceMethod(Method method) {
            this.method = method;
        }

        public Method runtimeMethod() {
            return method;
        }
    }

    public static final List<String> SOURCES =
            List.of("synthetic", "bfcl-parallel", "bfcl-multi-turn", "bfcl-multi-step-parallel");
    public static final List<String> FORMATS = List.of("native", "trl", "axolotl");

    public record Synthetic(Map<String, Double> shapes, Range parallelCalls, Range chains, Range chainLength,
                            Range fanInWidth, Range dagWidth, Range dagDepth, double userInterruptRate,
                            double errorRate) {
    }

    public record Bfcl(String dir, String split, double trainFraction, String tools) {
    }
}
