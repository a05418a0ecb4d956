//! Goal seeking: each lever's options (option 0: no change), a Monte Carlo tree search over
//! their combinations (`studio_engine::simulation::mcts`) whose rollouts are the scenario's
//! ensembles with the combination applied — the same seed for all, so two combinations differ by
//! what they set — scored by the chance of reaching the target less the weighted change, and the
//! combinations found ranked: first those no other beats on both chance and change.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};
use studio_engine::simulation::Shock;
use studio_engine::simulation::mcts::search;
use studio_model::{
    GoalCandidate, GoalSeek, GoalSeekRequest, Lever, LeverSetting, ScenarioConfig, ScenarioRecord, ShockEvent,
    SimulationSettings, Threshold, VariableOverride, wilson,
};

use crate::error::{CoreError, Result};
use crate::scenario_runs::{Prepared, scenario_variables};
use crate::variants::{Variant, run_variant};

/// What one option of a lever does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Choice {
    Keep,
    Set(f64),
    Shock { tick: u64, magnitude: f64 },
    Shift(f64),
}

/// A lever with its options and what each costs in change (0: none; 1: the range's far end).
#[derive(Debug, Clone)]
pub(crate) struct LeverPlan {
    pub lever: Lever,
    /// The variable's value in the scenario (variables only).
    pub now: f64,
    pub options: Vec<Choice>,
}

/// Levels spread evenly across `[lower, upper]`.
fn levels(lower: f64, upper: f64, steps: u32) -> Vec<f64> {
    if upper <= lower {
        return vec![lower];
    }
    (0..steps).map(|i| lower + (upper - lower) * f64::from(i) / f64::from(steps - 1)).collect()
}

const DEFAULT_STEPS: u32 = 5;

/// Each lever's options, its names checked against the scenario's variables.
pub(crate) fn plans(levers: &[Lever], values: &BTreeMap<String, f64>, ticks: u64) -> Result<Vec<LeverPlan>> {
    let known = || values.keys().cloned().collect::<Vec<_>>().join(", ");
    let variable_now = |name: &str| {
        values.get(name).copied().ok_or_else(|| {
            CoreError::invalid(format!("'{name}' is not a variable of the scenario; its variables: {}", known()))
        })
    };
    levers
        .iter()
        .map(|lever| {
            let mut options = vec![Choice::Keep];
            let mut now = 0.0;
            match lever {
                Lever::Variable { variable, lower, upper, steps } => {
                    now = variable_now(variable)?;
                    let (lower, upper) = variable_range(now, *lower, *upper);
                    if lower > upper {
                        return Err(CoreError::invalid(format!(
                            "the range {lower} to {upper} of {variable} must have the lower first"
                        )));
                    }
                    let set = levels(lower, upper, steps.unwrap_or(DEFAULT_STEPS));
                    options.extend(set.into_iter().filter(|v| (v - now).abs() > 1e-12).map(Choice::Set));
                }
                Lever::Shock { variable, magnitude_low, magnitude_high, tick_low, tick_high, steps } => {
                    variable_now(variable)?;
                    if *tick_high > ticks {
                        return Err(CoreError::invalid(format!(
                            "a {variable} shock at tick {tick_high} is after the run's last tick ({ticks})"
                        )));
                    }
                    let sizes = levels(*magnitude_low, *magnitude_high, steps.unwrap_or(DEFAULT_STEPS));
                    let mut at: Vec<u64> =
                        levels(*tick_low as f64, *tick_high as f64, 3).into_iter().map(|t| t.round() as u64).collect();
                    at.dedup();
                    for &magnitude in sizes.iter().filter(|m| m.abs() > 1e-12) {
                        options.extend(at.iter().map(|&tick| Choice::Shock { tick, magnitude }));
                    }
                }
                Lever::Population { lower, upper, steps, .. } => {
                    let set = levels(*lower, *upper, steps.unwrap_or(DEFAULT_STEPS));
                    options.extend(set.into_iter().filter(|v| v.abs() > 1e-12).map(Choice::Shift));
                }
            }
            Ok(LeverPlan { lever: lever.clone(), now, options })
        })
        .collect()
}

