package org.asynclm.eval.bfcl;

import java.util.List;

/** A checker verdict with BFCL's error type (null when valid) and its messages. */
public record CheckResult(boolean valid, String errorType, List<String> errors) {
    static final CheckResult VALID = new CheckResult(true, null, List.of());

    static CheckResult fail(String errorType, String message) {
        return new CheckResult(false, errorType, List.of(message));
    }
}
