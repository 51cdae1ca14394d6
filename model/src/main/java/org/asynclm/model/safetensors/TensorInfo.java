package org.asynclm.model.safetensors;

import java.nio.file.Path;

/** Where one tensor's bytes are: the file, the dtype, the shape, and the absolute byte range. */
public record TensorInfo(String name, Path file, DType dtype, long[] shape, long start, long end) {

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
