#!/usr/bin/env python3
"""Writes notebooks/*.ipynb (without outputs) from the cells below, so their source stays reviewable here.

Each notebook reads the JSON outputs of a quickstart run: the directory in $ASYNCLM_RUN, else runs/quickstart.
Run them with: ASYNCLM_RUN=runs/quickstart jupyter nbconvert --to notebook --execute notebooks/latency.ipynb
"""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from pathlib import Path

SETUP = """import json, os
from pathlib import Path
import pandas as pd
import matplotlib.pyplot as plt

run = Path(os.environ.get("ASYNCLM_RUN", "../runs/quickstart"))
assert run.is_dir(), f"{run}: run `bin/asynclm quickstart` first, or set ASYNCLM_RUN"
"""

LATENCY = [
    new_markdown_cell("# Latency: Sync, Sync-Parallel, Async-Naive and Async\n\n"
                      "The quickstart's latency experiment (`latency/report.json`): every scenario under the four "
                      "methods, with the teacher engine on a virtual clock."),
    new_code_cell(SETUP + """report = json.loads((run / "latency" / "report.json").read_text())
rows = []
for x in report["experiments"]:
    for method, m in x["methods"].items():
        rows.append({"dataset": x["dataset"], "deployment": x["settings"]["deployment"], "method": method,
                     "mean_ms": m["mean_ms"], "p10_ms": m["p10_ms"], "p90_ms": m["p90_ms"],
                     "speedup": m["speedup_vs_sync"], "paper": m.get("paper_speedup_vs_sync")})
methods = pd.DataFrame(rows)
methods"""),
    new_markdown_cell("## Mean makespan per method, with p10 and p90"),
    new_code_cell("""groups = methods.groupby(["dataset", "deployment"], sort=False)
fig, axes = plt.subplots(1, len(groups), figsize=(4 * len(groups), 3.5), squeeze=False)
for ax, ((dataset, deployment), g) in zip(axes[0], groups):
    low = g["mean_ms"] - g["p10_ms"]
    high = g["p90_ms"] - g["mean_ms"]
    ax.bar(g["method"], g["mean_ms"], yerr=[low.clip(lower=0), high.clip(lower=0)], capsize=4,
           color=["#999999", "#6a8caf", "#d9a441", "#2a7f62"][:len(g)])
    ax.set_title(f"{dataset}\\n{deployment}", fontsize=9)
    ax.set_ylabel("makespan (ms)")
    ax.tick_params(axis="x", rotation=45, labelsize=8)
fig.tight_layout()"""),
    new_markdown_cell("## Per scenario: measured speedup against the closed form\n\n"
                      "For independent calls the Async makespan has a closed form (calls issued longest first). "
                      "Each point is one scenario: on the diagonal, the runtime does what the formula says."),
    new_code_cell("""points = []
for x in report["experiments"]:
    for s in x["per_scenario"]:
        if "closed_form_async_ms" in s and "async" in s["makespan_ms"]:
            sync = s["makespan_ms"]["sync"]
            points.append({"experiment": f'{x["dataset"]} {x["settings"]["deployment"]}',
                           "closed_form": sync / s["closed_form_async_ms"],
                           "measured": sync / s["makespan_ms"]["async"]})
points = pd.DataFrame(points)
fig, ax = plt.subplots(figsize=(4.5, 4.5))
for name, g in points.groupby("experiment"):
    ax.scatter(g["closed_form"], g["measured"], s=10, label=name)
top = max(points["closed_form"].max(), points["measured"].max()) * 1.05
ax.plot([1, top], [1, top], color="grey", lw=0.8)
ax.set_xlabel("speedup over Sync, closed form")
ax.set_ylabel("speedup over Sync, measured")
ax.legend(fontsize=7)
print(f"{len(points)} scenarios, mean |measured - closed form| = "
      f"{(points['measured'] - points['closed_form']).abs().mean():.4f}")"""),
]

