#!/usr/bin/env bash
# The loaded-server benchmark before and after a change, in one run: builds `studio` (release)
# at REF (default 7ca8e05, before the hardening issue's group commit and per-project locks) and
# from the working tree, serves each on a fresh library of its own, and loads both with the HTTP
# benchmark of the working tree, one after the other, printing their figures side by side.
#   benches/http_before_after.sh [REF]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/futureos-target}"
ref="${1:-7ca8e05}"
work=$(mktemp -d)
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  git worktree remove --force "$work/before" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The build at REF is kept (by its commit) for the next run.
kept="$HOME/.cache/futureos-bench/studio-$(git rev-parse "$ref")"
if [ ! -x "$kept" ]; then
  git worktree add --detach -q "$work/before" "$ref"
  (cd "$work/before" && cargo build --release -q -p studio-cli)
  mkdir -p "$(dirname "$kept")"
  cp "$CARGO_TARGET_DIR/release/studio" "$kept"
fi
cp "$kept" "$work/studio-before"
cargo build --release -q -p studio-cli
cp "$CARGO_TARGET_DIR/release/studio" "$work/studio-after"

list=""
for which in before after; do
  mkdir -p "$work/$which-home"
  STUDIO_HOME="$work/$which-home" "$work/studio-$which" serve --json >"$work/$which.json" 2>"$work/$which.log" &
  servers+=("$!")
  for _ in $(seq 100); do
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/$which.json" 2>/dev/null && break
    sleep 0.1
  done
  at=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["base"] + "#" + d["token"])' "$work/$which.json")
  list="${list:+$list,}$which=$at"
done
echo "before: studio at $ref; after: studio from the working tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo ' with changes'))"
STUDIO_BENCH_SERVERS="$list" cargo bench -q -p studio-server --bench http
