package org.asynclm.bfcl.multiturn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One of BFCL's stateful multi-turn backends. A subclass registers each documented public method with its Python
 * signature, loads its state from an entry's {@code initial_config}, and exposes its public attributes (the ones
 * the state check compares). Only registered methods can be called: there is no reflection, which is the Java
 * counterpart of BFCL's deny-list.
 */
public abstract class Backend {
    /** A method body; it reads its bound arguments from {@link Args}. */
    @FunctionalInterface
    protected interface Body {
        Object apply(Args args) throws PyException;
    }

    private record Method(String name, List<Param> params, Body body) {
    }

    /** A parameter of a Python signature, with its default where it has one. */
    protected record Param(String name, boolean required, Object defaultValue) {
    }

    private final Map<String, Method> methods = new LinkedHashMap<>();

    /** Which class this is. */
    public abstract BackendClass kind();

    /** {@code _load_scenario(config, long_context)}: the state an entry starts from. */
    public abstract void load(Map<Object, Object> scenario, boolean longContext);

    /** The public attributes ({@code vars(self)} without names starting with {@code _}), in definition order. */
    public abstract Map<String, Object> state();

    /** The public method names, in registration order. */
    public final Set<String> methodNames() {
        return Collections.unmodifiableSet(methods.keySet());
    }

    protected static Param required(String name) {
        return new Param(name, true, null);
    }

    protected static Param optional(String name, Object defaultValue) {
        return new Param(name, false, defaultValue);
    }

    protected final void method(String name, Body body, Param... params) {
        methods.put(name, new Method(name, List.of(params), body));
    }

    /** Calls a public method with Python's argument binding and its TypeError messages. */
    public final Object call(String name, List<Object> positional, Map<String, Object> keywords) throws PyException {
        Method m = methods.get(name);
        if (m == null) {
            throw new PyException("'" + kind().pythonName() + "' object has no attribute '" + name + "'");
        }
        return m.body.apply(bind(m, positional, keywords));
    }

    private Args bind(Method m, List<Object> positional, Map<String, Object> keywords) throws PyException {
        String qualified = kind().pythonName() + "." + m.name + "()";
        List<Param> params = m.params;
        if (positional.size() > params.size()) {
            long requiredCount = params.stream().filter(Param::required).count();
            String takes = requiredCount == params.size() ? String.valueOf(params.size() + 1)
                    : "from " + (requiredCount + 1) + " to " + (params.size() + 1);
            throw new PyException(qualified + " takes " + takes + " positional argument"
                    + (params.size() == 0 && requiredCount == 0 ? "" : "s") + " but " + (positional.size() + 1)
                    + (positional.size() + 1 == 1 ? " was" : " were") + " given");
        }
        Object[] values = new Object[params.size()];
        boolean[] bound = new boolean[params.size()];
        for (int i = 0; i < positional.size(); i++) {
            values[i] = positional.get(i);
            bound[i] = true;
        }
        for (Map.Entry<String, Object> kw : keywords.entrySet()) {
            int i = indexOf(params, kw.getKey());
            if (i < 0) {
                throw new PyException(qualified + " got an unexpected keyword argument '" + kw.getKey() + "'");
            }
            if (bound[i]) {
                throw new PyException(qualified + " got multiple values for argument '" + kw.getKey() + "'");
            }
            values[i] = kw.getValue();
            bound[i] = true;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (!bound[i]) {
                if (params.get(i).required) {
                    missing.add("'" + params.get(i).name + "'");
                } else {
                    values[i] = Py.deepCopy(params.get(i).defaultValue);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new PyException(qualified + " missing " + missing.size() + " required positional argument"
                    + (missing.size() == 1 ? "" : "s") + ": " + englishList(missing));
        }
        return new Args(kind().pythonName() + "." + m.name, params, values);
    }

    /** "'a'", "'a' and 'b'", "'a', 'b', and 'c'", as CPython lists missing arguments. */
    private static String englishList(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        if (names.size() == 2) {
            return names.get(0) + " and " + names.get(1);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + ", and " + names.get(names.size() - 1);
    }

    private static int indexOf(List<Param> params, String name) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name.equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
