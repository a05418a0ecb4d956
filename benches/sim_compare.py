#!/usr/bin/env python3
"""The reference model side by side in one run: `studio bench sim` (Rust, one thread) against
Mesa 3 and numpy/scipy (benches/sim_reference.py), for R1 and R2 at N = 100,000 and 1,000,000.

Mesa runs `--mesa-ticks` ticks (default 100 at 100,000 agents, 10 at 1,000,000: a full run would
take a quarter of an hour); agent-steps per second is a rate, so the figures compare.

  python3 benches/sim_compare.py [--studio PATH] [--agents 100000 1000000] [--json]
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, env=None):
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--studio")
    ap.add_argument("--agents", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--models", nargs="+", default=["R1", "R2"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    root = os.path.dirname(HERE)
    studio = args.studio
    if not studio:
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "studio-cli"], cwd=root, check=True)
        studio = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target")), "release", "studio")
    env = dict(os.environ, STUDIO_DB=os.path.join(os.environ.get("TMPDIR", "/tmp"), "studio-sim-bench.db"))
    rows = []
    for n in args.agents:
        for model in args.models:
            ours = run([studio, "bench", "sim", "--model", model, "--agents", str(n), "--ticks", "100",
                        "--threads", "1", "--json"], env)
            numpy = run([sys.executable, os.path.join(HERE, "sim_reference.py"), "--impl", "numpy", "--model", model,
                         "--agents", str(n), "--ticks", "100"])
            mesa_ticks = 100 if n <= 100_000 else 10
            mesa = run([sys.executable, os.path.join(HERE, "sim_reference.py"), "--impl", "mesa", "--model", model,
                        "--agents", str(n), "--ticks", str(mesa_ticks)])
            for r in (ours, numpy, mesa):
                r.pop("curve", None)
                r["vs_studio"] = ours["agent_steps_per_second"] / r["agent_steps_per_second"]
                rows.append(r)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'N':>9} {'model':<5} {'implementation':<26} {'ticks':>5} {'agent-steps/s':>14} {'with build':>12}"
          f" {'studio is':>10} {'peak RSS':>10}")
    for r in rows:
        print(f"{r['agents']:>9,} {r['model']:<5} {r['implementation']:<26} {r['ticks']:>5} "
              f"{r['agent_steps_per_second']:>14.3e} {r['agent_steps_per_second_with_build']:>12.3e} "
              f"{r['vs_studio']:>9.1f}× {r['peak_rss_bytes'] / 2**20:>8.0f}MiB")


if __name__ == "__main__":
    main()
