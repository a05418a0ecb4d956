#!/usr/bin/env python3
"""Statistical agreement of the engine with an idiomatic Mesa implementation of the reference
model (benches/sim_reference.py): over 20 seeds at N = 10,000, the mean adoption curve of R1 and
of R2 must match within ±0.02 at ticks 10, 20, 30 and 40. Each seed builds its own population and
network in both. Exit status 1 when a point is off.

  python3 benches/sim_agreement.py [--studio PATH] [--seeds 20] [--agents 10000]
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TICKS = [10, 20, 30, 40]


def studio_curve(studio, model, agents, seed, env):
    out = subprocess.run([studio, "bench", "sim", "--model", model, "--agents", str(agents), "--ticks", "40",
                          "--seed", str(seed), "--json"], check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout)["curve"]


def mesa_curve(model, agents, seed):
    out = subprocess.run([sys.executable, os.path.join(HERE, "sim_reference.py"), "--impl", "mesa", "--model", model,
                          "--agents", str(agents), "--ticks", "40", "--seed", str(seed)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["curve"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--studio", default=None)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--agents", type=int, default=10_000)
    args = ap.parse_args()
    studio = args.studio or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "..", "target")),
                                         "debug", "studio")
    env = dict(os.environ, STUDIO_DB=os.path.join(os.environ.get("TMPDIR", "/tmp"), "studio-agreement.db"))
    worst = 0.0
    print(f"mean adoption over {args.seeds} seeds, N = {args.agents:,}: studio vs Mesa")
    for model in ["R1", "R2"]:
        ours = [studio_curve(studio, model, args.agents, s, env) for s in range(1, args.seeds + 1)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            theirs = list(pool.map(lambda s: mesa_curve(model, args.agents, s), range(1, args.seeds + 1)))
        for t in TICKS:
            a = sum(c[t] for c in ours) / len(ours)
            b = sum(c[t] for c in theirs) / len(theirs)
            worst = max(worst, abs(a - b))
            flag = "ok" if abs(a - b) <= 0.02 else "OFF"
            print(f"  {model} tick {t:>2}: studio {a:.4f}  mesa {b:.4f}  difference {a - b:+.4f}  {flag}")
    print(f"largest difference {worst:.4f} (allowed 0.02)")
    sys.exit(0 if worst <= 0.02 else 1)


if __name__ == "__main__":
    main()
