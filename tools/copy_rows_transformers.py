#!/usr/bin/env python3
"""The tiny Llama in transformers on copy rows like RecallRows': how many steps before it copies.

Each example is a span of 16-64 random tokens (vocabulary 900), a separator, then the span again, with the loss on
the repeat only. A step is about 2,000 tokens of examples, AdamW at 3e-3 and clipping at 1.0, as train runs it.
The loss falls from ln(900) = 6.8 nats to near 0 once the model has learned to copy. Measured: it turns between
steps 600 and 800, is at 0.12 by step 800 and 0.05 by 900, and 1,000 steps take 83 s on 2 cores. The README's
learning table cites it beside asynclm's own run (row 12).

    python3 tools/copy_rows_transformers.py [steps]
"""
import random
import sys
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

VOCAB = 900


def example():
    n = random.randint(16, 64)
    span = [random.randrange(VOCAB) for _ in range(n)]
    return span + [VOCAB] + span, [-100] * (n + 1) + span


def batch():
    """Examples up to about 2,000 tokens, padded into one batch (each attends only to itself)."""
    examples, total = [], 0
    while total < 1950:
        e = example()
        examples.append(e)
        total += len(e[0])
    width = max(len(ids) for ids, _ in examples)
    ids = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), -100)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for i, (a, b) in enumerate(examples):
        ids[i, :len(a)] = torch.tensor(a)
        labels[i, :len(b)] = torch.tensor(b)
        mask[i, :len(a)] = 1
    return ids, mask, labels


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(2)
    config = LlamaConfig(vocab_size=VOCAB + 1, hidden_size=128, intermediate_size=352, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=2048,
                         tie_word_embeddings=True, rope_theta=10000.0)
    model = LlamaForCausalLM(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    start = time.time()
    for step in range(1, steps + 1):
        ids, mask, labels = batch()
        loss = model(ids, attention_mask=mask, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 100 == 0:
            print(f"step {step}: loss {loss.item():.3f} ({time.time() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
