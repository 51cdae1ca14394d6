package org.asynclm.runtime.tokens;

/** Token ids as the engine sees them, and their text as the CML parser sees it. */
public interface Tokenizer {

    /** Encodes text; CML markers and chat special tokens become their single special ids. */
    int[] encode(String text);

    /**
     * {@code text} as a Hugging Face tokenizer must be given it to produce {@link #encode}'s ids. The same text when
     * the CML markers are tokens of the vocabulary; otherwise each marker is written as the special token it is
     * mapped onto (Llama 3's reserved ones). The trl and axolotl exports write this, so that Python trainers
     * tokenise exactly what the runtime runs.
     */
    default String vocabularyText(String text) {
        return text;
    }

    default int count(String text) {
        return encode(text).length;
    }

    /**
     * The text of one token for constrained decoding. A token that is only part of a character (a UTF-8 continuation
     * byte) has no CML meaning and may return an empty string.
     */
    String piece(int id);

    int vocabularySize();

    /** The token that ends an assistant message. */
    int endOfTurnId();

    /** A streaming decoder: feeds ids, returns the text they complete (multi-byte characters arrive whole). */
    TextDecoder newDecoder();

    interface TextDecoder {
        String next(int id);
    }
}
