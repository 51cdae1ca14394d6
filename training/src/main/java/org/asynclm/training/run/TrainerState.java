package org.asynclm.training.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import org.asynclm.runtime.BadInputException;
import org.asynclm.training.config.TrainConfig;
import org.asynclm.training.data.TrainingSet;

/**
 * {@code trainer_state.json} of a checkpoint: where the run is ({@code step} of {@code steps}), what it trained on
 * (the examples and rows its data gave), the loss of its last step, the whole config (so that a resume can refuse
 * other settings) and the run's provenance.
 */
public record TrainerState(int step, int steps, TrainConfig.FineTuning mode, String baseModel, String trainData, int examples,
                           int dropped, int truncated, int rows, int evalExamples, int evalRows, double loss,
                           TrainConfig config, Provenance provenance) {
    public static final String FILE = "trainer_state.json";

    /** snake_case as every config; keys a later version adds are ignored by an older one. */
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Keys a resumed run may change: they decide what is written and measured, not what is learned. */
    private static final Set<String> MAY_CHANGE = Set.of("save_every", "keep", "eval_every",
            "eval_rows", "device", "task_eval",
            "gradient_checkpointing", "loss_chunk");

    /** The state after {@code step} of {@code steps}, whose training loss was {@code loss}. */
    public static TrainerState after(int step, int steps, double loss, TrainConfig config, TrainingSet data,
                                     Provenance provenance) {
        return new TrainerState(step, steps, config.method(), Path.of(config.baseModel()).toAbsolutePath().toString(),
                Path.of(config.trainData()).toAbsolutePath().toString(), data.train().examples().size(),
                data.train().dropped(), data.train().truncated(), data.rows().size(), data.evalExamples(),
                data.evalRows().size(), loss, config, provenance);
    }

    /**
     * Refuses to continue this run under {@code now} when a setting that decides what is learned differs, or when the
     * training traces or the base model changed since the run began ({@code inputs}: their hashes now).
     */
    public void requireResumableWith(TrainConfig now, Provenance inputs, Path where) throws BadInputException {
        JsonNode then = JSON.valueToTree(config);
        for (var it = JSON.valueToTree(now).fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode was = then.path(e.getKey());
            if (!MAY_CHANGE.contains(e.getKey()) && !sameSetting(was, e.getValue())) {
                throw new BadInputException(where + ": " + e.getKey() + ": the run used " + was
                        + ", this command " + e.getValue() + "; resume with the same settings");
            }
        }
        if (provenance != null && !provenance.trainDataSha256().equals(inputs.trainDataSha256())) {
            throw new BadInputException(where + ": train_data: " + now.trainData() + " changed since the run began ("
                    + provenance.trainDataSha256() + ", now " + inputs.trainDataSha256() + ")");
        }
        if (provenance != null && !provenance.baseModelSha256().equals(inputs.baseModelSha256())) {
            throw new BadInputException(where + ": base_model: " + now.baseModel() + " changed since the run began ("
                    + provenance.baseModelSha256() + ", now " + inputs.baseModelSha256() + ")");
        }
    }

    private static boolean sameSetting(JsonNode a,
                                       JsonNode b) {
        return a.isNumber() && b.isNumber() ? a.asDouble() == b.asDouble() : a.equals(b);
    }

    /** Whether the run reached its last step here. */
    public boolean finished() {
        return step == steps;
    }

    /**
     * Reads a state; config keys it lacks (added by a later version than the one that wrote it) take their built-in
     * defaults, which are what the older version did, so that its checkpoints stay resumable.
     */
    public static TrainerState read(Path file) throws BadInputException {
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            if (tree instanceof ObjectNode state && state.get("config") instanceof ObjectNode stored) {
                state.set("config", withDefaults(TrainConfig.defaults(), stored));
            }
            return JSON.treeToValue(tree, TrainerState.class);
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new BadInputException(file + ": no such file (is it a checkpoint of a train run?)");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** {@code stored} with each key of {@code defaults} it lacks, nested maps key by key. */
    private static ObjectNode withDefaults(ObjectNode defaults, ObjectNode stored) {
        ObjectNode out = stored.deepCopy();
        defaults.fields().forEachRemaining(e -> {
            JsonNode have = out.get(e.getKey());
            if (have == null) {
                out.set(e.getKey(), e.getValue());
            } else if (have instanceof ObjectNode nested && e.getValue() instanceof ObjectNode nestedDefaults) {
                out.set(e.getKey(), withDefaults(nestedDefaults, nested));
            }
        });
        return out;
    }

    void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }
}