/// A variable lever's bounds: those given, else its value ±30%.
fn variable_range(now: f64, lower: Option<f64>, upper: Option<f64>) -> (f64, f64) {
    let (a, b) = (now - 0.3 * now.abs(), now + 0.3 * now.abs());
    (lower.unwrap_or(a), upper.unwrap_or(b))
}

impl LeverPlan {
    /// How far option `o` moves from the scenario: 0 to 1 across the lever's range.
    pub fn change(&self, o: usize) -> f64 {
        let far = |a: f64, b: f64| a.abs().max(b.abs()).max(1e-12);
        match (&self.lever, self.options[o]) {
            (_, Choice::Keep) => 0.0,
            (Lever::Variable { lower, upper, .. }, Choice::Set(v)) => {
                let (lower, upper) = variable_range(self.now, *lower, *upper);
                ((v - self.now).abs() / far(upper - self.now, lower - self.now)).min(1.0)
            }
            (Lever::Shock { magnitude_low, magnitude_high, .. }, Choice::Shock { magnitude, .. }) => {
                magnitude.abs() / far(*magnitude_low, *magnitude_high)
            }
            (Lever::Population { lower, upper, .. }, Choice::Shift(s)) => s.abs() / far(*lower, *upper),
            _ => 0.0,
        }
    }

    /// Option `o` in words.
    pub fn setting(&self, o: usize) -> LeverSetting {
        let n = |x: f64| format!("{}", (x * 1e4).round() / 1e4).replace('-', "−");
        let name = self.lever.name();
        match (&self.lever, self.options[o]) {
            (Lever::Variable { variable, .. }, Choice::Set(v)) => LeverSetting {
                lever: name,
                value: Some(v),
                tick: None,
                label: format!("{variable} {} (now {})", n(v), n(self.now)),
            },
            (Lever::Variable { variable, .. }, _) => LeverSetting {
                lever: name,
                value: None,
                tick: None,
                label: format!("{variable} as it is ({})", n(self.now)),
            },
            (Lever::Shock { variable, .. }, Choice::Shock { tick, magnitude }) => LeverSetting {
                lever: name,
                value: Some(magnitude),
                tick: Some(tick),
                label: format!("{variable} {}{} at tick {tick}", if magnitude >= 0.0 { "+" } else { "" }, n(magnitude)),
            },
            (Lever::Shock { variable, .. }, _) => {
                LeverSetting { lever: name, value: None, tick: None, label: format!("no {variable} shock") }
            }
            (Lever::Population { dimension, .. }, Choice::Shift(s)) => LeverSetting {
                lever: name,
                value: Some(s),
                tick: None,
                label: format!("{dimension} shifted {}{}", if s >= 0.0 { "+" } else { "" }, n(s)),
            },
            (Lever::Population { dimension, .. }, _) => {
                LeverSetting { lever: name, value: None, tick: None, label: format!("{dimension} as it is") }
            }
        }
    }
}

