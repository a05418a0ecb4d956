#!/usr/bin/env python3
"""The reference diffusion model of issue 6, written twice in Python to measure the Rust engine
against and to check that it computes the same thing:

  mesa   idiomatic Mesa 3: one Agent per household on a NetworkGrid over networkx's
         watts_strogatz_graph; each step every agent `decide`s from the state at the start of
         the tick, then every agent `advance`s (a synchronous update, as the engine does)
  numpy  vectorised: the network as a scipy CSR matrix, a tick is one sparse product

Model: N agents, income ~ lognormal(10.5, 0.5), age uniform 18-80; Watts–Strogatz k = 10,
p = 0.1; round(0.01 N) adopted at the start, uniformly; price 1.0, 0.8 from tick 20 on; each tick
a non-adopter adopts with p = 1 - (1 - a)(1 - b f), a = max(0, 0.002 (1.2 - price)), f = adopted
neighbours at the start of the tick / degree. R1: b = 0.35, R2: b = 0.05.

  python3 benches/sim_reference.py --impl numpy --model R2 --agents 100000 --ticks 100 --seed 1
prints one JSON line: agent-steps per second (with and without building the network), the
adoption curve, peak memory. Installs mesa, networkx, numpy and scipy with pip when missing.
"""

import argparse
import json
import resource
import time

from pip_need import need

B = {"R1": 0.35, "R2": 0.05}


def price_at(tick):
    return 0.8 if tick >= 20 else 1.0


def run_numpy(n, b, ticks, seed):
    import networkx as nx
    import numpy as np
    import scipy.sparse as sp

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    income = np.exp(rng.normal(10.5, 0.5, n))  # noqa: F841 - part of the model's population
    age = rng.integers(18, 81, n)  # noqa: F841
    g = nx.watts_strogatz_graph(n, 10, 0.1, seed=seed)
    edges = np.array(g.edges(), dtype=np.int64)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    adjacency = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n, n))
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    degree[degree == 0] = 1
    adopted = np.zeros(n, dtype=bool)
    adopted[rng.choice(n, round(0.01 * n), replace=False)] = True
    t1 = time.perf_counter()
    curve = [adopted.mean()]
    for tick in range(1, ticks + 1):
        a = max(0.0, 0.002 * (1.2 - price_at(tick)))
        f = adjacency.dot(adopted.astype(np.float32)) / degree
        p = 1.0 - (1.0 - a) * (1.0 - b * f)
        adopted |= (~adopted) & (rng.random(n) < p)
        curve.append(float(adopted.mean()))
    t2 = time.perf_counter()
    return t0, t1, t2, curve


def run_mesa(n, b, ticks, seed):
    import mesa
    import networkx as nx

    class Household(mesa.Agent):
        def __init__(self, model, income, age):
            super().__init__(model)
            self.income = income
            self.age = age
            self.adopted = False
            self.adopts = False

        def decide(self):
            if self.adopted:
                return
            neighbours = self.model.grid.get_neighbors(self.pos, include_center=False)
            f = sum(1 for other in neighbours if other.adopted) / len(neighbours) if neighbours else 0.0
            a = max(0.0, 0.002 * (1.2 - self.model.price))
            self.adopts = self.random.random() < 1.0 - (1.0 - a) * (1.0 - self.model.b * f)

        def advance(self):
            if self.adopts:
                self.adopted = True
                self.adopts = False

    class Diffusion(mesa.Model):
        def __init__(self):
            super().__init__(seed=seed)
            self.b = b
            self.price = 1.0
            self.tick = 0
            graph = nx.watts_strogatz_graph(n, 10, 0.1, seed=seed)
            self.grid = mesa.space.NetworkGrid(graph)
            for node in graph.nodes:
                household = Household(self, self.random.lognormvariate(10.5, 0.5), self.random.randint(18, 80))
                self.grid.place_agent(household, node)
            for household in self.random.sample(list(self.agents), round(0.01 * n)):
                household.adopted = True

        def share(self):
            return sum(1 for h in self.agents if h.adopted) / n

        def step(self):
            self.tick += 1
            self.price = price_at(self.tick)
            self.agents.do("decide")
            self.agents.do("advance")

    t0 = time.perf_counter()
    model = Diffusion()
    t1 = time.perf_counter()
    curve = [model.share()]
    for _ in range(ticks):
        model.step()
        curve.append(model.share())
    t2 = time.perf_counter()
    return t0, t1, t2, curve


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", choices=["mesa", "numpy"], required=True)
    ap.add_argument("--model", choices=["R1", "R2"], default="R2")
    ap.add_argument("--agents", type=int, default=100_000)
    ap.add_argument("--ticks", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    need("networkx", "numpy", "scipy", *(["mesa"] if args.impl == "mesa" else []))
    run = run_mesa if args.impl == "mesa" else run_numpy
    t0, t1, t2, curve = run(args.agents, B[args.model], args.ticks, args.seed)
    steps = args.agents * args.ticks
    print(json.dumps({
        "implementation": {"mesa": "Mesa 3 (idiomatic)", "numpy": "numpy/scipy (vectorised)"}[args.impl],
        "model": args.model, "agents": args.agents, "ticks": args.ticks, "seed": args.seed,
        "build_seconds": t1 - t0, "run_seconds": t2 - t1,
        "agent_steps_per_second": steps / (t2 - t1), "agent_steps_per_second_with_build": steps / (t2 - t0),
        "final_share": curve[-1], "curve": curve,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main()
