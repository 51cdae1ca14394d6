package org.asynclm.runtime.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An enum whose constants a config or the command line names in lower case with dashes (BFCL_MULTI_TURN is
 * {@code bfcl-multi-turn}). Jackson reads and writes it through {@link #id}; {@link #parse} reads one by name, and the
 * message for a name that is not one lists them all.
 */
public interface ConfigName {

    /** The constant's name as configs and reports write it. */
    @JsonValue
    default String id() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every id of {@code type}, in declaration order. */
    static <E extends Enum<E> & ConfigName> List<String> ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigName::id).toList();
    }

    /** The constant named {@code id}; an unknown one is an IllegalArgumentException listing the known ids. */
    static <E extends Enum<E> & ConfigName> E parse(Class<E> type, String id) {
        for (E e : type.getEnumConstants()) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("must be one of " + ids(type) + ", got '" + id + "'");
    }
}
