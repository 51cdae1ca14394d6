package org.asynclm.training.config;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.asynclm.runtime.BadInputException;

/**
 * Where a run trains: the CPU ({@code cpu}) or CUDA device {@code gpu} ({@code cuda:N}), as configs name it.
 * {@code gpu} is -1 for the CPU.
 */
public record ComputeDevice(int gpu) {
    public static final ComputeDevice CPU = new ComputeDevice(-1);

    @JsonCreator
    public static ComputeDevice of(String name) {
        if ("cpu".equals(name)) {
            return CPU;
        }
        if (name != null && name.matches("cuda:\\d{1,3}")) {
            return new ComputeDevice(Integer.parseInt(name.substring(5)));
        }
        throw new IllegalArgumentException("must be cpu or cuda:N, got '" + name + "'");
    }

    @JsonValue
    public String name() {
        return gpu < 0 ? "cpu" : "cuda:" + gpu;
    }

    /** DJL's name for it (DJL's own parser knows "gpu0", not "cuda:0"). */
    public Device djl() {
        return gpu < 0 ? Device.cpu() : Device.gpu(gpu);
    }

    /** A CUDA device must exist on this machine: found before a run writes anything. */
    public void requireAvailable() throws BadInputException {
        if (gpu >= 0) {
            int gpus = Engine.getEngine("PyTorch").getGpuCount();
            if (gpu >= gpus) {
                throw new BadInputException("device: " + name() + " is not available: this machine has " + gpus
                        + " CUDA device" + (gpus == 1 ? "" : "s") + " that PyTorch can use");
            }
        }
    }
}
