package org.asynclm.cli;

import org.asynclm.datagen.LatencyDataset;
import org.asynclm.model.llama.LlamaShape;
import org.asynclm.model.llama.TrainableLlama;
import org.asynclm.runtime.ArgumentValues;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.teacher.PolicyName;
import org.asynclm.training.data.TraceExamples;
import org.asynclm.training.run.Export;
import picocli.CommandLine;

/** The enums that options take, read by their config names ("truncate", "merged"), as the configs read them. */
final class ConfigNames {
    private ConfigNames() {
    }

    static void register(CommandLine cl) {
        register(cl, TraceExamples.Overlong.class);
        register(cl, Export.Format.class);
        register(cl, EngineKind.class);
        register(cl, PolicyName.class);
        register(cl, LlamaShape.class);
        register(cl, TrainableLlama.BasePrecision.class);
        register(cl, ArgumentValues.class);
        cl.registerConverter(LatencyDataset.class, s -> {
            try {
                return LatencyDataset.parse(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
    }

    private static <E extends Enum<E> & ConfigName> void register(CommandLine cl, Class<E> type) {
        cl.registerConverter(type, s -> {
            try {
                return ConfigName.parse(type, s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
    }
}
