package org.asynclm.datagen.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.prompt.FunctionListing;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.runtime.tokens.TokenizerChoice;

/**
 * Everything that decides a datagen run; see {@code defaults.yaml} for each key's meaning and default. {@code method}
 * is how the teacher's calls run in a trace, and so what a model trained on it does: async or sync.
 * {@code functionListing} is how its system prompt lists the functions; the held-out tasks of {@code eval synthetic}
 * come from the same config, so a model is judged on the prompt it was trained on.
 */
public record DatagenConfig(Source source, int n, long seed, PolicyName policy, Method method,
                            FunctionListing functionListing, Format format, TokenizerChoice tokenizer, Range tpotMs,
                            Range estimatedMs, Range noise, double prefillMsPerToken, int maxTokens, Synthetic synthetic,
                            Bfcl bfcl) {

    /** A listing left out follows the source ({@link #listingFor}). */
    public DatagenConfig {
        if (functionListing == null && source != null) {
            functionListing = listingFor(source);
        }
    }

    /**
     * The function listing of {@code source}'s traces when the config names none: signatures for synthetic tasks
     * (fewer tokens, more examples in a packed row, more tasks right: README, learning table rows 49 and 51), JSON for
     * BFCL's, whose nested parameters and their descriptions a signature drops.
     */
    public static FunctionListing listingFor(Source source) {
        return source == Source.SYNTHETIC ? FunctionListing.SIGNATURES : FunctionListing.JSON;
    }

    /** Where the tasks come from: the built-in function pool, or BFCL's entries in one of three shapes. */
    public enum Source implements ConfigName { SYNTHETIC, BFCL_PARALLEL, BFCL_MULTI_TURN, BFCL_MULTI_STEP_PARALLEL }

    /** The layout of each written line: asynclm's own trace, or what TRL or Axolotl trains on. */
    public enum Format implements ConfigName { NATIVE, TRL, AXOLOTL }

    /** Which part of BFCL's entries a task may use, so that evaluation entries never reach training. */
    public enum Split implements ConfigName { TRAIN, EVAL }

    public record Synthetic(Map<String, Double> shapes, Range parallelCalls, Range chains, Range chainLength,
                            Range fanInWidth, Range dagWidth, Range dagDepth, double userInterruptRate,
                            double errorRate) {
    }

    /** {@code estimatedMsByFunction}: fixed estimates for named functions; the others draw from estimated_ms. */
    public record Bfcl(String dir, Split split, double trainFraction, String tools,
                       Map<String, Double> estimatedMsByFunction) {
        public Bfcl {
            // a copy that keeps a key without a value, so that validation can name it ({cd:5} is one key, "cd:5")
            estimatedMsByFunction = estimatedMsByFunction == null ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(estimatedMsByFunction));
        }
    }
}
