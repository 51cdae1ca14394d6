package org.asynclm.cml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed Python call: the dotted function name, positional arguments and keyword arguments in source order.
 * Values are Java forms of Python literals: String, Long or BigInteger, Double, Boolean, null (None), List (list),
 * {@link PyTuple}, Map (dict) and, as BFCL decodes them, a nested call with keywords as {@code {name: {kw: value}}}
 * and a nested call without keywords, a bare name or a subscript as its source text.
 */
public record PyCall(String function, List<Object> positional, Map<String, Object> keywords) {
    public PyCall {
        positional = Collections.unmodifiableList(new ArrayList<>(positional));
        keywords = Collections.unmodifiableMap(new LinkedHashMap<>(keywords));
    }

    /** Parses exactly one call expression, such as {@code math.hypot(x=3, y=4)}. */
    public static PyCall parse(String source) throws PySyntaxException {
        return new PyParser(source).parseSingleCall();
    }

    /**
     * Parses model output as BFCL's prompting decoder does: a list (or tuple) whose elements are all calls, or a
     * single call, with BFCL's value rules and quirks.
     */
    public static List<PyCall> parseBfclCallList(String source) throws PySyntaxException {
        return new PyParser(source, true).parseCallList();
    }

    /**
     * Parses a CML call body: one call with keyword arguments only.
     *
     * @throws PySyntaxException naming the column of the first problem
     */
    public static PyCall parseCallBody(String body) throws PySyntaxException {
        PyCall call = parse(body);
        if (!call.positional.isEmpty()) {
            int col = body.indexOf('(') + 2;
            throw new PySyntaxException("positional argument in a call to " + call.function
                    + ": CML calls take keyword arguments only", col);
        }
        return call;
    }
}
