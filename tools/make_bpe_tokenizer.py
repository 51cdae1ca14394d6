"""A small Llama-3-style tokenizer.json for tests: byte-level BPE with the Llama 3 chat tokens and reserved special
tokens but no CML markers (so asynclm maps the markers onto <|reserved_special_token_0..4|>), trained with
Hugging Face tokenizers on asynclm's own traces.

  bin/asynclm datagen --n 300 --seed 11 --out /tmp/bpe-train.jsonl
  bin/asynclm datagen --config configs/datagen/bfcl-multi-step-parallel.yaml --bfcl-dir ../shared/bfcl \
      --n 300 --seed 11 --out /tmp/bpe-train2.jsonl
  python tools/make_bpe_tokenizer.py /tmp/bpe-train.jsonl /tmp/bpe-train2.jsonl
Writes cli/src/test/resources/bpe-2k/tokenizer.json."""
import json
import pathlib
import re
import sys
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

MARKERS = re.compile(r"\[(CALL|INTR|TRAP|END|HEAD)\]")
texts = []
for path in sys.argv[1:]:
    for line in open(path):
        t = json.loads(line)
        texts += [m["content"] for m in t["messages"]] + [s["text"] for s in t["assistant"]]
texts = [MARKERS.sub(" ", x) for x in texts]  # the markers are special tokens, not text to learn

specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"] + \
    [f"<|reserved_special_token_{i}|>" for i in range(10)]
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(vocab_size=2000, special_tokens=specials,
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
tok.train_from_iterator(texts, trainer)
out = pathlib.Path(__file__).resolve().parent.parent / "cli/src/test/resources/bpe-2k"
out.mkdir(parents=True, exist_ok=True)
tok.save(str(out / "tokenizer.json"))
sample = "[CALL]a[HEAD]search_flights(origin='Oslo', destination='Lima')[END]"
print(tok.get_vocab_size(), "tokens;", len(tok.encode(MARKERS.sub(" ", sample)).ids), "for", sample)
