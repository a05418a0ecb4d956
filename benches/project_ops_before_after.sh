#!/usr/bin/env bash
# The project-operation benchmark before and after a change, in one run: `cargo bench -p
# studio-core --bench project_ops` (create from a template, load, save, serialise a snapshot, at
# 1 MB and 10 MB) in a worktree at REF, then in the working tree, printing each operation's
# median side by side.
#   benches/project_ops_before_after.sh REF [FILTER]   (FILTER: criterion's, e.g. "load|save")
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/futureos-target}"
ref="$1"
filter="${2:-}"
work=$(mktemp -d)
cleanup() {
  git worktree remove --force "$work/before" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
git worktree add --detach -q "$work/before" "$ref"
(cd "$work/before" && cargo bench -q -p studio-core --bench project_ops -- --noplot $filter 2>&1) | tee "$work/before.txt" >/dev/null
cargo bench -q -p studio-core --bench project_ops -- --noplot $filter 2>&1 | tee "$work/after.txt" >/dev/null
python3 - "$work/before.txt" "$work/after.txt" "$ref" <<'PY'
import re, sys
def medians(path):
    text = open(path).read()
    out = {}
    pattern = r"^(project/[^\n]+?)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]"
    for name, mid, unit in re.findall(pattern, text, re.M):
        out[name.strip()] = float(mid) * {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    return out
before, after = medians(sys.argv[1]), medians(sys.argv[2])
print(f"| operation | before ({sys.argv[3]}) | after |")
print("|---|---|---|")
for name in sorted(set(before) | set(after)):
    fmt = lambda v: f"{v:.2f} ms" if v is not None else "—"
    print(f"| {name.removeprefix('project/')} | {fmt(before.get(name))} | {fmt(after.get(name))} |")
PY
