#!/usr/bin/env python3
"""Per-token loss of a checkpoint on native traces, split by where a copied value comes from: the request (a
literal such as username='sreyes' or zip_code='36518') or an earlier result (user_id='U1922'), its first token or a
later one, beside the format tokens. It needs no Python packages: the checkpoint runs in asynclm
(`bin/asynclm model score`), so it works wherever the project builds.

  bin/asynclm datagen --config configs/datagen/synthetic.yaml --n 20 --seed 777 \
      --tokenizer runs/pairs/tiny-model/tokenizer.json --out runs/held-20.jsonl
  python3 tools/copy_loss_by_source.py runs/train-x/checkpoint-3000 runs/held-20.jsonl [N]

The trace is scored as one text, its prompt rendered as ChatPrompt.render renders it; training and the runtime
encode segment by segment, which gives the same ids for these traces: segments meet at CML markers, which the
tokenizer splits off before any merge (the script stops if the decoded pieces do not tile the text).

A value the model cannot find costs about the uniform guess among its kind (4.5 nats over the first digit pairs of
a ZIP code, 1.8 over six user names); one it copies costs about 0.
"""
import json
import re
import subprocess
import sys


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def render(system, user):
    turn = lambda role, text: f"<|start_header_id|>{role}<|end_header_id|>\n\n{text}<|eot_id|>"
    return "<|begin_of_text|>" + turn("system", system) + turn("user", user) \
        + "<|start_header_id|>assistant<|end_header_id|>\n\n"


VALUE = re.compile(r"=(?:'([^']*)'|\[([^\]]*)\]|(\d+))")


def value_spans(segment, offset):
    """(start, end, value) of every argument value in a model segment's calls, list elements one by one."""
    out = []
    for m in VALUE.finditer(segment):
        if m.group(1) is not None:
            out.append((offset + m.start(1), offset + m.end(1), m.group(1)))
        elif m.group(3) is not None:
            out.append((offset + m.start(3), offset + m.end(3), m.group(3)))
        else:
            for e in re.finditer(r"'([^']*)'", m.group(2)):
                out.append((offset + m.start(2) + e.start(1), offset + m.start(2) + e.end(1), e.group(1)))
    return out


def main():
    checkpoint, traces = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    tok = json.load(open(checkpoint + "/tokenizer.json"))
    pieces = {v: k for k, v in tok["model"]["vocab"].items()}
    for t in tok.get("added_tokens", []):
        pieces[t["id"]] = ("special", t["content"])
    byte_of = bytes_to_unicode()
    losses = {}
    for line in list(open(traces))[:limit]:
        trace = json.loads(line)
        system, user = trace["messages"][0]["content"], trace["messages"][1]["content"]
        text = render(system, user)
        start = len(text)
        spans, seen_results, model_ranges = [], "", []
        for seg in trace["assistant"]:
            if seg["kind"] == "model":
                for a, b, v in value_spans(seg["text"], len(text)):
                    source = "result" if v in seen_results else ("request" if v in user else "other")
                    spans.append((a, b, source))
                model_ranges.append((len(text), len(text) + len(seg["text"])))
            else:
                seen_results += seg["text"]
            text += seg["text"]
        scored = json.loads(subprocess.run(["bin/asynclm", "model", "score", "--model", checkpoint, "--text", text,
                                            "--json"], capture_output=True, text=True, check=True).stdout)
        at = 0
        for tid, lp in zip(scored["token_ids"], scored["token_logprobs"]):
            piece = pieces[tid]
            if isinstance(piece, tuple):
                length = len(piece[1])
            else:
                length = len(bytes(byte_of[c] for c in piece).decode("utf-8", errors="replace"))
            a, b = at, at + length
            at = b
            if lp is None or a < start or not any(lo <= a < hi for lo, hi in model_ranges):
                continue
            kind = "format"
            for sa, sb, source in spans:
                if a < sb and b > sa:
                    kind = f"{source}-{'first' if a <= sa else 'next'}"
            losses.setdefault(kind, []).append(-lp)
        if at != len(text):  # the pieces must tile the text, or the kinds above are misplaced
            sys.exit(f"{traces}: decoded {at} characters of {len(text)}; is this the traces' tokenizer?")
    print(f"{'kind':16s} {'tokens':>7s} {'mean nll':>9s} {'share > 1 nat':>14s}")
    for kind, v in sorted(losses.items()):
        print(f"{kind:16s} {len(v):7d} {sum(v) / len(v):9.3f} {sum(x > 1 for x in v) / len(v):14.2f}")


if __name__ == "__main__":
    main()
