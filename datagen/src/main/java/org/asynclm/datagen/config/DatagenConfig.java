package org.asynclm.datagen.config;

import java.util.List;
import java.util.Map;
import org.asynclm.runtime.Method;

/**
 * Everything that decides a datagen run; see {@code defaults.yaml} for each key's meaning and default. {@code method}
 * is how the teacher's calls run in a trace, and so what a model trained on it does: async or sync.
 */
public record DatagenConfig(String source, int n, long seed, String policy, Method method, String format,
                            String tokenizer, Range tpotMs, Range estimatedMs, Range noise, double prefillMsPerToken,
                            int maxTokens, Synthetic synthetic, Bfcl bfcl) {

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
