package org.asynclm.datagen.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.prompt.FunctionListing;
import org.asynclm.runtime.teacher.PolicyName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private String error(String yaml, String... sets) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return assertThrows(BadInputException.class, () -> ConfigLoader.load(f, List.of(sets))).getMessage();
    }

    @Test
    void defaultsAreAValidConfig() throws Exception {
        DatagenConfig c = ConfigLoader.load(null, List.of());
        assertEquals(DatagenConfig.Source.SYNTHETIC, c.source());
        assertEquals(new Range(5, 30), c.tpotMs());
        assertEquals(new Range(1, 1000), c.estimatedMs());
        assertEquals(0.25, c.bfcl().trainFraction());
        assertEquals(FunctionListing.SIGNATURES, c.functionListing(), "synthetic tasks list signatures");
    }

    @Test
    void theFunctionListingFollowsTheSourceAndBfclKeepsJson() throws Exception {
        assertEquals(FunctionListing.JSON, ConfigLoader.load(null, List.of("source=bfcl-parallel")).functionListing());
        assertEquals(FunctionListing.JSON, ConfigLoader.load(null, List.of("function_listing=json")).functionListing());
        String f = dir.resolve("c.yaml").toString();
        assertEquals(f + ":2: function_listing: BFCL's tasks are listed as json, as eval bfcl gives them to a model",
                error("source: bfcl-multi-turn\nfunction_listing: signatures\n"));
        assertEquals(f + ":1: function_listing: must be one of [json, signatures]", error("function_listing: yaml\n"));
    }

    @Test
    void fileThenSetOverridesTheDefaults() throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "n: 7\nsynthetic:\n  chains: [1, 2]\n");
        DatagenConfig c = ConfigLoader.load(f, List.of("synthetic.chains=[2,5]", "policy=critical-path"));
        assertEquals(7, c.n());
        assertEquals(new Range(2, 5), c.synthetic().chains());
        assertEquals(PolicyName.CRITICAL_PATH, c.policy());
        assertEquals(new Range(2, 6), c.synthetic().parallelCalls(), "untouched keys keep their defaults");
    }

    @Test
    void everyMistakeNamesFileLineAndKey() throws Exception {
        String f = dir.resolve("c.yaml").toString();
        assertEquals(f + ":3: synthetic.chain: unknown key (see 'asynclm datagen --print-defaults' for every key)",
                error("n: 3\nsynthetic:\n  chain: [1, 2]\n"));
        assertEquals(f + ":2: tpot_ms: min must be <= max (got [30.0, 5.0])", error("n: 3\ntpot_ms: [30, 5]\n"));
        assertEquals(f + ":1: policy: must be one of [lpt, critical-path, random]", error("policy: fastest\n"));
        assertEquals(f + ":1: synthetic.user_interrupt_rate: must be between 0 and 1",
                error("synthetic: {user_interrupt_rate: 2}\n"));
        assertEquals(f + ":1: synthetic.chain_length: must be whole numbers", error("synthetic: {chain_length: [1, 2.5]}\n"));
        assertEquals(f + ":1: n: expected a whole number, got 'lots'", error("n: lots\n"));
        assertTrue(error("n: [1\n").startsWith(f + ":"), "malformed YAML names the file");
        assertEquals("--set bogus: unknown key", error("n: 1\n", "bogus=3"));
        assertEquals("--set tpot_ms: min must be >= 0.0", error("n: 1\n", "tpot_ms=[-1, 5]"));
        assertEquals(dir.resolve("none.yaml") + ": no such config file",
                assertThrows(BadInputException.class, () -> ConfigLoader.load(dir.resolve("none.yaml"), List.of()))
                        .getMessage());
    }
}