/// The scenario with a combination applied, as a scenario's configuration.
pub(crate) fn scenario_of(base: &ScenarioRecord, plans: &[LeverPlan], combination: &[usize]) -> ScenarioConfig {
    let mut config = base.config.clone();
    let mut named = Vec::new();
    for (plan, &o) in plans.iter().zip(combination) {
        match (&plan.lever, plan.options[o]) {
            (Lever::Variable { variable, .. }, Choice::Set(v)) => {
                config.variable_overrides.retain(|x| &x.variable != variable);
                config.variable_overrides.push(VariableOverride { variable: variable.clone(), value: json!(v) });
            }
            (Lever::Shock { variable, .. }, Choice::Shock { tick, magnitude }) => {
                let shock = ShockEvent { tick, variable: variable.clone(), magnitude };
                config.shock_events.get_or_insert_with(Vec::new).push(shock);
            }
            (Lever::Population { dimension, .. }, Choice::Shift(s)) => {
                config
                    .population_adjustments
                    .get_or_insert_with(Default::default)
                    .insert(dimension.clone(), json!({"shift": s}));
            }
            _ => continue,
        }
        named.push(plan.setting(o).label);
    }
    let what = if named.is_empty() { "no change".to_string() } else { named.join(", ") };
    config.name = truncate(&format!("{}: {what}", base.name), 255);
    config.description = format!("Found by goal seeking from “{}”: {what}.", base.name);
    config
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// One search: the scenario as prepared at each population level, the levers' plans, the target.
pub(crate) struct Search<'p> {
    /// The scenario's population first, then one per population lever option after Keep.
    pub prepared: Vec<&'p Prepared>,
    pub settings: &'p SimulationSettings,
    pub baseline: &'p BTreeMap<String, f64>,
    pub scenario: &'p ScenarioRecord,
    pub plans: Vec<LeverPlan>,
    pub target: Threshold,
    pub replicates: u32,
    pub change_weight: f64,
    pub rollouts: u32,
    pub keep: usize,
}

/// A combination's outcome.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    probability: f64,
    interval: (f64, f64),
    final_share: f64,
    change: f64,
}

