package org.asynclm.runtime.tokens;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE learned from a task's own text, written as a Hugging Face {@code tokenizer.json}. A model made
 * for one task reads the same tool schemas and phrases again and again; whole words as single tokens make its rows
 * several times shorter than bytes, so it sees several times more examples in the same time.
 *
 * <p>The layout extends {@link TokenizerJson#byteLevel()}: ids 0-255 are the bytes, then the merges in the order
 * learned, then {@link ByteTokenizer#SPECIALS} (chat and CML tokens). Pre-tokenization, as Hugging Face applies it:
 * numbers apart ({@link Digits}), then runs of letters, of whitespace and of punctuation apart. A value therefore has
 * the same tokens wherever it stands: a word such as a city is one token whether it follows a space in the request, a
 * quote in a call or a colon in a result (GPT-2's split would glue the space on and make two tokens of it, which a
 * small model must then learn to map onto each other).
 */
public final class BpeTrainer {
    /** Runs of letters, whitespace or punctuation: the Split pre-tokenizer's pattern (digits are already apart). */
    static final String RUNS = "\\p{L}+|\\s+|[^\\s\\p{L}\\p{N}]+";
    private static final Pattern WORDS = Pattern.compile(RUNS, Pattern.UNICODE_CHARACTER_CLASS);
    /** How numbers are cut before merging: Hugging Face's Digits pre-tokenizer, on char::is_numeric (Unicode's N). */
    public enum Digits {
        /** Every digit a token of its own (individual_digits): a number is copied digit by digit. */
        SINGLE(Pattern.compile("\\p{N}", Pattern.UNICODE_CHARACTER_CLASS)),
        /**
         * A run of digits is one piece that merges learn like a word, so an id such as 88503 is two or three tokens,
         * the same ones wherever it stands: fewer copy steps for a small model.
         */
        RUNS(Pattern.compile("\\p{N}+", Pattern.UNICODE_CHARACTER_CLASS)),
        /**
         * A run of digits cut into pairs from its left (36518 is 36, 51, 8): a hundred tokens, each common, so a
         * value is half as many copy steps as with single digits, and the token a copy has just written is seldom
         * found elsewhere in the prompt (a single digit is everywhere: times, dates, other ids).
         */
        PAIRS(Pattern.compile("\\p{N}{1,2}", Pattern.UNICODE_CHARACTER_CLASS));

        private final Pattern pattern;

        Digits(Pattern pattern) {
            this.pattern = pattern;
        }
    }
    private static final String[] SPELLING = TokenizerJson.byteSpellings();
    /** Special tokens are cut out before pre-tokenization, as Hugging Face does with added tokens. */
    private static final Pattern SPECIAL = Pattern.compile(String.join("|",
            ByteTokenizer.SPECIALS.stream().map(Pattern::quote).toList()));

    /** The learned merges, in rank order (each is two tokens' spellings), and how digits were cut. */
    public record Merges(List<String[]> pairs, Digits digits) {
        /** Bytes, distinct merge results and special tokens. */
        public int vocabularySize() {
            return vocabulary(this).size() + ByteTokenizer.SPECIALS.size();
        }
    }

    private BpeTrainer() {
    }

    /**
     * Learns merges until the vocabulary (bytes, merges and special tokens) has {@code vocabularySize} entries or
     * no pair occurs twice. Special tokens in {@code texts} are cut out, not learned. Ties go to the pair first seen, so the
     * result depends on the texts and their order alone.
     */
    public static Merges train(Iterable<String> texts, int vocabularySize, Digits digits) {
        int wanted = vocabularySize - 256 - ByteTokenizer.SPECIALS.size();
        if (wanted < 0) {
            throw new IllegalArgumentException("vocabulary size must be at least " + (256 + ByteTokenizer.SPECIALS.size()));
        }
        Map<String, Integer> counts = new HashMap<>();
        List<String> order = new ArrayList<>(); // first-seen order keeps training deterministic
        for (String text : texts) {
            for (String piece : SPECIAL.split(text)) {
                for (String w : pretokenize(piece, digits)) {
                    if (counts.merge(w, 1, Integer::sum) == 1) {
                        order.add(w);
                    }
                }
            }
        }
        List<List<String>> words = new ArrayList<>();
        int[] freq = new int[order.size()];
        for (int i = 0; i < order.size(); i++) {
            words.add(symbols(order.get(i)));
            freq[i] = counts.get(order.get(i));
        }
        List<String[]> merges = new ArrayList<>();
        Set<String> made = new HashSet<>(); // a string two merges can make is one token
        while (made.size() < wanted) {
            Map<String, long[]> pairs = new HashMap<>(); // "a b" -> {count, first seen}
            long seen = 0;
            for (int i = 0; i < words.size(); i++) {
                List<String> w = words.get(i);
                for (int j = 0; j + 1 < w.size(); j++) {
                    long[] c = pairs.computeIfAbsent(w.get(j) + " " + w.get(j + 1), k -> new long[2]);
                    if (c[0] == 0) {
                        c[1] = seen++;
                    }
                    c[0] += freq[i];
                }
            }
            String best = null;
            long[] bestCount = null;
            for (Map.Entry<String, long[]> e : pairs.entrySet()) {
                long[] c = e.getValue();
                if (bestCount == null || c[0] > bestCount[0] || (c[0] == bestCount[0] && c[1] < bestCount[1])) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null || bestCount[0] < 2) {
                break;
            }
            String[] pair = best.split(" ", 2);
            merges.add(pair);
            made.add(pair[0] + pair[1]);
            for (List<String> w : words) {
                apply(w, pair[0], pair[1]);
            }
        }
        return new Merges(List.copyOf(merges), digits);
    }

    /**
     * Encodes as Hugging Face's tokenizers do under {@code merges}: the reference a tokenizer.json is tested against.
     * The merge ranks and the vocabulary are built once, for any number of texts.
     */
    public static final class Encoder {
        private final Merges merges;
        private final Map<String, Integer> rank = new HashMap<>();
        private final Map<String, Integer> vocab;

        public Encoder(Merges merges) {
            this.merges = merges;
            this.vocab = vocabulary(merges);
            for (int r = 0; r < merges.pairs().size(); r++) {
                rank.putIfAbsent(merges.pairs().get(r)[0] + " " + merges.pairs().get(r)[1], r);
            }
        }

        /** The ids of {@code text}, special tokens included. */
        public int[] encode(String text) {
            List<Integer> ids = new ArrayList<>();
            Matcher special = SPECIAL.matcher(text);
            int from = 0;
            while (special.find()) {
                encodePlain(text.substring(from, special.start()), ids);
                ids.add(vocab.size() + ByteTokenizer.SPECIALS.indexOf(special.group()));
                from = special.end();
            }
            encodePlain(text.substring(from), ids);
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }

        /** Each piece's symbols, the pair of lowest rank merged first, until none of its pairs is a merge. */
        private void encodePlain(String text, List<Integer> ids) {
            for (String word : pretokenize(text, merges.digits())) {
                List<String> w = symbols(word);
                while (w.size() > 1) {
                    int bestRank = Integer.MAX_VALUE;
                    for (int j = 0; j + 1 < w.size(); j++) {
                        bestRank = Math.min(bestRank, rank.getOrDefault(w.get(j) + " " + w.get(j + 1),
                                Integer.MAX_VALUE));
                    }
                    if (bestRank == Integer.MAX_VALUE) {
                        break;
                    }
                    String[] pair = merges.pairs().get(bestRank);
                    apply(w, pair[0], pair[1]);
                }
                w.forEach(s -> ids.add(vocab.get(s)));
            }
        }
    }

    /** The tokenizer.json: {@link TokenizerJson#byteLevel()} with the merges and the digit-splitting pre-tokenizer. */
    public static ObjectNode tokenizerJson(Merges merges) {
        ObjectNode root = TokenizerJson.byteLevel();
        int firstSpecial = vocabulary(merges).size();
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        for (int k = 0; k < added.size(); k++) {
            ((ObjectNode) added.get(k)).put("id", firstSpecial + k);
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode pre = f.objectNode().put("type", "Sequence");
        ObjectNode split = f.objectNode().put("type", "Split");
        split.putObject("pattern").put("Regex", RUNS);
        split.put("behavior", "Isolated").put("invert", false);
        ObjectNode bytes = f.objectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", false);
        pre.putArray("pretokenizers").add(digitSplit(merges.digits())).add(split).add(bytes);
        root.set("pre_tokenizer", pre);
        ObjectNode model = (ObjectNode) root.get("model");
        ObjectNode vocab = model.putObject("vocab");
        vocabulary(merges).forEach(vocab::put);
        ArrayNode list = model.putArray("merges");
        merges.pairs().forEach(p -> list.addArray().add(p[0]).add(p[1]));
        return root;
    }

    /** Hugging Face's pre-tokenizer for {@code digits}: its Digits type, or for pairs a Split on the same regex. */
    private static ObjectNode digitSplit(Digits digits) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (digits == Digits.PAIRS) {
            ObjectNode pairs = f.objectNode().put("type", "Split");
            pairs.putObject("pattern").put("Regex", digits.pattern.pattern());
            return pairs.put("behavior", "Isolated").put("invert", false);
        }
        return f.objectNode().put("type", "Digits").put("individual_digits", digits == Digits.SINGLE);
    }

    /** Token spelling to id: the bytes, then each merge's result. */
    private static Map<String, Integer> vocabulary(Merges merges) {
        Map<String, Integer> vocab = new TreeMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(SPELLING[b], b);
        }
        int id = 256;
        for (String[] p : merges.pairs()) {
            if (vocab.putIfAbsent(p[0] + p[1], id) == null) {
                id++;
            }
        }
        return vocab;
    }

    /** Hugging Face's Sequence[Digits, Split(RUNS), ByteLevel]: pieces in GPT-2's byte spelling. */
    static List<String> pretokenize(String text, Digits digits) {
        List<String> out = new ArrayList<>();
        Matcher digit = digits.pattern.matcher(text);
        int from = 0;
        while (digit.find()) {
            split(text.substring(from, digit.start()), out);
            out.add(spell(digit.group()));
            from = digit.end();
        }
        split(text.substring(from), out);
        return out;
    }

    private static void split(String piece, List<String> out) {
        Matcher m = WORDS.matcher(piece);
        while (m.find()) {
            out.add(spell(m.group()));
        }
    }

    private static String spell(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append(SPELLING[b & 0xFF]);
        }
        return sb.toString();
    }

    /** A word's symbols: its byte spellings (one char each, by construction of the spelling). */
    private static List<String> symbols(String word) {
        List<String> out = new ArrayList<>(word.length());
        for (int i = 0; i < word.length(); i++) {
            out.add(String.valueOf(word.charAt(i)));
        }
        return out;
    }

    private static void apply(List<String> w, String a, String b) {
        for (int j = 0; j + 1 < w.size(); j++) {
            if (w.get(j).equals(a) && w.get(j + 1).equals(b)) {
                w.set(j, a + b);
                w.remove(j + 1);
            }
        }
    }
}
