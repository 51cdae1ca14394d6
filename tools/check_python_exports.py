#!/usr/bin/env python3
"""Checks that Python trainers tokenise asynclm's exports exactly as asynclm trains on its traces.

For each tokenizer (the byte-level one of the tiny model, and Llama 3's when tools/fetch_llama3_tokenizer.sh can
fetch it) this script:
  1. writes N synthetic traces three ways with `asynclm datagen`: native, trl and axolotl (same config and seed),
     and checks that the chat template datagen writes beside the trl export is TEMPLATE, the hand-written
     resource that this script checks against TRL;
  2. writes the exact examples with `asynclm train-data --out` (input_ids, attention_mask, labels);
  3. runs TRL's own SFT data preparation (SFTTrainer with assistant_only_loss=True and the chat template datagen
     writes beside the trl export) on the trl export;
  4. tokenises the axolotl export as Axolotl's input_output strategy does: every segment with
     tokenizer(text, add_special_tokens=False), labels -100 where a segment is not labelled;
  5. compares ids and labels example by example, and loads the train-data file with datasets.load_dataset("json");
  6. trains a LoRA adapter with the markers' rows for two steps through tools/trl_sft.py on the trl export (the
     last tokenizer), and checks that `asynclm model score --adapter` gives PEFT's logits for it: a checkpoint
     trained in TRL comes back to asynclm as it is; and that tools/trl_sft.py finds the markers' ids where the
     Java runtime puts them.

It also writes the golden file of ExportGoldenTest (--golden): three traces, their trl lines, TRL's rendering and
TRL's ids and labels with the byte-level tokenizer, so the Java build pins the layout without Python.

    pip install trl==1.13.0 datasets transformers torch
    python3 tools/check_python_exports.py --n 200 --golden testdata/exports/trl-golden.json

Needs a built CLI (bin/asynclm builds it). Prints one table row per export and tokenizer.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASYNCLM = os.path.join(ROOT, "bin", "asynclm")
CONFIG = os.path.join(ROOT, "configs", "datagen", "synthetic.yaml")
TEMPLATE = os.path.join(ROOT, "datagen", "src", "main", "resources", "org", "asynclm", "datagen", "trace",
                        "cml_chat_template.jinja")


def run(*args):
    subprocess.run([ASYNCLM, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def make_model(work, name, tokenizer_json):
    """A tiny checkpoint over the tokenizer: TRL's SFTTrainer wants a model, and its tokenizer files come with it."""
    model = os.path.join(work, name + "-model")
    args = ["init-model", "--preset", "tiny", "--out", model]
    if tokenizer_json:
        args += ["--tokenizer", tokenizer_json]
    run(*args)
    return model


def write_traces(work, name, model, n, seed):
    paths = {}
    for fmt in ("native", "trl", "axolotl"):
        paths[fmt] = os.path.join(work, f"{name}-{fmt}.jsonl")
        run("datagen", "--config", CONFIG, "--n", str(n), "--seed", str(seed), "--format", fmt,
            "--tokenizer", os.path.join(model, "tokenizer.json"), "--out", paths[fmt])
    with open(paths["trl"] + ".chat_template.jinja", encoding="utf-8") as a, open(TEMPLATE, encoding="utf-8") as b:
        assert a.read() == b.read(), "datagen's chat template is not " + TEMPLATE
    paths["examples"] = os.path.join(work, f"{name}-examples.jsonl")
    run("train-data", "--traces", paths["native"], "--model", model, "--max-length", "1000000",
        "--out", paths["examples"])
    return paths


def trl_examples(model, trl_file, work):
    """TRL's SFT data preparation, as SFTTrainer runs it before training."""
    import datasets
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    tokenizer = AutoTokenizer.from_pretrained(model)
    tokenizer.pad_token = tokenizer.pad_token or "<|end_of_text|>"
    args = SFTConfig(output_dir=os.path.join(work, "trl-out"), assistant_only_loss=True,
                     chat_template_path=trl_file + ".chat_template.jinja", max_length=None, packing=False,
                     report_to=[], dataset_num_proc=None, bf16=False, use_cpu=True)
    trainer = SFTTrainer(model=AutoModelForCausalLM.from_pretrained(model), args=args, processing_class=tokenizer,
                         train_dataset=datasets.load_dataset("json", data_files=trl_file, split="train"))
    rows = trainer.train_dataset
    return [(list(r["input_ids"]), list(r["labels"])) for r in rows], tokenizer


