#!/usr/bin/env python3
"""Makes the bundled example's data: heat-pump adoption in Valdoria, a fictional region.

Everything is drawn from Python's own generator with a fixed seed, so running this again
writes the same bytes (`--check` verifies that the committed files are what it makes).

Files, in examples/heat-pumps/:
  marginals.csv          census-style marginals of the adult population: age band, income
                         band, household size, urban/rural (long format: dimension, category,
                         share) -> the source role "marginal"
  household_survey.csv   a household survey of 1,500 respondents with design weights, whose
                         joint structure (older people are richer and live in smaller
                         households, rural households are larger) the population keeps ->
                         "microdata"
  adoption_history.csv   the share of households with a heat pump, quarterly 2018Q1-2025Q4
                         -> "time_series" (the outcome the project predicts)
  electricity_price.csv  the electricity price index (2018Q1 = 1.00), quarterly -> "variables"
"""

import csv
import io
import math
import random
import sys
from pathlib import Path

SEED = 20261122
OUT = Path(__file__).resolve().parent / "heat-pumps"

AGE = [("18-29", 0.19), ("30-44", 0.25), ("45-64", 0.33), ("65+", 0.23)]
INCOME = [("<20k", 0.17), ("20k-40k", 0.29), ("40k-70k", 0.28), ("70k-120k", 0.19), ("120k+", 0.07)]
HOUSEHOLD = [("1", 0.29), ("2", 0.34), ("3", 0.16), ("4", 0.14), ("5+", 0.07)]
AREA = [("urban", 0.62), ("rural", 0.38)]

# How each age band tilts income and household size in the survey (multipliers per category).
INCOME_TILT = {"18-29": [2.0, 1.4, 0.8, 0.4, 0.2], "30-44": [0.8, 1.0, 1.2, 1.2, 1.0],
               "45-64": [0.6, 0.8, 1.0, 1.4, 1.8], "65+": [1.4, 1.2, 0.9, 0.6, 0.5]}
HOUSEHOLD_TILT = {"18-29": [1.6, 1.2, 0.8, 0.4, 0.3], "30-44": [0.5, 0.8, 1.5, 2.0, 2.0],
                  "45-64": [0.8, 1.2, 1.0, 0.9, 0.8], "65+": [1.6, 1.4, 0.3, 0.1, 0.1]}


def pick(rng, pairs, tilt=None):
    weights = [share * (tilt[i] if tilt else 1.0) for i, (_, share) in enumerate(pairs)]
    return rng.choices([label for label, _ in pairs], weights=weights)[0]


def table(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def make():
    rng = random.Random(SEED)
    files = {}
    marginals = [(dim, label, f"{share:.2f}") for dim, pairs in
                 [("age_band", AGE), ("income_band", INCOME), ("household_size", HOUSEHOLD), ("area", AREA)]
                 for label, share in pairs]
    files["marginals.csv"] = table(["dimension", "category", "share"], marginals)

    survey = []
    for respondent in range(1, 1501):
        age = pick(rng, AGE)
        income = pick(rng, INCOME, INCOME_TILT[age])
        area = pick(rng, AREA, [1.0, 1.3] if age in ("45-64", "65+") else [1.2, 0.8])
        household = pick(rng, HOUSEHOLD, [h * (1.3 if area == "rural" and i >= 2 else 1.0)
                                          for i, h in enumerate(HOUSEHOLD_TILT[age])])
        weight = round(rng.uniform(0.6, 1.6), 3)
        survey.append((respondent, age, income, household, area, weight))
    files["household_survey.csv"] = table(
        ["respondent", "age_band", "income_band", "household_size", "area", "weight"],
        [row for row in survey])
    # `respondent` is an id, not an attribute: the project lists the sample's columns.

    quarters = [f"{year}Q{q}" for year in range(2018, 2026) for q in range(1, 5)]
    history = []
    for t, quarter in enumerate(quarters):
        level = 0.42 / (1 + math.exp(-0.11 * (t - 44)))
        noise = rng.gauss(0, 0.0012)
        history.append((quarter, f"{max(0.0, level + noise):.4f}"))
    files["adoption_history.csv"] = table(["quarter", "adoption"], history)

    prices = []
    for t, quarter in enumerate(quarters):
        spike = 0.42 * math.exp(-((t - 19) / 4.0) ** 2)
        trend = 1.0 + 0.008 * t
        prices.append((quarter, f"{trend + spike + rng.gauss(0, 0.01):.3f}"))
    files["electricity_price.csv"] = table(["quarter", "price"], prices)
    return files


def main():
    files = make()
    if "--check" in sys.argv:
        stale = [name for name, text in files.items() if (OUT / name).read_text(encoding="utf-8") != text]
        if stale:
            sys.exit(f"examples/heat-pumps differs from what make_example.py makes: {', '.join(stale)}")
        print("examples/heat-pumps is what make_example.py makes")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
