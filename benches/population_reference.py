#!/usr/bin/env python3
"""Population synthesis, side by side in one run: `studio bench population` (Rust) against
two Python references that build the same thing — agents with three marginals (age band,
income band, urban/rural) and a Watts–Strogatz network, k = 10, rewiring 0.1:

  networkx  attributes drawn with numpy, the network by networkx.watts_strogatz_graph (the
            algorithm the Rust engine follows), converted to CSR
  numpy     the same, vectorised: ring lattice as arrays, rewiring drawn at once, duplicate
            and self ties redrawn until none are left, CSR by sorting

Usage: python3 benches/population_reference.py [--agents 1000000] [--studio PATH] [--json]
Installs numpy and networkx with pip if they are missing; builds the release `studio` binary
with cargo unless --studio is given. Each figure is the best of --repeat runs (networkx: one).
"""

import argparse
import json
import os
import resource
import subprocess
import time

from pip_need import need

AGE = [0.19, 0.25, 0.33, 0.23]
INCOME = [0.17, 0.29, 0.28, 0.19, 0.07]
AREA = [0.62, 0.38]


def attributes(np, rng, n):
    """Integer counts per category (largest remainder), shuffled: the marginals met exactly."""
    columns = []
    for shares in (AGE, INCOME, AREA):
        exact = np.array(shares) * n
        counts = np.floor(exact).astype(np.int64)
        counts[np.argsort(-(exact - counts))[: n - counts.sum()]] += 1
        column = np.repeat(np.arange(len(shares), dtype=np.uint8), counts)
        rng.shuffle(column)
        columns.append(column)
    return columns


def csr(np, n, src, dst):
    both_src = np.concatenate([src, dst])
    both_dst = np.concatenate([dst, src])
    order = np.lexsort((both_dst, both_src))
    targets = both_dst[order].astype(np.uint32)
    offsets = np.zeros(n + 1, dtype=np.uint32)
    np.cumsum(np.bincount(both_src, minlength=n), out=offsets[1:])
    return offsets, targets


def ws_numpy(np, rng, n, k, p):
    half = k // 2
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    dst = (src + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
    todo = np.flatnonzero(rng.random(src.size) < p)
    while todo.size:
        dst[todo] = rng.integers(0, n, todo.size)
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        key = lo * n + hi
        _, first = np.unique(key, return_index=True)
        duplicate = np.ones(key.size, dtype=bool)
        duplicate[first] = False
        todo = np.flatnonzero((src == dst) | duplicate)
    return csr(np, n, src, dst)


def ws_networkx(np, nx, n, k, p, seed):
    g = nx.watts_strogatz_graph(n, k, p, seed=seed)
    edges = np.array(g.edges(), dtype=np.int64)
    return csr(np, n, edges[:, 0], edges[:, 1])


def best_of(repeat, work):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - t)
    return best, result


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def python_row(name, np, n, attrs_seconds, net_seconds, columns, offsets, targets, rss):
    size = sum(c.nbytes for c in columns) + offsets.nbytes + targets.nbytes
    return {"implementation": name, "agents": n, "threads": 1, "attributes_seconds": attrs_seconds,
            "network_seconds": net_seconds, "total_seconds": attrs_seconds + net_seconds,
            "agents_per_second": n / (attrs_seconds + net_seconds), "bytes_per_agent": size / n,
            "edges": int(targets.size // 2), "peak_rss_bytes": rss}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--studio", help="the studio binary (default: build the release one)")
    ap.add_argument("--skip-networkx", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    need("numpy", "networkx")
    import numpy as np
    import networkx as nx

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    studio = args.studio
    if not studio:
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "studio-cli"], cwd=root, check=True)
        studio = os.path.join(target, "release", "studio")
    env = dict(os.environ, STUDIO_DB=os.path.join(os.environ.get("TMPDIR", "/tmp"), "studio-bench-library.db"))
    rust = json.loads(subprocess.run([studio, "bench", "population", "--agents", str(args.agents), "--threads", "1",
                                      "--repeat", str(args.repeat), "--json"],
                                     check=True, capture_output=True, text=True, env=env).stdout)
    rows = [rust]
    n = args.agents
    rng = np.random.default_rng(42)
    attrs_seconds, columns = best_of(args.repeat, lambda: attributes(np, rng, n))
    net_seconds, (offsets, targets) = best_of(args.repeat, lambda: ws_numpy(np, rng, n, 10, 0.1))
    rows.append(python_row("numpy (vectorised)", np, n, attrs_seconds, net_seconds, columns, offsets, targets,
                           peak_rss()))
    if not args.skip_networkx:
        net_seconds, (offsets, targets) = best_of(1, lambda: ws_networkx(np, nx, n, 10, 0.1, 42))
        rows.append(python_row("networkx", np, n, attrs_seconds, net_seconds, columns, offsets, targets,
                               peak_rss()))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{n:,} agents, three marginals + Watts–Strogatz k = 10, p = 0.1, one thread (best of {args.repeat})")
    print(f"{'implementation':<22}{'attributes':>12}{'network':>12}{'total':>12}{'vs studio':>11}{'B/agent':>10}{'peak RSS':>11}")
    for r in rows:
        ratio = r["total_seconds"] / rust["total_seconds"]
        rss = r.get("peak_rss_bytes") or 0
        print(f"{r['implementation']:<22}{r['attributes_seconds']:>11.3f}s{r['network_seconds']:>11.3f}s"
              f"{r['total_seconds']:>11.3f}s{ratio:>10.1f}×{r['bytes_per_agent']:>10.1f}{rss / 2**20:>9.0f}MiB")
    print("(peak RSS of the Python rows is the Python process's, cumulative)")


if __name__ == "__main__":
    main()
