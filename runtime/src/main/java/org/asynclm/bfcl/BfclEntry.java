package org.asynclm.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** One BFCL question with its possible answer (null where the category has none), and where it was read. */
public record BfclEntry(String id, Path file, int line, JsonNode question, JsonNode answer) {
}
