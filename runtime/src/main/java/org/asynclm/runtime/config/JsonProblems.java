package org.asynclm.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where Jackson failed to bind a value, as a user reads it: the snake_case key path of a config or a trace line
 * ({@code synthetic.chains}, or with list positions {@code assistant[2].kind}), and an enum's names.
 */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** The key path of the failure; {@code withIndices} adds list positions; empty when there is none. */
    public static String path(JsonProcessingException e, boolean withIndices) {
        if (!(e instanceof JsonMappingException m)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(r.getFieldName()));
            } else if (withIndices && r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The names configs give an enum's constants: their {@link ConfigName#id}, or the name in lower case. */
    public static List<String> enumIds(Class<?> type) {
        List<String> ids = new ArrayList<>();
        for (Object c : type.getEnumConstants()) {
            ids.add(c instanceof ConfigName n ? n.id() : ((Enum<?>) c).name().toLowerCase(Locale.ROOT));
        }
        return ids;
    }
}
