package org.asynclm.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.asynclm.model.safetensors.WeightFiles;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * init-model against the golden files made by transformers (tools/make_llama_golden.py): the checkpoint it writes
 * is byte-for-byte the one transformers loaded, and transformers' tokenizer gave our byte-level ids.
 */
class TinyModelTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"tiny,0", "tiny-gqa,1"})
    void writesTheCheckpointTheGoldenValuesDescribe(String preset, long seed) throws Exception {
        JsonNode golden = new ObjectMapper().readTree(getClass().getResourceAsStream("/golden/llama-" + preset + ".json"));
        TinyModel.Preset p = TinyModel.preset(Path.of("../configs/model/" + preset + ".yaml"));
        Path out = dir.resolve(preset);
        TinyModel.write(out, p, preset, seed);
        byte[] weights = Files.readAllBytes(out.resolve("model.safetensors"));
        assertEquals(golden.get("model_safetensors_sha256").asText(),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights)));
        int[] ids = new ByteTokenizer().encode(golden.get("prompt").asText());
        int[] expected = new int[golden.get("token_ids").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = golden.get("token_ids").get(i).asInt();
        }
        assertArrayEquals(expected, ids, "transformers' tokenizer on our tokenizer.json gives the byte-level ids");
        LlamaConfig c = LlamaConfig.read(out.resolve("config.json"));
        assertEquals(p.config(), c);
        WeightFiles ck = WeightFiles.open(out);
        assertEquals(c.vocabSize() * (long) c.hiddenSize(),
                ck.floats("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize()).length);
        assertEquals(c.tieWordEmbeddings(), !ck.tensors().containsKey("lm_head.weight"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("config.json"))));
        for (String f : new String[] {"generation_config.json", "tokenizer.json", "tokenizer_config.json", "asynclm.json"}) {
            assertTrue(Files.size(out.resolve(f)) > 10, f);
        }
    }
}
