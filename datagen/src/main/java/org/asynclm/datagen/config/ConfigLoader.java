package org.asynclm.datagen.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.teacher.Policy;

/**
 * Reads a datagen config: the built-in defaults, then the user's YAML file, then {@code --set key=value}
 * overrides, bound to {@link DatagenConfig} and validated. A key the defaults do not have, a value of the wrong
 * type or an impossible range is one error line naming the file, the line and the key.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {
    }

    public static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/org/asynclm/datagen/defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in datagen defaults are missing", e);
        }
    }

    /** {@code file} may be null (defaults only). */
    public static DatagenConfig load(Path file, List<String> overrides) throws BadInputException {
        ObjectNode tree = defaults();
        Map<String, String> origin = new HashMap<>(); // key path -> "file:line" or "--set"
        if (file != null) {
            Located user = read(file);
            merge(tree, user.tree(), "", user.lines(), file, origin);
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--set " + o + ": expected key=value, e.g. --set synthetic.chains=[1,3]");
            }
            String key = o.substring(0, eq).strip();
            JsonNode value;
            try {
                value = YAML.readTree(o.substring(eq + 1));
            } catch (JsonProcessingException e) {
                throw new BadInputException("--set " + key + ": cannot read the value: " + e.getOriginalMessage());
            }
            set(tree, key, value == null || value.isMissingNode() ? YAML.getNodeFactory().nullNode() : value);
            origin.put(key, "--set");
        }
        DatagenConfig config;
        try {
            config = YAML.treeToValue(tree, DatagenConfig.class);
        } catch (JsonProcessingException e) {
            String key = pathOf(e);
            throw new BadInputException(where(origin, key, file) + key + ": " + typeMessage(e));
        } catch (IllegalArgumentException e) {
            throw new BadInputException((file == null ? "" : file + ": ") + e.getMessage());
        }
        validate(config, origin, file);
        return config;
    }

    /** A parsed YAML file and the line of each key, keyed by dotted path. */
    private record Located(ObjectNode tree, Map<String, Integer> lines) {
    }

    private static Located read(Path file) throws BadInputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such config file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
        Map<String, Integer> lines = new HashMap<>();
        try {
            try (JsonParser p = YAML.getFactory().createParser(bytes)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == JsonToken.FIELD_NAME) {
                        String parent = p.getParsingContext().getParent().pathAsPointer().toString();
                        lines.putIfAbsent(dotted(parent + "/" + p.currentName()), p.currentTokenLocation().getLineNr());
                    }
                }
            }
            JsonNode tree = YAML.readTree(bytes);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return new Located(YAML.createObjectNode(), lines);
            }
            if (!tree.isObject()) {
                throw new BadInputException(file + ":1: a datagen config is a YAML mapping of keys");
            }
            return new Located((ObjectNode) tree, lines);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ": malformed YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Copies the user's keys over the defaults, noting where each came from; an unknown key is an error. */
    private static void merge(ObjectNode base, ObjectNode user, String prefix, Map<String, Integer> lines, Path file,
                              Map<String, String> origin) throws BadInputException {
        for (Iterator<Map.Entry<String, JsonNode>> it = user.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode known = base.get(e.getKey());
            int line = lines.getOrDefault(key, 1);
            if (known == null || (known.isObject() && !e.getValue().isObject() && !key.equals("synthetic.shapes"))) {
                throw new BadInputException(file + ":" + line + ": " + key + ": unknown key"
                        + (known == null ? " (see 'asynclm datagen --print-defaults' for every key)" : ""));
            }
            if (known.isObject() && e.getValue().isObject() && !key.equals("synthetic.shapes")) {
                merge((ObjectNode) known, (ObjectNode) e.getValue(), key, lines, file, origin);
            } else {
                base.set(e.getKey(), e.getValue());
            }
            origin.put(key, file + ":" + line);
        }
    }

    private static void set(ObjectNode tree, String key, JsonNode value) throws BadInputException {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            if (next == null || !next.isObject()) {
                throw new BadInputException("--set " + key + ": unknown key");
            }
            node = (ObjectNode) next;
        }
        String last = parts[parts.length - 1];
        if (!node.has(last) && !key.startsWith("synthetic.shapes.")) {
            throw new BadInputException("--set " + key + ": unknown key");
        }
        node.set(last, value);
    }

    private static void validate(DatagenConfig c, Map<String, String> origin, Path file) throws BadInputException {
        check(DatagenConfig.SOURCES.contains(c.source()), "source", "must be one of " + DatagenConfig.SOURCES, origin, file);
        check(c.n() >= 1, "n", "must be at least 1", origin, file);
        check(Policy.NAMES.contains(c.policy()), "policy", "must be one of " + Policy.NAMES, origin, file);
        check(DatagenConfig.FORMATS.contains(c.format()), "format", "must be one of " + DatagenConfig.FORMATS, origin, file);
        check(c.tokenizer() != null && !c.tokenizer().isBlank(), "tokenizer", "must be 'byte' or a path", origin, file);
        range(c.tpotMs(), "tpot_ms", 0, false, origin, file);
        range(c.estimatedMs(), "estimated_ms", 0, false, origin, file);
        range(c.noise(), "noise", 0, false, origin, file);
        check(c.prefillMsPerToken() >= 0, "prefill_ms_per_token", "must be >= 0", origin, file);
        check(c.maxTokens() >= 100, "max_tokens", "must be at least 100", origin, file);
        DatagenConfig.Synthetic s = c.synthetic();
        check(s.shapes() != null && !s.shapes().isEmpty(), "synthetic.shapes", "needs at least one shape", origin, file);
        for (Map.Entry<String, Double> e : s.shapes().entrySet()) {
            check(List.of("parallel", "chains", "fan_in", "random").contains(e.getKey()), "synthetic.shapes",
                    "unknown shape '" + e.getKey() + "' (parallel, chains, fan_in, random)", origin, file);
            check(e.getValue() != null && e.getValue() >= 0, "synthetic.shapes", "weights must be >= 0", origin, file);
        }
        check(s.shapes().values().stream().mapToDouble(Double::doubleValue).sum() > 0, "synthetic.shapes",
                "weights must not all be 0", origin, file);
        range(s.parallelCalls(), "synthetic.parallel_calls", 1, true, origin, file);
        range(s.chains(), "synthetic.chains", 1, true, origin, file);
        range(s.chainLength(), "synthetic.chain_length", 1, true, origin, file);
        range(s.fanInWidth(), "synthetic.fan_in_width", 1, true, origin, file);
        range(s.dagWidth(), "synthetic.dag_width", 1, true, origin, file);
        range(s.dagDepth(), "synthetic.dag_depth", 1, true, origin, file);
        check(s.userInterruptRate() >= 0 && s.userInterruptRate() <= 1, "synthetic.user_interrupt_rate",
                "must be between 0 and 1", origin, file);
        DatagenConfig.Bfcl b = c.bfcl();
        check(List.of("train", "eval").contains(b.split()), "bfcl.split", "must be train or eval", origin, file);
        check(b.trainFraction() > 0 && b.trainFraction() < 1, "bfcl.train_fraction", "must be between 0 and 1",
                origin, file);
        check(List.of("used", "all").contains(b.tools()), "bfcl.tools", "must be used or all", origin, file);
    }

    private static void range(Range r, String key, double floor, boolean whole, Map<String, String> origin, Path file)
            throws BadInputException {
        check(r != null, key, "must be [min, max]", origin, file);
        check(r.min() >= floor, key, "min must be >= " + (whole ? String.valueOf((long) floor) : floor), origin, file);
        check(r.min() <= r.max(), key, "min must be <= max (got [" + r.min() + ", " + r.max() + "])", origin, file);
        check(!whole || r.isWholeNumbers(), key, "must be whole numbers", origin, file);
    }

    private static void check(boolean ok, String key, String message, Map<String, String> origin, Path file)
            throws BadInputException {
        if (!ok) {
            throw new BadInputException(where(origin, key, file) + key + ": " + message);
        }
    }

    private static String where(Map<String, String> origin, String key, Path file) {
        String o = origin.get(key);
        if (o != null) {
            return o.equals("--set") ? "--set " : o + ": ";
        }
        return file == null ? "" : file + ": ";
    }

    private static String pathOf(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            StringBuilder sb = new StringBuilder();
            for (var ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    if (!sb.isEmpty()) {
                        sb.append('.');
                    }
                    sb.append(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(ref.getFieldName()));
                }
            }
            return sb.toString();
        }
        return "";
    }

    private static String typeMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m.contains("must be [min, max]")) {
            return "must be [min, max]";
        }
        if (m.startsWith("Cannot deserialize value of type")) {
            String type = m.substring("Cannot deserialize value of type `".length(), m.indexOf('`', 34));
            return "expected " + type.replace("java.lang.", "").replace("double[]", "[min, max]")
                    .replace("org.asynclm.datagen.config.", "");
        }
        return m.lines().findFirst().orElse(m);
    }

    private static String dotted(String pointer) {
        return pointer.replaceFirst("^/", "").replace('/', '.');
    }
}