impl Search<'_> {
    /// Searches (`progress` hears each combination simulated; `cancelled` stops the search) and
    /// ranks what it found.
    pub fn run(&self, progress: &mut dyn FnMut(u32, u32), cancelled: &dyn Fn() -> bool) -> Result<GoalSeek> {
        let started = std::time::Instant::now();
        let options: Vec<usize> = self.plans.iter().map(|p| p.options.len()).collect();
        let combinations: u64 = options.iter().map(|&n| n as u64).product();
        let mut outcomes: HashMap<Vec<usize>, Outcome> = HashMap::new();
        let mut failure: Option<CoreError> = None;
        let mut done = 0u32;
        let budget = self.rollouts;
        let result = search(&options, budget as usize, self.settings.seed, &mut |combination| {
            if cancelled() {
                failure = Some(CoreError::new("cancelled", "the goal seek was cancelled"));
                return None;
            }
            match self.evaluate(combination) {
                Ok(outcome) => {
                    outcomes.insert(combination.to_vec(), outcome);
                    done += 1;
                    progress(done, budget.min(combinations.min(u64::from(u32::MAX)) as u32));
                    Some(self.score(&outcome))
                }
                Err(e) => {
                    failure = Some(e);
                    None
                }
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        let candidate = |c: &Vec<usize>, efficient: bool| {
            let o = outcomes[c];
            GoalCandidate {
                settings: self.plans.iter().zip(c).map(|(p, &i)| p.setting(i)).collect(),
                probability: o.probability,
                interval: [o.interval.0, o.interval.1],
                final_share: o.final_share,
                change: o.change,
                efficient,
                scenario_config: scenario_of(self.scenario, &self.plans, c),
            }
        };
        let first = vec![0; options.len()];
        let scored: Vec<&Vec<usize>> = result.scored.iter().map(|(c, _)| c).collect();
        let dominated = |c: &Vec<usize>| {
            let a = outcomes[c];
            scored.iter().any(|d| {
                let b = outcomes[*d];
                b.probability >= a.probability
                    && b.change <= a.change
                    && (b.probability > a.probability || b.change < a.change)
            })
        };
        let (mut front, mut rest): (Vec<&Vec<usize>>, Vec<&Vec<usize>>) =
            scored.iter().copied().partition(|c| !dominated(c));
        front.sort_by(|a, b| {
            let (x, y) = (outcomes[*a], outcomes[*b]);
            y.probability.total_cmp(&x.probability).then(x.change.total_cmp(&y.change))
        });
        rest.sort_by(|a, b| self.score(&outcomes[*b]).total_cmp(&self.score(&outcomes[*a])));
        let ranked: Vec<GoalCandidate> = front
            .iter()
            .map(|c| candidate(c, true))
            .chain(rest.iter().map(|c| candidate(c, false)))
            .filter(|c| c.change > 0.0 && c.probability > outcomes[&first].probability)
            .take(self.keep)
            .collect();
        Ok(GoalSeek {
            format: studio_model::GOAL_SEEK_FORMAT,
            scenario_id: self.scenario.scenario_id.clone(),
            scenario_name: self.scenario.name.clone(),
            source_hash: String::new(),
            levers: self.plans.iter().map(|p| p.lever.clone()).collect(),
            target: self.target,
            change_weight: self.change_weight,
            rollouts: done,
            combinations,
            iterations: result.iterations,
            replicates: self.replicates,
            simulations: u64::from(done) * u64::from(self.replicates),
            seed: self.settings.seed,
            conditioned: self.prepared[0].conditions.is_some(),
            elapsed_ms: started.elapsed().as_millis() as u64,
            baseline: candidate(&first, !dominated(&first)),
            candidates: ranked,
        })
    }

    /// The search's score: the chance of the target, a little credit for coming near it (so a
    /// search where nothing reaches it still climbs), less the weighted change.
    fn score(&self, o: &Outcome) -> f64 {
        o.probability + 0.1 * (o.final_share / self.target.share).min(1.0) - self.change_weight * o.change
    }

    /// Simulates a combination.
    fn evaluate(&self, combination: &[usize]) -> Result<Outcome> {
        let mut variables = scenario_variables(self.baseline, self.scenario)?;
        let mut population = 0usize;
        let mut change = 0.0;
        for (plan, &o) in self.plans.iter().zip(combination) {
            change += plan.change(o);
            match (&plan.lever, plan.options[o]) {
                (Lever::Variable { variable, .. }, Choice::Set(v)) => {
                    variables.initial.insert(variable.clone(), v);
                }
                (Lever::Shock { variable, .. }, Choice::Shock { tick, magnitude }) => {
                    variables.shocks.push(Shock { tick: tick as u32, variable: variable.clone(), magnitude });
                }
                (Lever::Population { .. }, Choice::Shift(_)) => population = o,
                _ => {}
            }
        }
        let prepared = self.prepared.get(population).copied().unwrap_or(self.prepared[0]);
        let variant = Variant { model: prepared.model.clone(), variables, posterior: None };
        let name = &self.scenario.name;
        let ensemble = run_variant(prepared, self.settings, self.baseline, variant, self.replicates, name)?;
        let probability = ensemble.probability(self.target.share, self.target.tick as usize);
        Ok(Outcome {
            probability,
            interval: wilson(probability, ensemble.runs.len() as u32),
            final_share: ensemble.mean.last().copied().unwrap_or(0.0),
            change: change / self.plans.len().max(1) as f64,
        })
    }
}

/// A population lever's adjustments at each of its options after Keep (the scenario's own
/// adjustments with the shift laid over them).
pub(crate) fn population_levels(scenario: &ScenarioRecord, plans: &[LeverPlan]) -> Vec<serde_json::Map<String, Value>> {
    let Some(plan) = plans.iter().find(|p| matches!(p.lever, Lever::Population { .. })) else {
        return Vec::new();
    };
    let Lever::Population { dimension, .. } = &plan.lever else { return Vec::new() };
    plan.options
        .iter()
        .filter_map(|c| match c {
            Choice::Shift(s) => {
                let mut a = scenario.config.population_adjustments.clone().unwrap_or_default();
                a.insert(dimension.clone(), json!({"shift": s}));
                Some(a)
            }
            _ => None,
        })
        .collect()
}

/// Checks a request against the scenario and settings: the target, the replicates and the
/// options of each lever.
pub(crate) fn target_of(request: &GoalSeekRequest, settings: &SimulationSettings) -> Result<Threshold> {
    let target = request.target.unwrap_or(settings.threshold);
    if target.tick > settings.ticks {
        return Err(CoreError::invalid(format!(
            "the target's tick {} is after the run's last tick ({}): lengthen the run or move the target",
            target.tick, settings.ticks
        )));
    }
    Ok(target)
}
