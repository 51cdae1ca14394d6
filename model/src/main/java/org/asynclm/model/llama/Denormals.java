package org.asynclm.model.llama;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.asynclm.runtime.config.ConfigName;

/**
 * Subnormal floats (below 1.18e-38) flushed to zero on the CPU, as {@code torch.set_flush_denormal(True)} does in
 * Python. Why: a trained model's attention can put some of its softmax weights there (a 3-layer tiny model after
 * 9,500 steps: 9% of layers 2 and 3's, {@code tools/subnormal_attention.py}), and an x86 core takes a slow path for
 * each subnormal operand or result, so its steps slowed from 93 ms to 183 ms as it learned (README, learning table
 * row 37; flushed, a step of its last checkpoint takes 96.5 ms against 119.9 ms). Values that small change no logit
 * or gradient at float precision.
 *
 * <p>The flags live in each thread's MXCSR register and a new thread inherits its creator's, so this runs on the
 * thread that computes before each model's first operation: libtorch's OpenMP workers, made from that thread at its
 * first parallel operation, inherit the flags. Java code on the thread flushes subnormals too, as Python's floats do
 * under PyTorch's switch (the quickstart's checkpoints are the same byte for byte either way). Only x86-64 Linux (the
 * CPU natives asynclm ships) is touched; a GPU's kernels do not read MXCSR.
 *
 * <p>{@link Mode#FLUSH} unless {@link #use} says otherwise: the command line's {@code -Dasynclm.denormals=keep}
 * (through {@code ASYNCLM_JAVA_OPTS}) keeps IEEE subnormals, for comparisons (the README times 400 training steps
 * both ways).
 */
public final class Denormals {
    /** What the CPU does with subnormal floats. */
    public enum Mode implements ConfigName { FLUSH, KEEP }

    private static final int FLUSH_TO_ZERO = 1 << 15; // MXCSR.FTZ: subnormal results become zero
    private static final int DENORMALS_ARE_ZERO = 1 << 6; // MXCSR.DAZ: subnormal operands read as zero
    private static final int FLAGS = FLUSH_TO_ZERO | DENORMALS_ARE_ZERO;
    private static final int FEMODE_BYTES = 8; // glibc's x86-64 femode_t: control word, reserved, then MXCSR
    private static final int MXCSR_OFFSET = 4;

    /** glibc's floating-point control modes (C99 TS 18661-1), which on x86-64 carry MXCSR whole. */
    private interface LibC extends Library {
        int fegetmode(byte[] mode);

        int fesetmode(byte[] mode);
    }

    private static final LibC LIBC = Platform.isLinux() && Platform.isIntel() && Platform.is64Bit()
            ? Native.load("c", LibC.class) : null;

    /** What {@link #applyToThisThread} sets: read on every call, written once by the command line. */
    private static volatile Mode chosen = Mode.FLUSH;

    private Denormals() {
    }

    /** Makes every thread compute as {@code mode} says from its next {@link #applyToThisThread} on. */
    public static void use(Mode mode) {
        chosen = mode;
    }

    /**
     * Makes the calling thread compute as {@link #use} chose; cheap enough to call before every forward pass (one
     * libc call when the flags are already as chosen, two when they must change).
     */
    public static void applyToThisThread() {
        apply(chosen);
    }

    /** Sets or clears the calling thread's flags as {@code mode} says. */
    static void apply(Mode mode) {
        if (LIBC == null) {
            return;
        }
        ByteBuffer control = readMode();
        int mxcsr = control.getInt(MXCSR_OFFSET);
        int wanted = mode == Mode.FLUSH ? mxcsr | FLAGS : mxcsr & ~FLAGS;
        if (wanted != mxcsr) {
            control.putInt(MXCSR_OFFSET, wanted);
            check(LIBC.fesetmode(control.array()), "fesetmode");
        }
    }

    /** Whether the calling thread flushes subnormals now (false where this class touches nothing). */
    public static boolean flushingOnThisThread() {
        return LIBC != null && (readMode().getInt(MXCSR_OFFSET) & FLAGS) == FLAGS;
    }

    private static ByteBuffer readMode() {
        byte[] mode = new byte[FEMODE_BYTES];
        check(LIBC.fegetmode(mode), "fegetmode");
        return ByteBuffer.wrap(mode).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException("libc " + call + " failed with " + status);
        }
    }
}
