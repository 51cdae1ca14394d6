package org.asynclm.model.safetensors;

import org.asynclm.runtime.files.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asynclm.runtime.BadInputException;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length, a JSON header of
 * {@code {name: {dtype, shape, data_offsets}}}, then the data. Reading maps each tensor on its own, so files larger
 * than 2 GiB load; f16 and bf16 are widened to f32 in Java. Errors name the file and the tensor.
 */
public final class Safetensors {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** The tensors of one file, in header order. */
    public static Map<String, TensorInfo> index(Path file) throws BadInputException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new BadInputException(file + ": truncated safetensors file (" + size + " bytes, no header)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long n = len.flip().getLong();
            if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
                throw new BadInputException(file + ": truncated or corrupt safetensors header (length " + n + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            ch.read(header, 8);
            JsonNode json;
            try {
                json = MAPPER.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new BadInputException(file + ": safetensors header is not JSON: " + e.getOriginalMessage());
            }
            long base = 8 + n;
            Map<String, TensorInfo> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                out.put(e.getKey(), info(file, e.getKey(), e.getValue(), base, size));
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static TensorInfo info(Path file, String name, JsonNode t, long base, long size) throws BadInputException {
        DType dtype = DType.parse(t.path("dtype").asText());
        if (dtype == null) {
            throw new BadInputException(file + ": tensor '" + name + "': unsupported dtype '" + t.path("dtype").asText()
                    + "' (F32, F16, BF16)");
        }
        JsonNode shapeNode = t.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        JsonNode off = t.path("data_offsets");
        if (off.size() != 2) {
            throw new BadInputException(file + ": tensor '" + name + "': data_offsets must be [begin, end]");
        }
        if (!off.get(0).canConvertToExactIntegral() || !off.get(1).canConvertToExactIntegral()
                || off.get(0).asLong() < 0 || off.get(1).asLong() < 0) {
            throw new BadInputException(file + ": tensor '" + name + "': data_offsets must be whole numbers >= 0, got "
                    + off);
        }
        long start = base + off.get(0).asLong();
        long end = base + off.get(1).asLong();
        TensorInfo info = new TensorInfo(name, file, dtype, shape, start, end);
        if (end < start || end - start != info.elements() * dtype.bytes()) {
            throw new BadInputException(file + ": tensor '" + name + "': " + (end - start) + " bytes for shape "
                    + Arrays.toString(shape) + " of " + dtype);
        }
        if (end > size) {
            throw new BadInputException(file + ": tensor '" + name + "': data ends at byte " + end + " but the file has "
                    + size + " bytes (truncated?)");
        }
        return info;
    }

    /** The tensor as f32 values, widened from f16 or bf16. */
    public static float[] readFloats(TensorInfo t) throws BadInputException {
        long count = t.elements();
        if (count > Integer.MAX_VALUE - 8) {
            throw new BadInputException(t.file() + ": tensor '" + t.name() + "' has more elements than a Java array holds");
        }
        float[] out = new float[(int) count];
        try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.READ)) {
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, t.start(), t.end() - t.start());
            buf.order(ByteOrder.LITTLE_ENDIAN);
            switch (t.dtype()) {
                case F32 -> buf.asFloatBuffer().get(out);
                case F16 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.float16ToFloat(buf.getShort(2 * i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = DType.bf16ToFloat(buf.getShort(2 * i));
                    }
                }
            }
        } catch (IOException e) {
            throw new BadInputException(t.file() + ": tensor '" + t.name() + "': cannot read: " + e.getMessage());
        }
        return out;
    }

    /** A tensor to write: values narrowed to {@code dtype}. */
    public record Tensor(DType dtype, long[] shape, float[] values) {
    }

    /** Writes tensors in the given order, atomically; the header is padded to 8 bytes as the reference does. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = (long) t.values().length * t.dtype().bytes();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype().name());
            var shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = MAPPER.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded).put(json);
                while (head.hasRemaining()) {
                    head.put((byte) ' ');
                }
                ch.write(head.flip());
                for (Tensor t : tensors.values()) {
                    ByteBuffer data = ByteBuffer.allocate(t.values().length * t.dtype().bytes())
                            .order(ByteOrder.LITTLE_ENDIAN);
                    for (float v : t.values()) {
                        switch (t.dtype()) {
                            case F32 -> data.putFloat(v);
                            case F16 -> data.putShort(Float.floatToFloat16(v));
                            case BF16 -> data.putShort(DType.floatToBf16(v));
                        }
                    }
                    ch.write(data.flip());
                }
            }
        });
    }
}
