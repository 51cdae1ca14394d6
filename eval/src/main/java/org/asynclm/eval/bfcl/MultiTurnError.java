package org.asynclm.eval.bfcl;

/** The multi-turn error types, with the names BFCL writes in its score files. */
public enum MultiTurnError {
    /** The result is not a list of turns. */
    INFERENCE_ERROR("multi_turn:inference_error"),
    /** Fewer or more turns than the ground truth: the model was stopped (BFCL's step limit) or the file is short. */
    FORCE_TERMINATED("multi_turn:force_terminated"),
    /** The ground truth calls something in a turn where the model called nothing. */
    EMPTY_TURN_MODEL_RESPONSE("multi_turn:empty_turn_model_response"),
    /** After a turn, a public attribute of a backend differs from the ground truth's. */
    INSTANCE_STATE_MISMATCH("multi_turn:instance_state_mismatch"),
    /** A result the ground truth's calls got in a turn is missing from everything the model's calls got so far. */
    EXECUTION_RESPONSE_MISMATCH("multi_turn:execution_response_mismatch");

    private final String bfclName;

    MultiTurnError(String bfclName) {
        this.bfclName = bfclName;
    }

    public String bfclName() {
        return bfclName;
    }
}
