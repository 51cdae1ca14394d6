#!/usr/bin/env python3
"""Why the tasks of an `eval synthetic` run fail: how the turns end, and how often each value of a call is right.

A task is right only when every value of every call is, so the per-value accuracy p sets the task rate: a task of
k values is right with about p**k. The script reads the run's --out file and the teacher's traces of the same
tasks, which datagen draws with the same config and seed as eval synthetic does (it stops if the two disagree on
a task's shape). It needs no Python packages.

  bin/asynclm eval synthetic --model RUN/checkpoint-12000 --n 200 --seed 1 --values copied --out runs/eval.json
  bin/asynclm datagen --config configs/datagen/synthetic.yaml --n 200 --seed 1 --out runs/held-200-seed1.jsonl
  python3 tools/value_errors.py runs/eval.json runs/held-200-seed1.jsonl

Each of the teacher's calls is paired with the first call of the model to the same function not yet paired; the
values of the calls so paired are compared as written (a value the model left out is wrong). A value is "from the
request" when its text stands in the request, else it came from a result.

It also prints the first error interrupt each turn got for one of its calls: the task's own transient error (a
text the teacher's trace of the task has too), a call no pending call of the task takes (a value or the function
wrong), or an unknown function; how the turns that got each ended; what the model's next call was after the task's
own error (the failed call again, or another call again); whether the turn wrote its first call, and all its
calls, in the teacher's order of functions (another order can be right: the checks do not ask for it); and what the
runtime refused in the turns that ended as runaways.
"""
import collections
import json
import re
import sys

CALL = re.compile(r"\[CALL\][^\[]*\[HEAD\](\w+)\((.*?)\)\[END\]")
BLOCK = re.compile(r"\[(CALL|INTR)\]([^\[]*)\[HEAD\](.*?)\[END\]")
ARGUMENT = re.compile(r"(\w+)=('(?:[^'\\]|\\.)*'|\[[^\]]*\]|[^,]+)")


def calls(text):
    return [(function, {k: v.strip() for k, v in ARGUMENT.findall(args)}) for function, args in CALL.findall(text)]


def teacher_calls(trace):
    return calls("".join(s["text"] for s in trace["assistant"] if s["kind"] == "model"))


def ending(run, model, truth, error):
    if run["ok"]:
        return "right"
    if run["end_state"] != "done":
        return "ended: " + run["end_state"]
    if len(model) < len(truth):
        return "done, fewer calls" + (" (after an error result)" if error != "none" else " (no error result)")
    if len(model) > len(truth):
        return "done, more calls"
    return "done, as many calls, a value wrong"


def first_error(run, trace):
    """The first error interrupt of one of the turn's calls, by kind, and what the model's next call was."""
    blocks = BLOCK.findall(run["transcript"])
    own = {s["text"].split("[HEAD]", 1)[1] for s in trace["assistant"]
           if s["kind"] == "interrupt" and '{"error"' in s["text"]}
    for k, (kind, id_, body) in enumerate(blocks):
        if kind != "INTR" or id_ in ("runtime", "user") or not body.startswith('{"error"'):
            continue
        if body + "[END]" in own:
            name = "the task's own transient error"
        elif "no pending" in body:
            name = "a call no pending call takes"
        elif "unknown function" in body:
            name = "an unknown function"
        elif "malformed call body" in body:
            name = "a malformed call"
        else:
            name = "other: " + body[:40]
        earlier = {i: b for kd, i, b in blocks[:k] if kd == "CALL"}
        following = next((b for kd, _, b in blocks[k + 1:] if kd == "CALL"), None)
        if following is None:
            after = "no call"
        elif following == earlier.get(id_):
            after = "the failed call again"
        elif following in earlier.values():
            after = "an earlier call that had not failed, again"
        else:
            after = "a call not written before"
        return name, after
    return "none", None


def refusal(message):
    """The kind of a block the runtime refused: its message up to the first quote or colon."""
    return message.split(":")[0].split("'")[0].strip()


def print_endings(title, table, width):
    """Each row of {row: Counter of endings}, most turns first, with its turns and how they ended."""
    print(title)
    for row, ends in sorted(table.items(), key=lambda kv: -sum(kv[1].values())):
        how = ", ".join(f"{name} {count}" for name, count in ends.most_common())
        print(f"  {row:{width}s} {sum(ends.values()):4d}  {how}")