def axolotl_examples(model, axolotl_file):
    """Axolotl's input_output (template-free) strategy: each segment tokenised alone, without special tokens added."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    out = []
    for line in read_jsonl(axolotl_file):
        ids, labels = [], []
        for segment in line["segments"]:
            part = tokenizer(segment["text"], add_special_tokens=False)["input_ids"]
            ids += part
            labels += part if segment["label"] else [-100] * len(part)
        out.append((ids, labels))
    return out


def compare(name, export, theirs, ours):
    ids_equal = sum(a[0] == b[0] for a, b in zip(theirs, ours))
    labels_equal = sum(a[1] == b[1] for a, b in zip(theirs, ours))
    tokens = sum(len(b[0]) for b in ours)
    trained = sum(sum(1 for x in b[1] if x != -100) for b in ours)
    ok = len(theirs) == len(ours) == ids_equal == labels_equal
    print(f"| {export} | {name} | {len(ours)} | {ids_equal} | {labels_equal} | {tokens:,} | {trained:,} | "
          f"{'equal' if ok else 'DIFFERENT'} |")
    return ok


def round_trip(work, model, trl_file):
    """Two TRL steps through tools/trl_sft.py, then the adapter in asynclm against the same adapter in PEFT."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter = os.path.join(work, "trl-adapter")
    config = os.path.join(work, "sft.yaml")
    with open(config, "w", encoding="utf-8") as f:
        json.dump({"model_name_or_path": model, "datasets": [{"path": "json", "data_files": trl_file,
                                                              "split": "train"}],
                   "chat_template_path": trl_file + ".chat_template.jinja", "assistant_only_loss": True,
                   "packing": False, "max_length": 2048, "loss_type": "nll", "use_peft": True, "lora_r": 8,
                   "lora_alpha": 16, "lora_target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                             "up_proj", "down_proj"],
                   "learning_rate": 1e-3, "max_steps": 2, "per_device_train_batch_size": 1, "bf16": False,
                   "use_cpu": True, "save_strategy": "no", "seed": 0, "report_to": "none",
                   "output_dir": adapter}, f)  # JSON is YAML
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "trl_sft.py"), "--config", config], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = "<|begin_of_text|>Hi[CALL]a[HEAD]find_user(username='kmensah')[END][TRAP][END]"
    scored = subprocess.run([ASYNCLM, "model", "score", "--model", model, "--adapter", adapter, "--text", text,
                             "--json"], check=True, capture_output=True, text=True)
    ours = json.loads(scored.stdout)
    tokenizer = AutoTokenizer.from_pretrained(model)
    peft_model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(model), adapter).eval()
    with torch.no_grad():
        logits = peft_model(torch.tensor([ours["token_ids"]])).logits[0, -1]
    with open(os.path.join(adapter, "adapter_config.json"), encoding="utf-8") as f:
        rows = json.load(f).get("trainable_token_indices")
    diff = (logits - torch.tensor(ours["last_logits"])).abs().max().item()
    print(f"round trip: TRL adapter (LoRA r=8, trainable rows {rows}) in asynclm against PEFT: "
          f"last logits differ by {diff:.1e}")
    # tools/trl_sft.py restates the runtime's marker rule in Python: the Java side must give the same ids
    markers = subprocess.run([ASYNCLM, "model", "score", "--model", model, "--text", "[CALL][INTR][TRAP][END][HEAD]",
                              "--json"], check=True, capture_output=True, text=True)
    java_ids = json.loads(markers.stdout)["token_ids"]
    same = java_ids == rows["embed_tokens"]
    print(f"marker ids: Java {java_ids}, tools/trl_sft.py {rows['embed_tokens']}: {'equal' if same else 'DIFFERENT'}")
    return diff < 1e-4 and same


def write_golden(path, paths, trl_rows, tokenizer, count=3):
    with open(paths["trl"] + ".chat_template.jinja", encoding="utf-8") as f:
        template = f.read()
    natives = open(paths["native"], encoding="utf-8").read().splitlines()[:count]
    trls = read_jsonl(paths["trl"])[:count]
    entries = []
    for native, trl, (ids, labels) in zip(natives, trls, trl_rows):
        rendered = tokenizer.apply_chat_template(trl["messages"], chat_template=template, tokenize=False)
        entries.append({"native": native, "trl": trl, "rendered": rendered, "input_ids": ids, "labels": labels})
    golden = {
        "made_by": "tools/check_python_exports.py",
        "chat_template_sha256": "sha256:" + hashlib.sha256(template.encode("utf-8")).hexdigest(),  # as asynclm writes hashes
        "examples": entries,
    }
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:  # one line per example: ids stay readable in a diff
        head = {k: v for k, v in golden.items() if k != "examples"}
        f.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "examples": [\n')
        f.write(",\n".join(json.dumps(e, ensure_ascii=False) for e in entries))
        f.write("\n]}\n")
    os.replace(path + ".tmp", path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--golden", help="write ExportGoldenTest's golden file here (byte-level tokenizer)")
    p.add_argument("--no-llama3", action="store_true", help="skip Llama 3's tokenizer")
    p.add_argument("--no-round-trip", action="store_true", help="skip training an adapter in TRL")
    a = p.parse_args()

    import datasets
    import trl
    import transformers
    print(f"trl {trl.__version__}, transformers {transformers.__version__}, datasets {datasets.__version__}; "
          f"{a.n} traces of {os.path.relpath(CONFIG, ROOT)}, seed {a.seed}")
    tokenizers = [("byte-level", None)]
    if not a.no_llama3:
        fetched = subprocess.run([os.path.join(ROOT, "tools", "fetch_llama3_tokenizer.sh")], capture_output=True,
                                 text=True)
        if fetched.returncode == 0:
            tokenizers.append(("llama3", os.path.join(fetched.stdout.strip(), "tokenizer.json")))
        else:
            print("Llama 3's tokenizer could not be fetched: " + fetched.stderr.strip())
    print("| export | tokenizer | examples | equal ids | equal labels | tokens | trained | verdict |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    ok = True
    with tempfile.TemporaryDirectory() as work:
        for name, tokenizer_json in tokenizers:
            model = make_model(work, name, tokenizer_json)
            paths = write_traces(work, name, model, a.n, a.seed)
            ours = [(r["input_ids"], r["labels"]) for r in read_jsonl(paths["examples"])]
            loaded = datasets.load_dataset("json", data_files=paths["examples"], split="train")
            assert loaded.column_names == ["input_ids", "attention_mask", "labels"], loaded.column_names
            assert len(loaded) == len(ours)
            trl_rows, tokenizer = trl_examples(model, paths["trl"], work)
            ok &= compare(name, "trl", trl_rows, ours)
            ok &= compare(name, "axolotl", axolotl_examples(model, paths["axolotl"]), ours)
            if a.golden and name == "byte-level":
                write_golden(a.golden, paths, trl_rows, tokenizer)
        if not a.no_round_trip:
            ok &= round_trip(work, model, paths["trl"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
