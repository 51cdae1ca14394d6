#!/usr/bin/env python3
"""Per-token loss of a checkpoint on held-out traces, by what the token is: the format, a function name, the closing
text, or a value a call copies (its first token, after a prefix such as U in U6691, or a later one). It shows
whether a model copies at all: a copied token it cannot find costs the uniform guess (4.6 nats over 100 digit
pairs), one it finds costs about 0. Runs the checkpoint in transformers, on traces datagen wrote with
--format axolotl:

  bin/asynclm datagen --config configs/datagen/synthetic.yaml --n 30 --seed 777 --format axolotl --out held.jsonl
  python3 tools/copy_loss_by_kind.py runs/quickstart/train/checkpoint-11500 held.jsonl 30
"""
import json, sys, re, torch
from transformers import LlamaForCausalLM
from tokenizers import Tokenizer
ck, data = sys.argv[1], sys.argv[2]
torch.set_num_threads(1)
m = LlamaForCausalLM.from_pretrained(ck, torch_dtype=torch.float32).eval()
tok = Tokenizer.from_file(ck + '/tokenizer.json')
cats = {}
def add(c, v): cats.setdefault(c, []).append(v)
for line in list(open(data))[:int(sys.argv[3]) if len(sys.argv) > 3 else 30]:
    segs = json.loads(line)['segments']
    ids, lab, txt = [], [], []
    for s in segs:
        e = tok.encode(s['text'])
        ids += e.ids; lab += [s['label']] * len(e.ids); txt += [(s['text'], o) for o in e.offsets]
    with torch.no_grad():
        lp = torch.log_softmax(m(torch.tensor([ids])).logits[0], -1)
    for i in range(1, len(ids)):
        if not lab[i]: continue
        text, (a, b) = txt[i]
        piece = text[a:b]
        before = text[:a]
        nll = -lp[i - 1, ids[i]].item()
        # inside an argument value: after =' or =" with no closing quote yet
        m1 = re.search(r"=(['\"])([^'\"]*)$", before)
        if m1:
            first = m1.group(2) == ''
            c = ('value-digits' if re.fullmatch(r'\d+', piece) else 'value-text') + ('-first' if first else '-next')
            if re.fullmatch(r'\d+', piece) and not first and re.fullmatch(r'[A-Z]+-?', m1.group(2)): c = 'value-digits-afterprefix'
        elif re.search(r"=\d*$", before) and re.fullmatch(r"\d+", piece):
            c = 'value-int'
        elif text.startswith('Done'):
            c = 'final'
        elif re.search(r"\[HEAD\]\w*$", before):
            c = 'function'
        else:
            c = 'format'
        add(c, nll)
for c, v in sorted(cats.items()):
    print(f"{c:14s} n={len(v):5d} mean nll {sum(v)/len(v):.3f}  share>1 {sum(x>1 for x in v)/len(v):.2f}")