TRAINING = [
    new_markdown_cell("# Training the tiny Llama, and what it learned\n\n"
                      "`train/metrics.jsonl` has one line per step; `learning.json` is `eval synthetic` on held-out "
                      "tasks."),
    new_code_cell(SETUP + """steps = pd.read_json(run / "train" / "metrics.jsonl", lines=True)
steps.tail()"""),
    new_code_cell("""fig, axes = plt.subplots(1, 3, figsize=(13, 3.5))
axes[0].plot(steps["step"], steps["loss"], color="#b0c4de", lw=0.8, label="loss")
axes[0].plot(steps["step"], steps["loss"].rolling(20, min_periods=1).mean(), color="#1f4e9c", label="mean of 20")
if "eval_loss" in steps:
    held = steps.dropna(subset=["eval_loss"])
    axes[0].plot(held["step"], held["eval_loss"], "o-", color="#d95f02", label="held-out")
axes[0].set_xlabel("step"); axes[0].set_ylabel("nats per trained token"); axes[0].legend()
axes[1].plot(steps["step"], steps["lr"]); axes[1].set_xlabel("step"); axes[1].set_ylabel("learning rate")
axes[2].plot(steps["step"], steps["grad_norm"], lw=0.8); axes[2].set_xlabel("step")
axes[2].set_ylabel("gradient norm (before clipping)")
fig.tight_layout()
print(f"{len(steps)} steps, {steps['seconds'].sum() / 60:.1f} min, "
      f"{steps['tokens'].sum() / steps['seconds'].sum():.0f} tokens/s")"""),
    new_markdown_cell("## Does the trained model call asynchronously?"),
    new_code_cell("""learning = json.loads((run / "learning.json").read_text())
rates = {k: learning[k] for k in ["cml_valid_rate", "all_calls_once_rate", "dependency_ok_rate",
                                  "scenario_ok_rate"]}
ax = pd.Series(rates).plot.barh(xlim=(0, 1), figsize=(6, 2.5), color="#2a7f62")
ax.set_title(f'{learning["n"]} held-out tasks')
runs = pd.DataFrame(learning["runs"])
runs[["scenario", "cml_valid", "all_calls_once", "dependency_ok", "ok", "makespan_ms", "teacher_ms"]].head(10)"""),
    new_code_cell("""# The first run's transcript, as the model wrote it (interrupts included)
print(learning["runs"][0]["transcript"][:2000])"""),
]

TIMELINE = [
    new_markdown_cell("# One scenario under Sync and under Async\n\n"
                      "`latency/timeline.json` holds the median scenario of every experiment as Chrome trace events "
                      "(open it in https://ui.perfetto.dev for the interactive view). Here: a Gantt chart per "
                      "method — the model's lane (decoding, prefill of interrupts, waiting) and the tool calls."),
    new_code_cell(SETUP + """trace = json.loads((run / "latency" / "timeline.json").read_text())
names = {e["pid"]: e["args"]["name"] for e in trace["traceEvents"]
         if e["ph"] == "M" and e["name"] == "process_name"}
events = pd.DataFrame([e for e in trace["traceEvents"] if e["ph"] == "X"])
events["run"] = events["pid"].map(names)
# the model's lane holds decode, prefill and "wait: ..." spans; the other lanes hold calls
events["kind"] = [n.split(":")[0] if c == "model" else "call" for n, c in zip(events["name"], events["cat"])]
sorted(set(names.values()))"""),
    new_code_cell("""experiment = "synthetic-multi-step-parallel local"
chosen = [f"{experiment} sync", f"{experiment} async"]
colors = {"decode": "#6a8caf", "prefill": "#d9a441", "wait": "#dddddd", "call": "#2a7f62"}
fig, axes = plt.subplots(len(chosen), 1, figsize=(12, 2.2 * len(chosen)), sharex=True)
for ax, name in zip(axes, chosen):
    g = events[events["run"] == name]
    lanes = sorted(g["tid"].unique())
    for e in g.itertuples():
        ax.broken_barh([(e.ts / 1000, e.dur / 1000)], (lanes.index(e.tid) - 0.4, 0.8),
                       color=colors.get(e.kind, "#999999"))
    ax.set_yticks(range(len(lanes)), ["model" if t == 0 else f"calls {t}" for t in lanes])
    ax.set_title(f"{name}: {(g['ts'] + g['dur']).max() / 1000:.0f} ms", fontsize=10)
axes[-1].set_xlabel("ms from the first generated token")
fig.tight_layout()
events.groupby(["run", "kind"])["dur"].sum().div(1000).unstack().loc[chosen].round(1)"""),
]

for name, cells in [("latency", LATENCY), ("training", TRAINING), ("timeline", TIMELINE)]:
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    path = Path(__file__).resolve().parent.parent / "notebooks" / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    print("wrote", path)
