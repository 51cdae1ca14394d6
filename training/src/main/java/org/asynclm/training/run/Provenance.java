package org.asynclm.training.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.asynclm.runtime.files.CodeVersion;
import org.asynclm.runtime.files.ContentHash;

/**
 * What a training run was made from, stamped on every checkpoint as Tribuo stamps its models: the code version,
 * when the run started, and content hashes of the training traces and the base model, so that a checkpoint can be
 * traced back to its inputs (and a changed input is seen).
 */
public record Provenance(String codeVersion, String started, String trainDataSha256, String baseModelSha256) {

    /** Hashes the inputs now; done once per run, since a large base model takes seconds to read. */
    public static Provenance of(Path trainData, Path baseModel) throws IOException {
        return new Provenance(CodeVersion.current(), Instant.now().toString(), ContentHash.ofFile(trainData),
                ContentHash.ofModel(baseModel));
    }
}
