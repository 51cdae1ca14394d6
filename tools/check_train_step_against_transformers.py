#!/usr/bin/env python3
"""A by-hand check that `asynclm train` computes the gradients transformers computes, on a trained checkpoint
(where attention is far from uniform, unlike the random start of the golden step tests). One AdamW step with
warm-up 0 and weight decay 0 moves each weight by -lr * sign(gradient) (Adam's first step), so the sign of every
weight's change must agree with the sign of transformers' gradient for the same trace and mask.

  bin/asynclm train --config configs/train/tiny-cpu.yaml --set base_model=CKPT --set train_data=ONE.jsonl \\
      --set steps=1 --set eval_fraction=0 --set eval_every=0 --set warmup=0 --set weight_decay=0 \\
      --set every_token_steps=0 --set task_eval.n=0 --set max_grad_norm=1e9 --out AFTER
  python tools/check_train_step_against_transformers.py CKPT ONE.jsonl AFTER/checkpoint-1

ONE.jsonl holds one native trace. Measured (run5 checkpoint-3250 of the learning table, a 737-token trace): loss
0.55325 here and 0.55 in asynclm; sign agreement 1.0 on every gradient element above 5% of its tensor's largest,
for q, k and v of both layers, an MLP weight and the embedding."""
import json
import sys

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import LlamaForCausalLM

ckpt, trace, after = sys.argv[1:4]
tok = Tokenizer.from_file(f"{ckpt}/tokenizer.json")
t = json.loads(open(trace).readline())
prompt = ("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" + t["messages"][0]["content"]
          + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n" + t["messages"][1]["content"]
          + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
ids = tok.encode(prompt, add_special_tokens=False).ids
mask = [False] * len(ids)
for s in t["assistant"]:  # segments are encoded one by one, as train-data does; the model's own are trained
    e = tok.encode(s["text"], add_special_tokens=False).ids
    ids += e
    mask += [s["kind"] == "model"] * len(e)
ids.append(tok.token_to_id("<|eot_id|>"))
mask.append(True)

model = LlamaForCausalLM.from_pretrained(ckpt, torch_dtype=torch.float32, attn_implementation="eager")
x = torch.tensor([ids])
labels = x.clone()
labels[0, ~torch.tensor(mask)] = -100
loss = model(input_ids=x, labels=labels).loss
loss.backward()
print(f"loss {loss.item():.5f} over {len(ids)} tokens")
before, moved = load_file(f"{ckpt}/model.safetensors"), load_file(f"{after}/model.safetensors")
worst = 1.0
for name, p in model.named_parameters():
    g = p.grad
    large = g.abs() > 0.05 * g.abs().max()
    agree = (torch.sign(-g) == torch.sign(moved[name] - before[name]))[large].float().mean().item()
    worst = min(worst, agree)
    print(f"{name}: sign agreement {agree:.4f} over {int(large.sum())} large elements")
print(f"worst agreement {worst:.4f}")
sys.exit(0 if worst > 0.999 else 1)
