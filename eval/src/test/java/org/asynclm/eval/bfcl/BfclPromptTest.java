package org.asynclm.eval.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import org.asynclm.bfcl.BfclData;
import org.asynclm.bfcl.BfclEntry;
import org.junit.jupiter.api.Test;

class BfclPromptTest {

    /** BFCL ships the system prompt it renders for simple_python_0; ours must be the same text, byte for byte. */
    @Test
    void systemPromptEqualsBfclsRenderedExample() throws Exception {
        String expected = Files.readString(CheckerVectorsTest.BFCL.resolve("prompt_example_simple_python_0.txt"));
        BfclEntry e = new BfclData(CheckerVectorsTest.BFCL).entries("simple_python", true).get(0);
        assertEquals(expected, BfclPrompt.system(e.question().get("function"), Language.PYTHON));
    }
}
