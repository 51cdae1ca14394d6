package org.asynclm.runtime;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.nio.file.Path;
import org.asynclm.runtime.files.AtomicFiles;

/**
 * Calibrated costs behind the trap handler's choice. Keeping a context costs the memory it holds for the wait
 * ({@code keepNanosPerTokenSecond}: the price of one cached token held for one second, zero on a machine serving one
 * user); swapping costs a transfer out and back; dropping costs recomputing the context, fitted as
 * {@code a·n² + b·n}. As a file (written by {@code bench model --write-calibration}, read by {@code --calibration})
 * it is this record in JSON, under the keys below.
 */
public record CacheCosts(@JsonProperty(value = "keep_ns_per_token_second", required = true) double keepNanosPerTokenSecond,
                         @JsonProperty(value = "swap_ns_per_token", required = true) double swapNanosPerToken,
                         @JsonProperty(value = "recompute_quadratic", required = true) double recomputeQuadratic,
                         @JsonProperty(value = "recompute_linear", required = true) double recomputeLinear) {

    /** One user on one machine: holding memory is free, so the cache is always kept. */
    public static final CacheCosts SINGLE_USER = new CacheCosts(0, 0, 0, 0);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    public double keep(int tokens, long waitNanos) {
        return keepNanosPerTokenSecond * tokens * (waitNanos / 1e9);
    }

    public double swap(int tokens) {
        return 2 * swapNanosPerToken * tokens;
    }

    public double drop(int tokens) {
        return recomputeQuadratic * tokens * (double) tokens + recomputeLinear * tokens;
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(this));
    }

    /** A calibration file; a missing key or a value that is not a number is one line naming the file and key. */
    public static CacheCosts read(Path file) throws BadInputException {
        try {
            return JSON.readValue(file.toFile(), CacheCosts.class);
        } catch (MismatchedInputException e) {
            String key = e.getPath().isEmpty() ? "?" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new BadInputException(file + ": " + key + ": missing or not a number");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read calibration: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }
}
