package org.asynclm.datagen.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.config.ConfigOverride;
import org.asynclm.runtime.config.YamlConfig;
import org.asynclm.runtime.prompt.FunctionListing;
import org.asynclm.runtime.teacher.PolicyName;

/**
 * Reads a datagen config: the built-in defaults, then the user's YAML file, then {@code --set key=value}
 * overrides, bound to {@link DatagenConfig} and validated. A key the defaults do not have, a value of the wrong
 * type or an impossible range is one error line naming the file, the line and the key.
 */
public final class ConfigLoader {
    private static final YamlConfig YAML = new YamlConfig("datagen", "/org/asynclm/datagen/defaults.yaml",
            Set.of("synthetic.shapes", "bfcl.estimated_ms_by_function"));

    private ConfigLoader() {
    }

    public static ObjectNode defaults() {
        return YAML.defaults();
    }

    /** {@code file} may be null (defaults only). */
    public static DatagenConfig load(Path file, List<String> overrides) throws BadInputException {
        return loadWith(file, overrides.stream().map(ConfigOverride::set).toList());
    }

    /** The built-in defaults, then {@code file} (may be null), then the overrides; validated. */
    public static DatagenConfig loadWith(Path file, List<ConfigOverride> overrides) throws BadInputException {
        YamlConfig.Loaded<DatagenConfig> loaded = YAML.loadWith(file, overrides, DatagenConfig.class);
        validate(loaded);
        return loaded.value();
    }

    private static void validate(YamlConfig.Loaded<DatagenConfig> loaded) throws BadInputException {
        DatagenConfig c = loaded.value();
        loaded.check(c.source() != null, "source", "must be one of " + ConfigName.ids(DatagenConfig.Source.class));
        loaded.check(c.n() >= 1, "n", "must be at least 1");
        loaded.check(c.policy() != null, "policy", "must be one of " + ConfigName.ids(PolicyName.class));
        loaded.check(c.method() == Method.ASYNC || c.method() == Method.SYNC, "method", "must be async or sync");
        loaded.check(c.functionListing() != null, "function_listing",
                "must be one of " + ConfigName.ids(FunctionListing.class));
        loaded.check(c.source() == DatagenConfig.Source.SYNTHETIC || c.functionListing() == FunctionListing.JSON,
                "function_listing", "BFCL's tasks are listed as json, as eval bfcl gives them to a model");
        loaded.check(c.format() != null, "format", "must be one of " + ConfigName.ids(DatagenConfig.Format.class));
        loaded.check(c.tokenizer() != null, "tokenizer", "must be 'byte' or the path of a tokenizer.json");
        range(loaded, c.tpotMs(), "tpot_ms", 0, false);
        range(loaded, c.estimatedMs(), "estimated_ms", 0, false);
        range(loaded, c.noise(), "noise", 0, false);
        loaded.check(c.prefillMsPerToken() >= 0, "prefill_ms_per_token", "must be >= 0");
        loaded.check(c.maxTokens() >= 100, "max_tokens", "must be at least 100");
        DatagenConfig.Synthetic s = c.synthetic();
        loaded.check(s.shapes() != null && !s.shapes().isEmpty(), "synthetic.shapes", "needs at least one shape");
        for (Map.Entry<String, Double> e : s.shapes().entrySet()) {
            loaded.check(List.of("parallel", "chains", "fan_in", "random").contains(e.getKey()), "synthetic.shapes",
                    "unknown shape '" + e.getKey() + "' (parallel, chains, fan_in, random)");
            loaded.check(e.getValue() != null && e.getValue() >= 0, "synthetic.shapes", "weights must be >= 0");
        }
        loaded.check(s.shapes().values().stream().mapToDouble(Double::doubleValue).sum() > 0, "synthetic.shapes",
                "weights must not all be 0");
        range(loaded, s.parallelCalls(), "synthetic.parallel_calls", 1, true);
        range(loaded, s.chains(), "synthetic.chains", 1, true);
        range(loaded, s.chainLength(), "synthetic.chain_length", 1, true);
        range(loaded, s.fanInWidth(), "synthetic.fan_in_width", 1, true);
        range(loaded, s.dagWidth(), "synthetic.dag_width", 1, true);
        range(loaded, s.dagDepth(), "synthetic.dag_depth", 1, true);
        loaded.check(s.userInterruptRate() >= 0 && s.userInterruptRate() <= 1, "synthetic.user_interrupt_rate",
                "must be between 0 and 1");
        loaded.check(s.errorRate() >= 0 && s.errorRate() <= 1, "synthetic.error_rate", "must be between 0 and 1");
        DatagenConfig.Bfcl b = c.bfcl();
        loaded.check(b.split() != null, "bfcl.split", "must be one of " + ConfigName.ids(DatagenConfig.Split.class));
        loaded.check(b.trainFraction() > 0 && b.trainFraction() < 1, "bfcl.train_fraction", "must be between 0 and 1");
        loaded.check(List.of("used", "all").contains(b.tools()), "bfcl.tools", "must be used or all");
        for (Map.Entry<String, Double> e : b.estimatedMsByFunction().entrySet()) {
            loaded.check(e.getValue() != null, "bfcl.estimated_ms_by_function",
                    "'" + e.getKey() + "' has no time (write {name: ms}, with a space after the colon)");
            loaded.check(e.getValue() > 0, "bfcl.estimated_ms_by_function", "'" + e.getKey() + "' must be a time in ms > 0");
        }
    }

    private static void range(YamlConfig.Loaded<?> loaded, Range r, String key, double floor, boolean whole)
            throws BadInputException {
        loaded.check(r != null, key, "must be [min, max]");
        loaded.check(r.min() >= floor, key, "min must be >= " + (whole ? String.valueOf((long) floor) : floor));
        loaded.check(r.min() <= r.max(), key, "min must be <= max (got [" + r.min() + ", " + r.max() + "])");
        loaded.check(!whole || r.isWholeNumbers(), key, "must be whole numbers");
    }
}