def main(eval_path, traces_path):
    runs = json.load(open(eval_path))["runs"]
    traces = [json.loads(line) for line in open(traces_path)]
    if len(traces) < len(runs):
        sys.exit(f"{traces_path}: {len(traces)} traces for {len(runs)} tasks")
    endings = collections.Counter()
    right = collections.defaultdict(lambda: [0, 0])
    wrong = collections.defaultdict(collections.Counter)
    values = []  # per task: how many values its calls take
    errors = collections.defaultdict(collections.Counter)  # first error -> how the turns ended
    next_call = collections.defaultdict(collections.Counter)  # after the task's own error -> how the turns ended
    refused = collections.Counter()  # in the runaway turns
    first_call = collections.defaultdict(collections.Counter)  # the teacher's first call or not -> how they ended
    order = collections.defaultdict(collections.Counter)  # the teacher's order of all calls or not -> how they ended
    for run, trace in zip(runs, traces):
        if not run["scenario"].endswith("-" + trace["shape"]):
            sys.exit(f"{traces_path}: {trace['id']} is {trace['shape']}, the run's task is {run['scenario']}: "
                     "not the tasks of this run (draw them with eval's --config and --seed)")
        request = trace["messages"][-1]["content"]
        truth, model = teacher_calls(trace), calls(run["transcript"])
        error, after = first_error(run, trace)
        ended = ending(run, model, truth, error)
        endings[ended] += 1
        errors[error][ended] += 1
        if error == "the task's own transient error":
            next_call[after][ended] += 1
        functions, teacher_functions = [f for f, _ in model], [f for f, _ in truth]
        first_call["the teacher's" if functions[:1] == teacher_functions[:1] else "another"][ended] += 1
        order["the teacher's" if functions[:len(truth)] == teacher_functions else "another"][ended] += 1
        if run["end_state"] == "runaway":
            refused.update(refusal(m) for m in run["errors"] if refusal(m) != "runaway")
        paired = [False] * len(model)
        for function, arguments in truth:
            j = next((i for i, (f, _) in enumerate(model) if f == function and not paired[i]), None)
            if j is None:
                continue
            paired[j] = True
            for key, value in arguments.items():
                source = "request" if value.strip("'") in request else "result"
                written = model[j][1].get(key)
                right[source][1] += 1
                if written == value:
                    right[source][0] += 1
                else:
                    wrong[key][written] += 1
        values.append(sum(len(a) for _, a in truth))
    n = len(runs)
    print(f"{n} tasks: how the turns ended")
    for name, count in endings.most_common():
        print(f"  {name:40s} {count:4d}  {100 * count / n:5.1f}%")
    total = [sum(r[0] for r in right.values()), sum(r[1] for r in right.values())]
    print("values of the calls the model wrote, right as written:")
    for source, (ok, all_) in sorted(right.items()) + [("all", total)]:
        print(f"  {source:8s} {ok:5d} of {all_:5d}  {100 * ok / max(all_, 1):5.1f}%")
    p = total[0] / max(total[1], 1)
    predicted = sum(p ** k for k in values) / n
    mean_values = sum(values) / n
    print(f"values per task: {mean_values:.2f}; tasks right if each value is right with p = {p:.3f} "
          f"independently: {100 * predicted:.1f}%")
    print_endings("the first error a call of the turn got, and how those turns ended:", errors, 32)
    print_endings("after the task's own transient error, the model's next call, and how those turns ended:",
                  next_call, 42)
    print_endings("the turn's first function against the teacher's (longest estimated time first), and how "
                  "those turns ended:", first_call, 14)
    print_endings("the order of all the turn's functions against the teacher's, and how those turns ended:",
                  order, 14)
    print("blocks the runtime refused in the runaway turns: "
          + ", ".join(f"{name} {count}" for name, count in refused.most_common()))
    print("keys most often wrong (the model's commonest wrong values):")
    for key, written in sorted(wrong.items(), key=lambda kv: -sum(kv[1].values()))[:8]:
        common = ", ".join(f"{v} x{c}" for v, c in written.most_common(3))
        print(f"  {key:12s} {sum(written.values()):4d}  {common}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
