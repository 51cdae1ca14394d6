#!/usr/bin/env python3
"""Tells apart where a training step's time goes, from two Chrome traces of the same steps: asynclm's (`bench train
--profile FILE`, libtorch 2.7.1 through DJL) and eager PyTorch's (`tools/replay_step_eager.py --profile FILE`, the same
ops in the Python package's torch). Each step is cut at its embedding lookup into forward, backward (autograd's
functions) and after (clipping and the optimiser). For each phase: its wall time, the time inside libtorch's top-level
ops ("busy"; the rest is the caller's: Java and one JNI call per op, or Python) and its count of ops; then the ops
whose busy time differs most between the two. Both profilers slow small ops, so compare the two traces with each
other, not with an unprofiled step time.

  python tools/compare_profiles.py runs/asynclm-profile.json runs/eager-profile.json
"""
import argparse
import collections
import json


def top_level_ops(path):
    """The trace's op events that no other op encloses, in time order (the CPU ops of PyTorch's kineto traces)."""
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    # libtorch's own trace (DJL) has no categories; kineto's (Python) marks ops cpu_op beside its annotations
    ops = [e for e in events if e.get("ph") == "X" and e.get("cat", "cpu_op") == "cpu_op"]
    ops.sort(key=lambda e: (e["ts"], -e["dur"]))
    top, end = [], -1.0
    for e in ops:
        if e["ts"] >= end:
            top.append(e)
            end = e["ts"] + e["dur"]
    return top


def phases(path):
    """Per phase: mean wall ms, busy ms and op count a step, and busy ms a step by op name."""
    top = top_level_ops(path)
    starts = [i for i, e in enumerate(top) if e["name"] == "aten::embedding"]
    if len(starts) < 2:
        raise SystemExit(f"{path}: fewer than two steps (no two aten::embedding ops)")
    sums = collections.defaultdict(float)
    by_op = collections.defaultdict(float)
    steps = len(starts) - 1
    for a, b in zip(starts, starts[1:]):
        step = top[a:b]
        backward = [i for i, e in enumerate(step) if e["name"].startswith("autograd::engine")]
        first, last = backward[0], backward[-1]
        cuts = {"forward": (0, first), "backward": (first, last + 1), "after": (last + 1, len(step))}
        for name, (i, j) in cuts.items():
            ops = step[i:j]
            stop = top[b]["ts"] if j == len(step) else step[j]["ts"]
            sums[name + " wall"] += (stop - step[i]["ts"]) / 1000
            sums[name + " busy"] += sum(e["dur"] for e in ops) / 1000
            sums[name + " ops"] += len(ops)
            for e in ops:
                by_op[(name, e["name"])] += e["dur"] / 1000
    return {k: v / steps for k, v in sums.items()}, {k: v / steps for k, v in by_op.items()}, steps


p = argparse.ArgumentParser()
p.add_argument("asynclm")
p.add_argument("eager")
p.add_argument("--ops", type=int, default=12, help="how many of the most different ops to list")
a = p.parse_args()
ours, our_ops, our_steps = phases(a.asynclm)
theirs, their_ops, their_steps = phases(a.eager)
print(f"{'a step (ms)':18s} {'asynclm':>10s} {'eager':>10s}   ({our_steps} and {their_steps} steps)")
for phase in ("forward", "backward", "after"):
    for kind in ("wall", "busy", "ops"):
        key = f"{phase} {kind}"
        print(f"{key:18s} {ours[key]:10.2f} {theirs[key]:10.2f}")
print(f"{'inside libtorch':18s} {sum(ours[p + ' busy'] for p in ('forward', 'backward', 'after')):10.2f} "
      f"{sum(theirs[p + ' busy'] for p in ('forward', 'backward', 'after')):10.2f}")
print(f"{'outside (caller)':18s} "
      f"{sum(ours[p + ' wall'] - ours[p + ' busy'] for p in ('forward', 'backward', 'after')):10.2f} "
      f"{sum(theirs[p + ' wall'] - theirs[p + ' busy'] for p in ('forward', 'backward', 'after')):10.2f}")
print()
print(f"{'op (phase)':70s} {'asynclm':>8s} {'eager':>8s}")
keys = sorted(set(our_ops) | set(their_ops), key=lambda k: -abs(our_ops.get(k, 0) - their_ops.get(k, 0)))
for phase, name in keys[:a.ops]:
    print(f"{(name[:58] + ' (' + phase + ')'):70s} {our_ops.get((phase, name), 0):8.2f} "
          f"{their_ops.get((phase, name), 0):8.2f}")
