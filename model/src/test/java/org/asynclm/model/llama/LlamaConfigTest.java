package org.asynclm.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.asynclm.runtime.BadInputException;
import org.junit.jupiter.api.Test;

class LlamaConfigTest {
    private static LlamaConfig parse(String json) throws Exception {
        return LlamaConfig.fromJson(new ObjectMapper().readTree(json), "config.json");
    }

    /** Llama 3.2 1B's config.json as transformers 4.x writes it. */
    @Test
    void readsTheTransformers4Layout() throws Exception {
        LlamaConfig c = parse("""
                {"architectures": ["LlamaForCausalLM"], "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009],
                 "head_dim": 64, "hidden_size": 2048, "intermediate_size": 8192, "max_position_embeddings": 131072,
                 "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8,
                 "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                 "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "rope_theta": 500000.0,
                 "tie_word_embeddings": true, "torch_dtype": "bfloat16", "vocab_size": 128256}""");
        assertEquals(128256, c.vocabSize());
        assertEquals(8, c.kvHeads());
        assertEquals(64, c.headDim());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(new LlamaConfig.RopeScaling(32.0, 1.0, 4.0, 8192), c.ropeScaling());
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertEquals("bfloat16", c.dtype());
        assertEquals(true, c.tieWordEmbeddings());
    }

    /** The same model as transformers 5.x writes it: rope_parameters and dtype. */
    @Test
    void readsTheTransformers5Layout() throws Exception {
        LlamaConfig c = parse("""
                {"model_type": "llama", "vocab_size": 128256, "hidden_size": 2048, "intermediate_size": 8192,
                 "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64,
                 "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0,
                 "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},
                 "dtype": "bfloat16", "eos_token_id": 128009, "tie_word_embeddings": true}""");
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(new LlamaConfig.RopeScaling(32.0, 1.0, 4.0, 8192), c.ropeScaling());
        assertEquals("bfloat16", c.dtype());
        assertEquals(List.of(128009), c.eosTokenIds());
        LlamaConfig plain = parse("{\"model_type\": \"llama\", \"vocab_size\": 10, \"hidden_size\": 8, "
                + "\"intermediate_size\": 16, \"num_hidden_layers\": 1, \"num_attention_heads\": 2}");
        assertNull(plain.ropeScaling());
        assertEquals(2, plain.kvHeads());
        assertEquals(4, plain.headDim());
    }

    @Test
    void badConfigsNameTheField() {
        assertEquals("config.json: model_type: 'mistral' is not supported (only 'llama')",
                assertThrows(BadInputException.class, () -> parse("{\"model_type\": \"mistral\"}")).getMessage());
        assertEquals("config.json: hidden_size: missing",
                assertThrows(BadInputException.class, () -> parse("{\"model_type\": \"llama\"}")).getMessage());
        assertEquals("config.json: num_key_value_heads: 3 does not divide num_attention_heads 4",
                assertThrows(BadInputException.class, () -> parse("{\"model_type\": \"llama\", \"hidden_size\": 8, "
                        + "\"num_attention_heads\": 4, \"num_key_value_heads\": 3}")).getMessage());
    }
}
