package org.asynclm.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asynclm.runtime.BadInputException;

/**
 * The weight files of a model directory (not a training checkpoint): {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists in its {@code weight_map}.
 */
public final class WeightFiles {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private final Map<String, TensorInfo> tensors;

    private WeightFiles(Map<String, TensorInfo> tensors) {
        this.tensors = tensors;
    }

    public static WeightFiles open(Path dir) throws BadInputException {
        Path single = dir.resolve(SINGLE);
        Path index = dir.resolve(INDEX);
        if (Files.exists(single)) {
            return new WeightFiles(Safetensors.index(single));
        }
        if (!Files.exists(index)) {
            throw new BadInputException(dir + ": no " + SINGLE + " and no " + INDEX);
        }
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new BadInputException(index + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!map.isObject() || map.isEmpty()) {
            throw new BadInputException(index + ": weight_map: missing or empty");
        }
        Map<String, Map<String, TensorInfo>> shards = new LinkedHashMap<>();
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            Path root = dir.toAbsolutePath().normalize();
            Path file = root.resolve(shard).normalize();
            if (!file.startsWith(root) || file.equals(root)) {
                throw new BadInputException(index + ": weight_map: '" + e.getKey() + "' names the shard '" + shard
                        + "', outside the checkpoint directory");
            }
            if (!shards.containsKey(shard)) {
                shards.put(shard, Safetensors.index(dir.resolve(shard)));
            }
            TensorInfo t = shards.get(shard).get(e.getKey());
            if (t == null) {
                throw new BadInputException(dir.resolve(shard) + ": tensor '" + e.getKey() + "' listed in " + INDEX
                        + " is not in the shard");
            }
            out.put(e.getKey(), t);
        }
        return new WeightFiles(out);
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor with the expected shape, as f32; a missing tensor or a wrong shape names file and tensor. */
    public float[] floats(String name, long... expectedShape) throws BadInputException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new BadInputException("checkpoint: tensor '" + name + "' is missing");
        }
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw new BadInputException(t.file() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expectedShape));
        }
        return Safetensors.readFloats(t);
    }
}
