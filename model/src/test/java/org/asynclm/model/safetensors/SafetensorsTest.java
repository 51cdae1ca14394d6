package org.asynclm.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.runtime.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static JsonNode golden() throws Exception {
        return new ObjectMapper().readTree(SafetensorsTest.class.getResourceAsStream("/golden/dtypes.json"));
    }

    private static Path goldenFile(Path dir) throws Exception {
        Path p = dir.resolve("dtypes.safetensors");
        Files.copy(SafetensorsTest.class.getResourceAsStream("/golden/dtypes.safetensors"), p);
        return p;
    }

    /** Written by PyTorch 2.13 (tools/make_safetensors_golden.py): every value must widen to the same bits. */
    @Test
    void readsPyTorchsF32F16AndBf16Exactly() throws Exception {
        JsonNode g = golden();
        Map<String, TensorInfo> index = Safetensors.index(goldenFile(dir));
        for (String name : new String[] {"f32", "f16", "bf16"}) {
            TensorInfo t = index.get(name);
            assertArrayEquals(new long[] {4, 5}, t.shape());
            float[] v = Safetensors.readFloats(t);
            JsonNode bits = g.at("/readback_bits/" + name);
            for (int i = 0; i < v.length; i++) {
                assertEquals(bits.get(i).asLong(), Integer.toUnsignedLong(Float.floatToRawIntBits(v[i])), name + "[" + i + "]");
            }
        }
    }

    /** Narrowing to f16 and bf16 must round exactly as PyTorch does (ties to even, subnormals, overflow). */
    @Test
    void writesTheSameBytesAsPyTorch() throws Exception {
        JsonNode g = golden();
        float[] source = new float[20];
        for (int i = 0; i < 20; i++) {
            source[i] = Float.intBitsToFloat((int) g.at("/source_bits").get(i).asLong());
        }
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f32", new Safetensors.Tensor(DType.F32, new long[] {4, 5}, source));
        tensors.put("f16", new Safetensors.Tensor(DType.F16, new long[] {4, 5}, source));
        tensors.put("bf16", new Safetensors.Tensor(DType.BF16, new long[] {4, 5}, source));
        Path mine = dir.resolve("mine.safetensors");
        Safetensors.write(mine, tensors, Map.of("format", "pt"));
        byte[] all = Files.readAllBytes(mine);
        for (TensorInfo t : Safetensors.index(mine).values()) {
            JsonNode expected = g.at("/raw_bytes/" + t.name());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals((byte) expected.get(i).asInt(), all[(int) t.start() + i], t.name() + " byte " + i);
            }
        }
    }

    @Test
    void roundTripsEveryDtype() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-6, 6)));
        }
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (DType d : DType.values()) {
            tensors.put("w." + d, new Safetensors.Tensor(d, new long[] {10, 100}, values));
        }
        Path f = dir.resolve("rt.safetensors");
        Safetensors.write(f, tensors, Map.of());
        Map<String, TensorInfo> index = Safetensors.index(f);
        for (DType d : DType.values()) {
            float[] back = Safetensors.readFloats(index.get("w." + d));
            for (int i = 0; i < values.length; i++) {
                float expected = switch (d) {
                    case F32 -> values[i];
                    case F16 -> Float.float16ToFloat(Float.floatToFloat16(values[i]));
                    case BF16 -> DType.bf16ToFloat(DType.floatToBf16(values[i]));
                };
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(back[i]), d + "[" + i + "]");
            }
        }
        assertEquals(0, (Files.readAllBytes(f).length - 8 - ByteBuffer.wrap(Files.readAllBytes(f), 0, 8)
                .order(ByteOrder.LITTLE_ENDIAN).getLong()) % 2, "data follows an 8-byte-aligned header");
    }

    @Test
    void shardedCheckpointsFollowTheIndex() throws Exception {
        Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"),
                Map.of("a", new Safetensors.Tensor(DType.F32, new long[] {2}, new float[] {1, 2})), Map.of());
        Safetensors.write(dir.resolve("model-00002-of-00002.safetensors"),
                Map.of("b", new Safetensors.Tensor(DType.BF16, new long[] {1, 2}, new float[] {3, 4})), Map.of());
        Files.writeString(dir.resolve(WeightFiles.INDEX), "{\"metadata\": {\"total_size\": 12}, \"weight_map\": "
                + "{\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        WeightFiles c = WeightFiles.open(dir);
        assertArrayEquals(new float[] {1, 2}, c.floats("a", 2));
        assertArrayEquals(new float[] {3, 4}, c.floats("b", 1, 2));
        String m = assertThrows(BadInputException.class, () -> c.floats("b", 2, 1)).getMessage();
        assertEquals(dir.resolve("model-00002-of-00002.safetensors") + ": tensor 'b' has shape [1, 2], expected [2, 1]", m);
        assertEquals("checkpoint: tensor 'c' is missing",
                assertThrows(BadInputException.class, () -> c.floats("c", 1)).getMessage());
    }

    /** A shard index cannot lead outside its checkpoint: a shard named by a path that climbs out is refused. */
    @Test
    void shardPathsStayInsideTheCheckpoint() throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("a/b/checkpoint"));
        Safetensors.write(dir.resolve("a/outside.safetensors"),
                Map.of("a", new Safetensors.Tensor(DType.F32, new long[] {1}, new float[] {1})), Map.of());
        for (String shard : List.of("../../../../../../../../etc/passwd", "../../outside.safetensors", "/etc/passwd",
                ".")) {
            Files.writeString(checkpoint.resolve(WeightFiles.INDEX), "{\"weight_map\": {\"a\": \"" + shard + "\"}}");
            String m = assertThrows(BadInputException.class, () -> WeightFiles.open(checkpoint)).getMessage();
            assertEquals(checkpoint.resolve(WeightFiles.INDEX) + ": weight_map: 'a' names the shard '" + shard
                    + "', outside the checkpoint directory", m);
        }
    }

    /** A sparse file of 3 GiB whose second tensor lies beyond 2 GiB: each tensor is mapped on its own. */
    @Test
    void filesLargerThanTwoGibibytesLoad() throws Exception {
        long big = 3L << 30;
        String header = "{\"small\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + (big - 16) + "," + big + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8 + h.length + big);
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            raf.write(len.array());
            raf.write(h);
            raf.seek(8 + h.length + big - 16);
            ByteBuffer far = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            far.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(1e-3f);
            raf.write(far.array());
        }
        TensorInfo t = Safetensors.index(f).get("far");
        assertTrue(t.start() > Integer.MAX_VALUE);
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 1e-3f}, Safetensors.readFloats(t));
    }

    @Test
    void truncatedAndCorruptFilesNameTheFileAndTensor() throws Exception {
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, Map.of("w", new Safetensors.Tensor(DType.F32, new long[] {8}, new float[8])), Map.of());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 4));
        String m = assertThrows(BadInputException.class, () -> Safetensors.index(f)).getMessage();
        assertTrue(m.startsWith(f + ": tensor 'w': data ends at byte "), m);
        Files.write(f, Arrays.copyOf(all, 5));
        assertTrue(assertThrows(BadInputException.class, () -> Safetensors.index(f)).getMessage()
                .startsWith(f + ": truncated safetensors file"));
        assertEquals(dir + ": no model.safetensors and no model.safetensors.index.json",
                assertThrows(BadInputException.class, () -> WeightFiles.open(dir)).getMessage());
    }

    /** Offsets that point before the data (negative) are refused, not read from wherever they land. */
    @Test
    void negativeDataOffsetsAreRefused() throws Exception {
        Path f = dir.resolve("neg.safetensors");
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(1f);
        Files.write(f, b.array());
        assertEquals(f + ": tensor 'w': data_offsets must be whole numbers >= 0, got [-4,0]",
                assertThrows(BadInputException.class, () -> Safetensors.index(f)).getMessage());
    }
}
