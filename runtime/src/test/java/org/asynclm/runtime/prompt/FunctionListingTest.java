package org.asynclm.runtime.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.asynclm.runtime.Method;
import org.junit.jupiter.api.Test;

class FunctionListingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode schema(String json) throws Exception {
        return (ObjectNode) MAPPER.readTree(json);
    }

    private static final String ASSIGN = """
            {"name":"assign_ticket","description":"Assign a ticket; returns the assignee's user id.",
             "parameters":{"type":"dict","properties":{"ticket_id":{"type":"string",
             "description":"A ticket id returned by an earlier call."},"team":{"type":"string"}},
             "required":["ticket_id","team"]},"estimated_time_ms":82.686}""";

    @Test
    void aSignatureLineHasTheParametersTheEstimateAndTheDescription() throws Exception {
        assertEquals("assign_ticket(ticket_id: str, team: str) 82.686 ms: Assign a ticket; returns the assignee's"
                + " user id.", FunctionListing.line(schema(ASSIGN)));
    }

    @Test
    void typesAreSpelledAsPythonWithOptionalsEnumsAndLists() throws Exception {
        ObjectNode s = schema("""
                {"name":"book","description":"","parameters":{"type":"dict","properties":{
                 "sources":{"type":"array","items":{"type":"string"}},"n":{"type":"integer"},
                 "rate":{"type":"float","default":0.5},"level":{"type":"string","enum":["low","high"]},
                 "urgent":{"type":"boolean"},"meta":{"type":"dict"},"note":{"type":"string"}},
                 "required":["sources","n","level","urgent","meta"]}}""");
        assertEquals("book(sources: list[str], n: int, rate: float = 0.5, level: 'low' | 'high', urgent: bool,"
                + " meta: dict, note: str = None)", FunctionListing.line(s));
    }

    @Test
    void theJsonListingIsTheSchemasWholeAfterItsHeading() throws Exception {
        String system = ChatPrompt.system(List.of(schema(ASSIGN)), Method.ASYNC, FunctionListing.JSON);
        assertTrue(system.startsWith(ChatPrompt.CML_INSTRUCTIONS + "Functions (JSON, with estimated_time_ms):\n[{"),
                system);
        assertTrue(system.endsWith("\"estimated_time_ms\":82.686}]"), system);
    }

    @Test
    void theInstructionsAreCutFromEitherListing() throws Exception {
        for (FunctionListing listing : FunctionListing.values()) {
            for (Method m : List.of(Method.ASYNC, Method.SYNC)) {
                String system = ChatPrompt.system(List.of(schema(ASSIGN)), m, listing);
                String instructions = m == Method.SYNC ? ChatPrompt.SYNC_INSTRUCTIONS : ChatPrompt.CML_INSTRUCTIONS;
                assertEquals(instructions.stripTrailing(), ChatPrompt.instructions(system), listing + " " + m);
            }
        }
        assertEquals("no list here", ChatPrompt.instructions("no list here"));
    }

    @Test
    void theSignaturesTakeFarFewerCharactersThanTheJson() throws Exception {
        List<ObjectNode> tools = List.of(schema(ASSIGN), schema(ASSIGN.replace("assign_ticket", "close_ticket")));
        String json = FunctionListing.JSON.list(tools);
        String lines = FunctionListing.SIGNATURES.list(tools);
        assertEquals(2, lines.lines().count());
        assertTrue(lines.length() * 2 < json.length(), lines.length() + " against " + json.length());
    }
}
