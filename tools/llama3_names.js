// Renames the special tokens of Llama 3's tokenizer.json and tokenizer_config.json to the names a config gives
// (configs/tokenizers/llama-3.2.json) and sets eos_token. Called by tools/fetch_llama3_tokenizer.sh:
//   node tools/llama3_names.js CONFIG IN_DIR OUT_DIR
const fs = require("fs");
const path = require("path");
const [config, from, to] = process.argv.slice(2);
const c = JSON.parse(fs.readFileSync(config, "utf8"));
const names = {};
let reserved = 0;
for (let id = c.first_special_id; id <= c.last_special_id; id++) {
  names[id] = c.named[String(id)] ?? `<|reserved_special_token_${reserved++}|>`;
}
const tokenizer = JSON.parse(fs.readFileSync(path.join(from, "tokenizer.json"), "utf8"));
for (const t of tokenizer.added_tokens) {
  if (names[t.id] !== undefined) t.content = names[t.id];
}
const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(from, "tokenizer_config.json"), "utf8"));
for (const [id, t] of Object.entries(tokenizerConfig.added_tokens_decoder)) {
  if (names[id] !== undefined) t.content = names[id];
}
tokenizerConfig.eos_token = c.eos_token;
fs.writeFileSync(path.join(to, "tokenizer.json"), JSON.stringify(tokenizer, null, 2));
fs.writeFileSync(path.join(to, "tokenizer_config.json"), JSON.stringify(tokenizerConfig, null, 2));
