package org.asynclm.datagen;

import java.nio.file.Path;
import org.asynclm.datagen.bfcl.BfclTasks;
import org.asynclm.datagen.config.DatagenConfig;
import org.asynclm.datagen.synthetic.SyntheticGenerator;
import org.asynclm.runtime.BadInputException;

/** The task source a config names. */
public final class Sources {
    private Sources() {
    }

    public static TaskSource create(DatagenConfig c) throws BadInputException {
        if (c.source() == DatagenConfig.Source.SYNTHETIC) {
            SyntheticGenerator g = new SyntheticGenerator(c.synthetic(), c.estimatedMs(), c.noise());
            return (index, rng) -> {
                String shape = g.drawShape(rng);
                return g.task(shape, "synthetic-" + index + "-" + shape, rng);
            };
        }
        if (c.bfcl().dir() == null || c.bfcl().dir().isBlank()) {
            throw new BadInputException("source " + c.source().id() + " needs a BFCL data directory: set bfcl.dir or "
                    + "pass --bfcl-dir");
        }
        return BfclTasks.create(c, Path.of(c.bfcl().dir()));
    }
}
