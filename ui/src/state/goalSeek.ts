// Goal seeking as the Scenario workbench shows it: the levers the analyst allows (made from the
// scenario's variables to start with) and what the search found, in words.
import type { GoalCandidate, GoalSeek, Lever } from "../api/types";
import { percent } from "./sensitivity";

/** A lever for each variable the scenario has: no bounds (the core takes its value ±30%),
 *  five levels. */
export function defaultLevers(variables: Record<string, number>): Lever[] {
  return Object.keys(variables).map((variable) => ({ kind: "variable", variable, steps: 5 }));
}

/** A lever in a line: "price 0.7 to 1.3 (5 levels)". */
export function leverText(lever: Lever): string {
  switch (lever.kind) {
    case "variable":
      return lever.lower == null || lever.upper == null
        ? `${lever.variable} ±30% of its value (${lever.steps ?? 5} levels)`
        : `${lever.variable} ${lever.lower} to ${lever.upper} (${lever.steps ?? 5} levels)`;
    case "shock":
      return `a ${lever.variable} shock of ${lever.magnitude_low} to ${lever.magnitude_high} at tick ${lever.tick_low} to ${lever.tick_high}`;
    case "population":
      return `${lever.dimension} shifted ${lever.lower} to ${lever.upper}`;
  }
}

export interface CandidateRow {
  rank: number;
  what: string;
  probability: string;
  finalShare: string;
  change: string;
  efficient: boolean;
}

/** The combinations found, best first, as the table writes them. */
export function candidateRows(g: GoalSeek): CandidateRow[] {
  return g.candidates.map((c: GoalCandidate, i) => ({
    rank: i + 1,
    what: c.settings
      .filter((s) => s.value != null)
      .map((s) => s.label)
      .join(", "),
    probability: `${percent(c.probability, 0)} (${percent(c.interval[0], 0)}–${percent(c.interval[1], 0)})`,
    finalShare: percent(c.final_share),
    change: percent(c.change, 0),
    efficient: c.efficient,
  }));
}

/** What the search did, in a line. */
export function searchLine(g: GoalSeek): string {
  const how = g.conditioned ? "each a forecast from the history's end" : "each from tick 0";
  return (
    `${g.rollouts.toLocaleString()} of ${g.combinations.toLocaleString()} combinations simulated ` +
    `(${g.replicates} replicates each, ${g.simulations.toLocaleString()} simulations, same seed, ${how}) ` +
    `in ${(g.elapsed_ms / 1000).toFixed(1)} s. As it is: ${percent(g.baseline.probability, 0)} ` +
    `of reaching ${percent(g.target.share, 0)} by tick ${g.target.tick}.`
  );
}
