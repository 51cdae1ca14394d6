package org.asynclm.bfcl.multiturn;

import java.util.List;
import java.util.Map;

/**
 * The bound arguments of one call, read by parameter name. The typed readers raise the error Python would raise
 * where the code uses the value as that type (a model can pass anything).
 */
public final class Args {
    private final String method;
    private final List<Backend.Param> params;
    private final Object[] values;

    Args(String method, List<Backend.Param> params, Object[] values) {
        this.method = method;
        this.params = params;
        this.values = values;
    }

    public Object get(String name) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(name)) {
                return values[i];
            }
        }
        throw new IllegalArgumentException(method + " has no parameter " + name);
    }

    /** A str argument; None stays null. */
    public String str(String name) throws PyException {
        Object v = get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new PyException("'" + Py.typeName(v) + "' object has no attribute 'strip'");
    }

    /** A number argument (int, float or bool), as Python arithmetic would accept it. */
    public Object number(String name) throws PyException {
        Object v = get(name);
        if (Py.isNumber(v)) {
            return v;
        }
        throw new PyException("unsupported operand type(s) for " + Py.typeName(v) + ": '" + Py.typeName(v) + "'");
    }

    /** An int argument; a float or a str is refused as Python would refuse it in a comparison or index. */
    public long integer(String name) throws PyException {
        Object v = get(name);
        if (Py.isInt(v)) {
            return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
        }
        throw new PyException("'" + Py.typeName(v) + "' object cannot be interpreted as an integer");
    }

    public boolean bool(String name) {
        return Py.truthy(get(name));
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String name) throws PyException {
        Object v = get(name);
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        if (v instanceof org.asynclm.cml.PyTuple t) {
            return t.items();
        }
        throw new PyException("'" + Py.typeName(v) + "' object is not iterable");
    }

    @SuppressWarnings("unchecked")
    public Map<Object, Object> dict(String name) throws PyException {
        Object v = get(name);
        if (v instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new PyException("'" + Py.typeName(v) + "' object has no attribute 'keys'");
    }
}
