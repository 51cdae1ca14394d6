package org.asynclm.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One config key set on the command line, above the file: by {@code --set key=value} (the value is YAML, as the user
 * typed it) or by a shortcut option such as {@code --lr} (the value is already typed, and never turned back into
 * text). {@code option} names where it came from, for messages: "--set" or the shortcut's name.
 */
public record ConfigOverride(String key, JsonNode value, String option) {
    public ConfigOverride {
        Objects.requireNonNull(key);
        Objects.requireNonNull(value);
        Objects.requireNonNull(option);
    }

    /** {@code --set key=value}, read when the config is loaded (a malformed value is reported there). */
    public static ConfigOverride set(String keyEqualsValue) {
        return new ConfigOverride(keyEqualsValue, JsonNodeFactory.instance.missingNode(), "--set");
    }

    public static ConfigOverride of(String option, String key, String text) {
        return new ConfigOverride(key, JsonNodeFactory.instance.textNode(text), option);
    }

    public static ConfigOverride of(String option, String key, Path path) {
        return of(option, key, path.toString());
    }

    public static ConfigOverride of(String option, String key, long number) {
        return new ConfigOverride(key, JsonNodeFactory.instance.numberNode(number), option);
    }

    public static ConfigOverride of(String option, String key, double number) {
        return new ConfigOverride(key, JsonNodeFactory.instance.numberNode(number), option);
    }

    /** Whether this is a {@code --set} whose text is still to be read. */
    boolean unread() {
        return value.isMissingNode();
    }
}
