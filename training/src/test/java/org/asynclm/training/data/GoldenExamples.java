package org.asynclm.training.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The two examples (ids and loss mask) of the PyTorch golden runs, golden/sft-tiny.json. */
public final class GoldenExamples {
    private GoldenExamples() {
    }

    public static List<Example> read() throws IOException {
        JsonNode data = new ObjectMapper().readTree(GoldenExamples.class.getResourceAsStream("/golden/sft-tiny.json"));
        List<Example> examples = new ArrayList<>();
        for (JsonNode e : data.get("examples")) {
            int[] ids = new int[e.get("ids").size()];
            boolean[] trained = new boolean[ids.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = e.get("ids").get(i).asInt();
                trained[i] = e.get("trained").get(i).asBoolean();
            }
            examples.add(new Example(ids, trained, examples.size() + 1));
        }
        return examples;
    }
}
