#!/usr/bin/env python3
"""How many of a checkpoint's attention weights are subnormal floats (not zero, below 1.18e-38), layer by layer, on
held-out traces. An x86 core computes with such an operand through a slow path, so a model whose softmax puts many
weights there trains slowly unless they are flushed to zero (asynclm does, on the CPU: model's Denormals). Runs the
checkpoint in transformers with eager attention (its weights are returned), on traces datagen wrote with
--format axolotl:

  bin/asynclm datagen --config configs/datagen/synthetic.yaml --n 10 --seed 777 --format axolotl --out held.jsonl
  python3 tools/subnormal_attention.py held.jsonl runs/train-39-3layers/checkpoint-9500 runs/train-33-long/checkpoint-50000
"""
import json, sys, torch
from transformers import LlamaForCausalLM
from tokenizers import Tokenizer

SMALLEST_NORMAL = torch.finfo(torch.float32).tiny  # 1.18e-38
torch.set_num_threads(1)
torch.set_flush_denormal(False)  # count them as IEEE arithmetic makes them
data, checkpoints = sys.argv[1], sys.argv[2:]
for ck in checkpoints:
    m = LlamaForCausalLM.from_pretrained(ck, attn_implementation='eager', torch_dtype=torch.float32).eval()
    tok = Tokenizer.from_file(ck + '/tokenizer.json')
    subnormal, total = [0] * m.config.num_hidden_layers, 0
    for line in open(data):
        ids = [i for s in json.loads(line)['segments'] for i in tok.encode(s['text']).ids]
        with torch.no_grad():
            attentions = m(torch.tensor([ids]), output_attentions=True).attentions
        for layer, a in enumerate(attentions):
            subnormal[layer] += int(((a != 0) & (a < SMALLEST_NORMAL)).sum())
        # the causal mask's zeros are exact zeros, not subnormals: count the weights a token may give
        total += m.config.num_attention_heads * len(ids) * (len(ids) + 1) // 2
    print(ck, ' '.join(f'layer {l + 1}: {100 * n / total:.2f}%' for l, n in enumerate(subnormal)),
          f'of {total:,} attention weights', flush=True)
