package org.asynclm.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** libtorch's CPU arithmetic keeps or flushes a subnormal float as {@link Denormals} is told. */
class DenormalsTest {
    private static final float SUBNORMAL = 1.0e-39f; // below Float.MIN_NORMAL (1.18e-38), above Float.MIN_VALUE

    @Test
    void flushModeMakesLibtorchReadAndWriteSubnormalsAsZero() throws Exception {
        float[] out = onFreshThread(() -> {
            Denormals.applyToThisThread(); // nothing chose otherwise: flush
            assertTrue(Denormals.flushingOnThisThread());
            return timesOne(SUBNORMAL, Float.MIN_NORMAL);
        });
        assertEquals(0f, out[0], "a subnormal operand reads as zero");
        assertEquals(Float.MIN_NORMAL, out[1], "a normal value is untouched");
    }

    @Test
    void keepModeComputesSubnormalsAsIeeeSays() throws Exception {
        float[] out = onFreshThread(() -> {
            Denormals.apply(Denormals.Mode.FLUSH); // flags set, then cleared: keep undoes flush on the same thread
            Denormals.apply(Denormals.Mode.KEEP);
            assertFalse(Denormals.flushingOnThisThread());
            return timesOne(SUBNORMAL);
        });
        assertEquals(SUBNORMAL, out[0]);
    }

    @Test
    void theFlagsStayOnTheThreadThatAskedForThem() throws Exception {
        boolean flushingThere = onFreshThread(() -> {
            Denormals.apply(Denormals.Mode.FLUSH);
            return Denormals.flushingOnThisThread();
        });
        boolean flushingInAnother = onFreshThread(Denormals::flushingOnThisThread);
        assertTrue(flushingThere);
        assertFalse(flushingInAnother, "a thread that did not ask computes as IEEE says");
    }

    private static float[] timesOne(float... values) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return m.create(values).mul(1f).toFloatArray(); // one small array: libtorch computes it on this thread
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws Exception;
    }

    /** Runs on a thread of its own, so that the flags it sets end with it and no other test sees them. */
    private static <T> T onFreshThread(Work<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(work.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        t.join();
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new RuntimeException(e.getCause());
        }
    }
}
