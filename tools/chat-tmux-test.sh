#!/usr/bin/env bash
# The chat command in a real terminal: type a request, type a second line while the model is still writing, and
# check that the second line reached the model during that turn as a user interrupt. Run by .ci/run.
#   tools/chat-tmux-test.sh MODEL_DIR OUT_DIR
set -euo pipefail
model="$1"
out="$2"
session="asynclm-chat-$$"
mkdir -p "$out"
pane() { tmux capture-pane -p -J -S -200 -t "$session"; }
wait_for() { # text, seconds
  for _ in $(seq 1 $(( $2 * 5 ))); do pane | grep -qF -- "$1" && return 0; sleep 0.2; done
  echo "chat-tmux-test: never saw '$1'; the screen:" >&2; pane >&2; return 1
}
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
tmux new-session -d -s "$session" -x 160 -y 50 \
  "bin/asynclm chat --model '$model' --pace-ms 30 --max-tokens 150 --timeline '$out/chat-timeline.json'; sleep 60"
wait_for "you> " 120
tmux send-keys -t "$session" "find the user alice and get her phone number" Enter
wait_for "model> " 30
sleep 1 # the model is writing: 150 tokens at 30 ms or more each
tmux send-keys -t "$session" "also open a ticket about it" Enter
wait_for "tokens, " 60 # the turn's summary line
pane > "$out/chat-screen.txt"
turn="$(sed -n '/model> /,/tokens, /p' "$out/chat-screen.txt")"
grep -qF '[INTR]user[HEAD]"also open a ticket about it"[END]' <<<"$turn" \
  || { echo "chat-tmux-test: the typed line did not reach the model during the turn:" >&2; cat "$out/chat-screen.txt" >&2; exit 1; }
tmux send-keys -t "$session" C-d
wait_for "timeline: " 30
test -s "$out/chat-timeline.json"
echo "chat-tmux-test: ok (screen in $out/chat-screen.txt, timeline in $out/chat-timeline.json)"
