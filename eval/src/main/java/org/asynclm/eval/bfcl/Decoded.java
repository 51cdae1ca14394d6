package org.asynclm.eval.bfcl;

import java.util.List;
import java.util.Map;

/**
 * Model output decoded to BFCL's form {@code [{function: {param: value}}]}; {@code error} is set when decoding
 * failed (then {@code calls} is empty).
 */
public record Decoded(List<Map<String, Map<String, Object>>> calls, String error) {
    public boolean failed() {
        return error != null;
    }
}
