package org.asynclm.runtime.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.asynclm.runtime.CostModel;

/**
 * Test fixture: small synthetic tasks with fixed shapes (N independent calls, K chains of length L in which every
 * call copies an id out of the previous call's result), estimates equal to the true execution times. The generator
 * users run is datagen's; this one keeps the runtime's tests free of it.
 */
public final class SyntheticScenarios {
    private static final String[] CITIES = {"Paris", "Lagos", "Osaka", "Lima", "Oslo", "Austin", "Pune", "Perth"};
    private static final String[] SYMBOLS = {"AAPL", "NVDA", "SAP", "TSM", "ASML", "SONY", "INFY", "MELI"};
    private static final String[] TOPICS = {"solar power", "chess", "rail travel", "coral reefs", "jazz", "robots"};
    private static final String[] NAMES = {"Ada Lopez", "Kwame Mensah", "Mei Tanaka", "Omar Haddad", "Lena Vogel"};

    /** One step of a chain: reads {@code input}, returns {@code output}. */
    private record Step(String function, String input, String output) {
    }

    private static final List<Step> CHAIN_STEPS = List.of(
            new Step("find_customer", "name", "customer_id"),
            new Step("list_orders", "customer_id", "order_id"),
            new Step("get_shipment", "order_id", "tracking_number"),
            new Step("track_package", "tracking_number", "depot_code"),
            new Step("get_depot_phone", "depot_code", "phone"),
            new Step("send_sms", "phone", "message_id"),
            new Step("log_message", "message_id", "customer_id"));

    private SyntheticScenarios() {
    }

    public static Scenario parallel(int n, LatencyDistribution latency, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("--calls must be at least 1");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<ScenarioCall> calls = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            calls.add(independentCall("t" + i, rng, latency));
        }
        return new Scenario("parallel-" + n + "-seed" + seed, "Please run these " + n + " independent lookups.",
                calls, "All " + n + " lookups are done.");
    }

    public static Scenario chains(int k, int length, LatencyDistribution latency, long seed) {
        if (k < 1 || length < 1) {
            throw new IllegalArgumentException("--chains and --length must be at least 1");
        }
        int[] lengths = new int[k];
        Arrays.fill(lengths, length);
        return chains(lengths, "chains-" + k + "x" + length + "-seed" + seed, latency, new SplittableRandom(seed));
    }

    /**
     * Three independent chains of 1 to 5 calls each, the shape of the paper's multi-step-parallel tasks (three
     * distinct multi-turn first rounds combined).
     */
    public static Scenario multiStepParallel(LatencyDistribution latency, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] lengths = {rng.nextInt(1, 6), rng.nextInt(1, 6), rng.nextInt(1, 6)};
        return chains(lengths, "multi-step-parallel-seed" + seed, latency, rng);
    }

    private static Scenario chains(int[] lengths, String name, LatencyDistribution latency, SplittableRandom rng) {
        int k = lengths.length;
        List<ScenarioCall> calls = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            int length = lengths[c];
            String prefix = c < 26 ? String.valueOf((char) ('a' + c)) : "ch" + c + "_";
            int start = rng.nextInt(CHAIN_STEPS.size());
            String previous = null;
            for (int s = 0; s < length; s++) {
                Step step = CHAIN_STEPS.get((start + s) % CHAIN_STEPS.size());
                Map<String, Object> args = new LinkedHashMap<>();
                List<String> deps = new ArrayList<>();
                if (previous == null) {
                    args.put(step.input(), fieldValue(step.input(), rng));
                } else {
                    args.put(step.input(), new Ref(previous, "/" + step.input()));
                    deps.add(previous);
                }
                if (step.function().equals("send_sms")) {
                    args.put("text", "Your parcel is on its way.");
                }
                ObjectNode result = JsonNodeFactory.instance.objectNode();
                result.put(step.output(), (String) fieldValue(step.output(), rng));
                String id = prefix + (s + 1);
                calls.add(timed(id, step.function(), args, deps, result, rng, latency));
                previous = id;
            }
        }
        return new Scenario(name, "Please work through these " + k + " requests, each a sequence of steps.", calls,
                "All " + k + " requests are complete.");
    }

    private static ScenarioCall independentCall(String id, SplittableRandom rng, LatencyDistribution latency) {
        Map<String, Object> args = new LinkedHashMap<>();
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        String function;
        switch (rng.nextInt(4)) {
            case 0 -> {
                function = "get_weather";
                String city = pick(CITIES, rng);
                args.put("city", city);
                result.put("city", city).put("temperature_c", rng.nextInt(-5, 36));
            }
            case 1 -> {
                function = "get_stock_price";
                String symbol = pick(SYMBOLS, rng);
                args.put("symbol", symbol);
                result.put("symbol", symbol).put("price", Math.round(rng.nextDouble(5, 900) * 100) / 100.0);
            }
            case 2 -> {
                function = "get_news";
                String topic = pick(TOPICS, rng);
                args.put("topic", topic);
                args.put("limit", (long) rng.nextInt(1, 4));
                result.put("headline", "New findings on " + topic);
            }
            default -> {
                function = "convert_currency";
                long amount = rng.nextInt(10, 2000);
                args.put("amount", amount);
                args.put("from_currency", "USD");
                args.put("to_currency", pick(new String[] {"EUR", "JPY", "INR", "BRL"}, rng));
                result.put("amount", Math.round(amount * rng.nextDouble(0.5, 150) * 100) / 100.0);
            }
        }
        return timed(id, function, args, List.of(), result, rng, latency);
    }

    private static ScenarioCall timed(String id, String function, Map<String, Object> args, List<String> deps,
                                      JsonNode result, SplittableRandom rng, LatencyDistribution latency) {
        double ms = Math.round(latency.sampleMs(rng) * 1000) / 1000.0;
        long nanos = CostModel.msToNanos(ms);
        return new ScenarioCall(id, function, args, deps, nanos, nanos, result);
    }

    private static Object fieldValue(String field, SplittableRandom rng) {
        return switch (field) {
            case "name" -> pick(NAMES, rng);
            case "customer_id" -> "C" + rng.nextInt(1000, 10000);
            case "order_id" -> "O" + rng.nextInt(10000, 100000);
            case "tracking_number" -> "1Z" + rng.nextInt(10_000_000, 100_000_000);
            case "depot_code" -> "" + (char) ('A' + rng.nextInt(26)) + (char) ('A' + rng.nextInt(26))
                    + (char) ('A' + rng.nextInt(26)) + rng.nextInt(10);
            case "phone" -> "555-" + rng.nextInt(1000, 10000);
            case "message_id" -> "M" + rng.nextInt(100000, 1000000);
            default -> throw new IllegalArgumentException(field);
        };
    }

    private static String pick(String[] options, SplittableRandom rng) {
        return options[rng.nextInt(options.length)];
    }
}
