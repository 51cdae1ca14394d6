#!/usr/bin/env python3
"""Where a checkpoint's greedy choice differs from the teacher's under teacher forcing, by what the token is: the
choice of the next block ([CALL], [TRAP] or the closing text), a call id, a function name, an argument value, or the
closing text. In its own turns a model may write another order of calls and still be right, so a function or block
choice that differs is not an error there; a value that differs is, since the teacher's context fixes which call is
being written. So the share of traces with every value token right is what the model knows when its context is the
teacher's, to set beside the tasks it gets right in its own turns, where its context is its own. Runs the
checkpoint in transformers on traces datagen wrote with --format axolotl:

  bin/asynclm datagen --config configs/datagen/synthetic.yaml --n 100 --seed 777 --format axolotl \\
      --tokenizer runs/tokenizer.json --out held.jsonl
  python3 tools/teacher_forced_errors.py runs/train-tiny-cpu-long/checkpoint-50000 held.jsonl 100
"""
import collections
import json
import sys

import torch
from tokenizers import Tokenizer
from transformers import LlamaForCausalLM

TURN = "<|start_header_id|>assistant<|end_header_id|>\n\n"


def kind(turn_before, rest):
    """What the next token of the model's turn is, from the turn's text before it and the text from it on."""
    if "Done." in turn_before or rest.startswith("Done"):
        return "closing text"
    tail = turn_before[max(turn_before.rfind("[END]"), 0):]
    if "[CALL]" not in tail:
        return "block choice"
    if "[HEAD]" not in tail:
        return "call id"
    return "argument value" if "(" in tail.split("[HEAD]", 1)[1] else "function name"


def main(checkpoint, traces, n):
    torch.set_num_threads(2)
    model = LlamaForCausalLM.from_pretrained(checkpoint, torch_dtype=torch.float32).eval()
    tokenizer = Tokenizer.from_file(checkpoint + "/tokenizer.json")
    wrong, seen, examples = collections.Counter(), collections.Counter(), collections.defaultdict(list)
    values_right = 0
    for line in list(open(traces))[:n]:
        ids, trained, starts, text = [], [], [], ""
        for segment in json.loads(line)["segments"]:
            encoded = tokenizer.encode(segment["text"])
            ids += encoded.ids
            trained += [segment["label"]] * len(encoded.ids)
            starts += [len(text) + a for a, _ in encoded.offsets]
            text += segment["text"]
        with torch.no_grad():
            greedy = model(torch.tensor([ids])).logits[0].argmax(-1)
        turn = text.rfind(TURN)
        value_wrong = False
        for i in range(1, len(ids)):
            if not trained[i]:
                continue
            before = text[turn:starts[i]]
            k = kind(before, text[starts[i]:starts[i] + 4])
            seen[k] += 1
            if greedy[i - 1].item() != ids[i]:
                wrong[k] += 1
                value_wrong |= k == "argument value"
                if len(examples[k]) < 5:
                    examples[k].append((tokenizer.id_to_token(ids[i]), tokenizer.id_to_token(greedy[i - 1].item()),
                                        before[-110:]))
        values_right += not value_wrong
    print(f"{n} traces: every argument value's tokens the model's greedy choice in {values_right} "
          f"({100 * values_right / n:.0f}%)")
    print("tokens whose greedy choice is not the teacher's:")
    for k in seen:
        print(f"  {k:15s} {wrong[k]:5d} of {seen[k]:6d}  {100 * wrong[k] / seen[k]:5.2f}%")
    for k, rows in examples.items():
        print(f"{k}, the first few (teacher's token, model's, the turn before it):")
        for want, got, before in rows:
            print(f"  {want!r} {got!r} ...{before!r}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
