package org.asynclm.bfcl.multiturn;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The data tables of BFCL's backends that are too long to write out in Java: the long-context padding
 * (long_context.py), TradingBot's default state and TravelAPI's route costs in their dict order. They are BFCL's
 * (Apache-2.0), extracted by {@code tools/bfcl_backend_golden.py} into {@code backend-data.json}. Every read is a
 * deep copy, so a backend that changes what it got changes only its own state.
 */
final class BackendData {
    private static final String RESOURCE = "backend-data.json";
    private static volatile Map<Object, Object> data;

    private BackendData() {
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> data() {
        if (data == null) {
            synchronized (BackendData.class) {
                if (data == null) {
                    try (InputStream in = BackendData.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("missing resource " + RESOURCE);
                        }
                        data = (Map<Object, Object>) untag(Py.fromJson(new ObjectMapper().readTree(in)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return data;
    }

    /** The extraction writes Python's Ellipsis, which JSON lacks, as {@code {"__python__": "Ellipsis"}}. */
    @SuppressWarnings("unchecked")
    private static Object untag(Object v) {
        if (v instanceof Map<?, ?> m) {
            if (m.size() == 1 && "Ellipsis".equals(m.get("__python__"))) {
                return Py.ELLIPSIS;
            }
            ((Map<Object, Object>) m).replaceAll((k, x) -> untag(x));
        } else if (v instanceof java.util.List<?> l) {
            ((java.util.List<Object>) l).replaceAll(BackendData::untag);
        }
        return v;
    }

    /** A top-level table, such as {@code travel_base_costs}. */
    static Object get(String name) {
        Object v = data().get(name);
        if (v == null) {
            throw new IllegalArgumentException("no table " + name + " in " + RESOURCE);
        }
        return Py.deepCopy(v);
    }

    /** A constant of long_context.py, such as {@code FILE_CONTENT_EXTENSION}. */
    @SuppressWarnings("unchecked")
    static Object longContext(String name) {
        Object v = ((Map<Object, Object>) data().get("long_context")).get(name);
        if (v == null) {
            throw new IllegalArgumentException("no long-context constant " + name + " in " + RESOURCE);
        }
        return Py.deepCopy(v);
    }
}
