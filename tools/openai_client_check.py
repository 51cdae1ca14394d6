#!/usr/bin/env python3
"""The official `openai` Python client against `asynclm serve`: models, a whole completion, a streamed one (their
texts must be equal under greedy decoding), the usage counts, a chat completion whole and streamed, and the errors a
client sees. Run by hand:

  bin/asynclm init-model --preset tiny --out runs/tiny-model
  bin/asynclm serve --model runs/tiny-model --port 8000 &
  python3 tools/openai_client_check.py --base-url http://127.0.0.1:8000/v1 --model tiny-model

Needs `pip install openai`. Exits 1 if a check fails.
"""
import argparse
import sys

import openai

p = argparse.ArgumentParser()
p.add_argument("--base-url", default="http://127.0.0.1:8000/v1")
p.add_argument("--model", default="tiny-model")
p.add_argument("--api-key", default="none", help="the server's bearer token, if it has one")
a = p.parse_args()
client = openai.OpenAI(base_url=a.base_url, api_key=a.api_key, max_retries=0)
failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not ok:
        failures.append(name)


models = client.models.list()
check("models.list names the model", [m.id for m in models.data] == [a.model], str([m.id for m in models.data]))
prompt = "[CALL]a[HEAD]"
whole = client.completions.create(model=a.model, prompt=prompt, max_tokens=24, temperature=0)
check("a whole completion", whole.choices[0].finish_reason in ("stop", "length"),
      f"{whole.choices[0].text!r}, finish {whole.choices[0].finish_reason}, usage {whole.usage}")
pieces = []
usage = None
for chunk in client.completions.create(model=a.model, prompt=prompt, max_tokens=24, temperature=0, stream=True,
                                       stream_options={"include_usage": True}):
    if chunk.choices:
        pieces.append(chunk.choices[0].text)
    if chunk.usage:
        usage = chunk.usage
check("a streamed completion equals the whole one", "".join(pieces) == whole.choices[0].text,
      f"{len(pieces)} chunks")
check("the stream's usage", usage is not None and usage.completion_tokens == whole.usage.completion_tokens,
      str(usage))
messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
chat = client.chat.completions.create(model=a.model, messages=messages, max_tokens=16, temperature=0)
deltas = [c.choices[0].delta.content or "" for c in client.chat.completions.create(
    model=a.model, messages=messages, max_tokens=16, temperature=0, stream=True) if c.choices]
check("a chat completion, whole and streamed alike", "".join(deltas) == chat.choices[0].message.content
      and chat.choices[0].message.role == "assistant", f"{len(deltas)} deltas, finish {chat.choices[0].finish_reason}")
try:
    client.completions.create(model="no-such-model", prompt="x", max_tokens=2)
    check("an unknown model is refused", False)
except openai.NotFoundError as e:
    check("an unknown model is refused (404)", True, e.message)
try:
    client.completions.create(model=a.model, prompt="x", max_tokens=10 ** 6)
    check("too many tokens are refused", False)
except openai.BadRequestError as e:
    check("too many tokens are refused (400)", True, e.message)
print(f"openai {openai.__version__}: {'all checks passed' if not failures else 'failed: ' + ', '.join(failures)}")
sys.exit(1 if failures else 0)
