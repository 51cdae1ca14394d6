package org.asynclm.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Golden logits files (model/src/test/resources/golden): the prompt's ids, each token's log-probability, the last logits. */
public final class GoldenLogits {
    private GoldenLogits() {
    }

    public static JsonNode read(String name) throws IOException {
        return new ObjectMapper().readTree(GoldenLogits.class.getResourceAsStream("/golden/" + name + ".json"));
    }

    public static int[] ids(JsonNode g) {
        int[] ids = new int[g.get("token_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = g.get("token_ids").get(i).asInt();
        }
        return ids;
    }

    /** The largest difference between the model's logits on the golden prompt and the golden values. */
    public static double distance(Llama model, JsonNode g) {
        int[] ids = ids(g);
        try (Llama.Cache cache = model.newCache()) {
            float[][] logits = model.forward(cache, ids);
            double worst = 0;
            float[] last = logits[ids.length - 1];
            for (int v = 0; v < last.length; v++) {
                worst = Math.max(worst, Math.abs(last[v] - g.get("last_logits").get(v).asDouble()));
            }
            for (int i = 1; i < ids.length; i++) {
                double expected = g.get("token_logprobs").get(i).asDouble();
                worst = Math.max(worst, Math.abs(Sampler.logProbability(logits[i - 1], ids[i]) - expected));
            }
            return worst;
        }
    }
}
