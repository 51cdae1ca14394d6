#!/usr/bin/env python3
"""LoRA fine-tuning of Llama 3.2 at its real shapes, asynclm against transformers + PEFT on this machine: the table
README's "GPU" section shows. Not run in CI (needs torch, transformers, peft, and an hour on 2 cores).

  python3 tools/bench_shapes.py [--cases 1b:512,1b:2048,3b:512] [--asynclm bin/asynclm] [--steps 2]

For each case, with gradient checkpointing off and on (on for both or off for both), it runs

  asynclm bench train --shape llama-3.2-NB --tokens T --lora-rank 8 --loss-chunk 512 [--gradient-checkpointing]
  python3 tools/bench_train_transformers.py --shape llama-3.2-NB --tokens T --lora-rank 8 --trainable-tokens \\
      [--gradient-checkpointing]

one after the other (never side by side: they share the cores and the memory), each a fresh process, and prints
median step seconds, tokens per second and peak resident memory, with asynclm's ratios to PEFT's.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd):
    """The command's JSON, or None when it failed (out of memory: the kernel's OOM killer ends it with -9)."""
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        print(f"exit {done.returncode}: {done.stderr.strip()[-500:]}", file=sys.stderr, flush=True)
        return None
    return json.loads(done.stdout[done.stdout.index("{"):])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cases", default="1b:512,1b:2048,3b:512", help="shape:tokens, comma-separated")
    p.add_argument("--asynclm", default="bin/asynclm")
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--warmup-steps", type=int, default=1)
    p.add_argument("--loss-chunk", type=int, default=512)
    p.add_argument("--checkpointing", default="off,on")
    a = p.parse_args()
    rows = []
    for case in a.cases.split(","):
        size, tokens = case.split(":")
        shape = f"llama-3.2-{size}"
        for ckpt in a.checkpointing.split(","):
            flag = ["--gradient-checkpointing"] if ckpt == "on" else []
            common = ["--shape", shape, "--tokens", tokens, "--lora-rank", "8", "--steps", str(a.steps),
                      "--warmup-steps", str(a.warmup_steps)] + flag
            ours = run(a.asynclm.split() + ["bench", "train"] + common
                       + ["--loss-chunk", str(a.loss_chunk), "--json"])
            peft = run([sys.executable, "tools/bench_train_transformers.py"] + common
                       + ["--trainable-tokens", "--json"])
            assert ours is None or peft is None or ours["trained_parameters"] == peft["trained_parameters"]
            rows.append((shape, tokens, ckpt, ours, peft))
            print(json.dumps(dict(asynclm=ours, peft=peft)), file=sys.stderr, flush=True)
    print("| shape | tokens | checkpointing | asynclm step s | PEFT step s | asynclm tokens/s | PEFT tokens/s "
          "| asynclm peak RSS MB | PEFT peak RSS MB | time ratio | memory ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for shape, tokens, ckpt, o, q in rows:
        def cell(r, key, fmt):
            return "failed" if r is None else format(r[key], fmt)

        def ratio(key):
            return "-" if o is None or q is None else f"{o[key] / q[key]:.2f}"
        print(f"| {shape} | {tokens} | {ckpt} | {cell(o, 'step_seconds_median', '.1f')} "
              f"| {cell(q, 'step_seconds_median', '.1f')} | {cell(o, 'tokens_per_s', 'd')} "
              f"| {cell(q, 'tokens_per_s', 'd')} | {cell(o, 'peak_rss_mb', ',')} | {cell(q, 'peak_rss_mb', ',')} "
              f"| {ratio('step_seconds_median')} | {ratio('peak_rss_mb')} |")


if __name__ == "__main__":
    main()
