package org.asynclm.runtime.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.asynclm.runtime.BadInputException;

/**
 * A config read in three layers: built-in defaults (a YAML resource listing every key), the user's YAML file, then
 * {@code --set key=value} overrides; bound to an immutable record with snake_case keys. A key the defaults lack, a
 * value of the wrong type or a failed check is one error line naming the file, the line and the key.
 *
 * @param kind     what the config is for, in messages ("datagen", "train")
 * @param openMaps keys whose value is a free map (any keys), such as weights by name
 */
public record YamlConfig(String kind, String defaultsResource, Set<String> openMaps) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)) // a key twice is a mistake, not "the last wins"
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT); // seed: 1.5 is not seed 1

    /** A bound config and where each key came from, for checks that name the place of a bad value. */
    public record Loaded<T>(T value, Path file, Map<String, String> origin) {

        public void check(boolean ok, String key, String message) throws BadInputException {
            if (!ok) {
                throw error(key, message);
            }
        }

        public BadInputException error(String key, String message) {
            return new BadInputException(where(origin, key, file) + key + ": " + message);
        }
    }

    public ObjectNode defaults() {
        try (InputStream in = YamlConfig.class.getResourceAsStream(defaultsResource)) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("built-in " + kind + " defaults are missing: " + defaultsResource, e);
        }
    }

    /** {@code file} may be null (defaults only); {@code overrides} are {@code --set key=value} texts. */
    public <T> Loaded<T> load(Path file, List<String> overrides, Class<T> type) throws BadInputException {
        return loadWith(file, overrides.stream().map(ConfigOverride::set).toList(), type);
    }

    /** {@code file} may be null (defaults only); then the overrides in order, a later one winning. */
    public <T> Loaded<T> loadWith(Path file, List<ConfigOverride> overrides, Class<T> type) throws BadInputException {
        ObjectNode tree = defaults();
        Map<String, String> origin = new HashMap<>(); // key path -> "file:line", "--set" or a shortcut option
        if (file != null) {
            Located user = read(file);
            merge(tree, user.tree(), "", user.lines(), file, origin);
            bind(tree, type, file, origin); // a broken value in the file is reported even if --set replaces it
        }
        for (ConfigOverride o : overrides) {
            ConfigOverride typed = o.unread() ? read(o.key()) : o;
            set(tree, typed.key(), typed.value(), typed.option());
            origin.put(typed.key(), typed.option());
        }
        return new Loaded<>(bind(tree, type, file, origin), file, origin);
    }

    /** {@code key=value} as typed after --set: the value is YAML. */
    private static ConfigOverride read(String keyEqualsValue) throws BadInputException {
        int eq = keyEqualsValue.indexOf('=');
        if (eq <= 0) {
            throw new BadInputException("--set " + keyEqualsValue + ": expected key=value");
        }
        String key = keyEqualsValue.substring(0, eq).strip();
        JsonNode value;
        try {
            value = YAML.readTree(keyEqualsValue.substring(eq + 1));
        } catch (JsonProcessingException e) {
            throw new BadInputException("--set " + key + ": cannot read the value: " + e.getOriginalMessage());
        }
        return new ConfigOverride(key, value == null || value.isMissingNode() ? YAML.getNodeFactory().nullNode() : value,
                "--set");
    }

    private static <T> T bind(ObjectNode tree, Class<T> type, Path file, Map<String, String> origin)
            throws BadInputException {
        try {
            return YAML.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            String key = JsonProblems.path(e, false);
            throw new BadInputException(where(origin, key, file) + key + ": " + typeMessage(e));
        } catch (IllegalArgumentException e) {
            throw new BadInputException((file == null ? "" : file + ": ") + e.getMessage());
        }
    }

    /** A parsed YAML file and the line of each key, keyed by dotted path. */
    private record Located(ObjectNode tree, Map<String, Integer> lines) {
    }

    private Located read(Path file) throws BadInputException {
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
                throw new BadInputException(file + ":1: a " + kind + " config is a YAML mapping of keys");
            }
            return new Located((ObjectNode) tree, lines);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage().lines().findFirst().orElse("");
            if (m.contains("Invalid UTF-8") || e.getCause() instanceof CharConversionException) {
                throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ": not UTF-8 text");
            }
            if (m.startsWith("Duplicate field '")) {
                String key = m.substring("Duplicate field '".length(), m.indexOf('\'', "Duplicate field '".length()));
                throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ": " + key
                        + ": given twice; keep one");
            }
            throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ": malformed YAML: " + m);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Copies the user's keys over the defaults, noting where each came from; an unknown key is an error. */
    private void merge(ObjectNode base, ObjectNode user, String prefix, Map<String, Integer> lines, Path file,
                       Map<String, String> origin) throws BadInputException {
        for (Iterator<Map.Entry<String, JsonNode>> it = user.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode known = base.get(e.getKey());
            int line = lines.getOrDefault(key, 1);
            boolean open = openMaps.contains(key);
            if (known == null || (known.isObject() && !e.getValue().isObject() && !open)) {
                throw new BadInputException(file + ":" + line + ": " + key + ": unknown key"
                        + (known == null ? " (see 'asynclm " + kind + " --print-defaults' for every key)" : ""));
            }
            if (known.isObject() && e.getValue().isObject() && !open) {
                merge((ObjectNode) known, (ObjectNode) e.getValue(), key, lines, file, origin);
            } else {
                base.set(e.getKey(), e.getValue());
            }
            origin.put(key, file + ":" + line);
        }
    }

    private void set(ObjectNode tree, String key, JsonNode value, String option) throws BadInputException {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            if (next == null || !next.isObject()) {
                throw new BadInputException(option + " " + key + ": unknown key");
            }
            node = (ObjectNode) next;
        }
        String last = parts[parts.length - 1];
        String parent = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "";
        if (!node.has(last) && !openMaps.contains(parent)) {
            throw new BadInputException(option + " " + key + ": unknown key");
        }
        node.set(last, value);
    }

    private static String where(Map<String, String> origin, String key, Path file) {
        String o = origin.get(key);
        if (o != null) {
            return o.startsWith("--") ? o + " " : o + ": ";
        }
        return file == null ? "" : file + ": ";
    }


    /** What a value should have been, in words: never Jackson's Java type names or feature flags. */
    private static String typeMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m.contains("must be [min, max]")) {
            return "must be [min, max]";
        }
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null && mi.getTargetType().isEnum()
                && !m.startsWith("Cannot map `null`")) {
            return "must be one of " + JsonProblems.enumIds(mi.getTargetType());
        }
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            String expected = words(mi.getTargetType());
            if (m.startsWith("Cannot map `null`")) {
                return "must not be empty; expected " + expected;
            }
            Object value = mi instanceof InvalidFormatException f ? f.getValue() : null;
            return "expected " + expected + (value == null ? "" : ", got '" + value + "'");
        }
        if (m.contains(", problem: ")) { // a value's own check, thrown while it was being made
            return m.substring(m.indexOf(", problem: ") + ", problem: ".length()).lines().findFirst().orElse("");
        }
        return m.lines().findFirst().orElse(m).replaceAll("`[a-z]+(\\.[a-zA-Z$]+)+`", "a value");
    }

    /** A Java type as a config reader names it. */
    static String words(Class<?> t) {
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class) {
            return "a whole number";
        }
        if (t == double.class || t == Double.class || t == float.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "text";
        }
        if (t == double[].class) {
            return "[min, max]";
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (t.isEnum()) {
            return "one of " + Arrays.stream(t.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
        }
        return "a mapping of keys";
    }

    private static String dotted(String pointer) {
        return pointer.replaceFirst("^/", "").replace('/', '.');
    }
}
