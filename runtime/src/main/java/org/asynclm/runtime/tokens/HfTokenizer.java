package org.asynclm.runtime.tokens;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynclm.runtime.BadInputException;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding of the Rust tokenizers (no PyTorch): special tokens
 * are not added, truncation is off (DJL truncates to 512 by default). Each token's text comes from decoding it
 * alone, which is exact for byte-level BPE vocabularies.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    /** End-of-turn tokens in the order they are looked for. */
    private static final List<String> END_OF_TURN = List.of("<|eot_id|>", "<|im_end|>", "<|end_of_text|>",
            "<|endoftext|>", "</s>");

    private static final Pattern RESERVED =
            Pattern.compile("<\\|reserved_special_token_(\\d+)\\|>");
    private static final Pattern MARKERS =
            Pattern.compile("\\[CALL]|\\[INTR]|\\[TRAP]|\\[END]|\\[HEAD]");

    private final HuggingFaceTokenizer tokenizer;
    private final String[] pieces;
    private final int endOfTurn;
    private final Map<String, Integer> markerIds;
    /** Each mapped marker's stand-in as the vocabulary spells it, e.g. [CALL] as <|reserved_special_token_0|>. */
    private final Map<String, String> markerSpellings;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize, int endOfTurn,
                        Map<String, Integer> markerIds, Map<Integer, String> added) {
        this.tokenizer = tokenizer;
        this.pieces = new String[vocabularySize];
        this.endOfTurn = endOfTurn;
        this.markerIds = markerIds;
        this.markerSpellings = new LinkedHashMap<>();
        markerIds.forEach((marker, id) -> {
            pieces[id] = marker;
            markerSpellings.put(marker, added.get(id));
        });
    }

    /**
     * Where each CML marker lives when the tokenizer has no added token for it: the first five reserved special
     * tokens (Llama 3's {@code <|reserved_special_token_N|>}, in order of N), so the vocabulary keeps its size.
     * Empty when the markers are tokens of their own. The mapping follows from tokenizer.json alone, so traces
     * written with it and a model reading them agree without storing it anywhere.
     */
    public Map<String, Integer> markerMapping() {
        return markerIds;
    }

    public static HfTokenizer load(Path file) throws BadInputException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no such tokenizer.json");
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not a tokenizer.json: " + e.getMessage().lines().findFirst().orElse(""));
        }
        int size = TokenizerJson.vocabularySize(json);
        int eot = -1;
        for (String name : END_OF_TURN) {
            for (JsonNode t : json.path("added_tokens")) {
                if (eot < 0 && t.path("content").asText().equals(name)) {
                    eot = t.path("id").asInt();
                }
            }
        }
        if (eot < 0) {
            throw new BadInputException(file + ": added_tokens: no end-of-turn token (one of " + END_OF_TURN + ")");
        }
        Map<String, Integer> markers = markerMapping(json, file);
        Map<Integer, String> added = new HashMap<>();
        json.path("added_tokens").forEach(t -> added.put(t.path("id").asInt(), t.path("content").asText()));
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // nothing is ever downloaded
        }
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).build();
            return new HfTokenizer(t, size, eot, markers, added);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(file + ": cannot load: " + e.getMessage());
        }
    }

    private static Map<String, Integer> markerMapping(JsonNode json, Path file) throws BadInputException {
        Set<String> added = new HashSet<>();
        TreeMap<Integer, Integer> reserved = new TreeMap<>();
        for (JsonNode t : json.path("added_tokens")) {
            String content = t.path("content").asText();
            added.add(content);
            Matcher m = RESERVED.matcher(content);
            if (m.matches()) {
                reserved.put(Integer.parseInt(m.group(1)), t.path("id").asInt());
            }
        }
        List<String> markers = List.of("[CALL]", "[INTR]", "[TRAP]", "[END]", "[HEAD]");
        if (added.containsAll(markers)) {
            return Map.of();
        }
        if (reserved.size() < markers.size()) {
            throw new BadInputException(file + ": added_tokens: no CML marker tokens and fewer than five "
                    + "<|reserved_special_token_N|> to map them onto");
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        Iterator<Integer> ids = reserved.values().iterator();
        for (String m : markers) {
            out.put(m, ids.next());
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String vocabularyText(String text) {
        if (markerSpellings.isEmpty()) {
            return text;
        }
        return MARKERS.matcher(text).replaceAll(m -> Matcher.quoteReplacement(markerSpellings.get(m.group())));
    }

    @Override
    public int[] encode(String text) {
        if (markerIds.isEmpty()) {
            return ids(text);
        }
        // Markers are not in the vocabulary: encode the text between them and put the mapped ids in their place.
        List<int[]> parts = new ArrayList<>();
        Matcher m = MARKERS.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(ids(text.substring(last, m.start())));
            }
            parts.add(new int[] {markerIds.get(m.group())});
            last = m.end();
        }
        if (last < text.length()) {
            parts.add(ids(text.substring(last)));
        }
        return parts.stream().flatMapToInt(Arrays::stream).toArray();
    }

    private int[] ids(String text) {
        long[] ids = tokenizer.encode(text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public synchronized String piece(int id) {
        String p = pieces[id];
        if (p == null) {
            p = tokenizer.decode(new long[] {id}, false);
            pieces[id] = p;
        }
        return p;
    }

    @Override
    public int vocabularySize() {
        return pieces.length;
    }

    @Override
    public int endOfTurnId() {
        return endOfTurn;
    }

    /**
     * Holds back tokens that end inside a multi-byte character (their text ends in U+FFFD) until the character is
     * complete; after four tokens it gives up and lets the replacement character through.
     */
    @Override
    public TextDecoder newDecoder() {
        return new TextDecoder() {
            private final List<Long> held = new ArrayList<>();

            @Override
            public String next(int id) {
                if (held.isEmpty() && id < pieces.length && !piece(id).endsWith("\uFFFD")) {
                    return piece(id);
                }
                if (markerIds.containsValue(id)) { // a mapped marker ends whatever was held back
                    String text = held.isEmpty() ? "" : decodeHeld();
                    held.clear();
                    return text + piece(id);
                }
                held.add((long) id);
                String text = decodeHeld();
                if (text.endsWith("\uFFFD") && held.size() < 4) {
                    return "";
                }
                held.clear();
                return text;
            }

            private String decodeHeld() {
                return tokenizer.decode(held.stream().mapToLong(Long::longValue).toArray(), false);
            }
        };
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
