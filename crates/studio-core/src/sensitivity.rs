//! Global sensitivity of a scenario's answer: each point of a Morris or Sobol design is the
//! scenario's ensemble with the factors set to the point's values — coefficients in the model,
//! variables as the scenario's — run with the same seed (common random numbers, so two points
//! differ by their factors, not their luck). In a calibrated project each point is a forecast
//! from the history's end at those coefficients (the others at their posterior means). Both
//! outputs, the final share and the threshold's probability, come from the same evaluations.

use std::collections::BTreeMap;

use studio_engine::simulation::sensitivity::{Factor, MorrisDesign, SobolDesign};
use studio_engine::simulation::{Model, Posterior, coefficient, set_coefficient};
use studio_model::{
    FactorIndex, FactorKind, FactorRange, MAX_EVALUATIONS, SENSITIVITY_FORMAT, ScenarioRecord, Sensitivity,
    SensitivityFactor, SensitivityMethod, SensitivityOutput, SensitivityRequest, SimulationSettings,
};

use crate::error::{CoreError, Result};
use crate::scenario_runs::{Prepared, scenario_variables};
use crate::variants::{Variant, run_variant};

/// The most replicates an evaluation runs when the request does not say.
const DEFAULT_REPLICATES: u32 = 8;

/// What one analysis evaluates: the factors and the scenario as prepared.
pub struct Analysis<'p> {
    pub prepared: &'p Prepared,
    pub settings: &'p SimulationSettings,
    pub baseline: &'p BTreeMap<String, f64>,
    pub scenario: &'p ScenarioRecord,
    pub factors: Vec<SensitivityFactor>,
    pub method: SensitivityMethod,
    pub samples: u32,
    pub replicates: u32,
}

impl<'p> Analysis<'p> {
    /// The analysis `request` asks for, its factors checked against the model and variables.
    pub fn new(
        prepared: &'p Prepared,
        settings: &'p SimulationSettings,
        baseline: &'p BTreeMap<String, f64>,
        scenario: &'p ScenarioRecord,
        request: &SensitivityRequest,
    ) -> Result<Analysis<'p>> {
        request.check()?;
        let values = scenario_variables(baseline, scenario)?.initial;
        let posterior = prepared.conditions.as_ref().map(|c| &c.posterior);
        let factors = match &request.factors {
            Some(asked) => {
                asked.iter().map(|f| factor_of(f, &prepared.model, &values, posterior)).collect::<Result<Vec<_>>>()?
            }
            None => default_factors(&prepared.model, &values, posterior),
        };
        if factors.is_empty() {
            return Err(CoreError::invalid(
                "the model has no non-zero coefficient and the scenario no non-zero variable to vary: name the factors",
            ));
        }
        let method = request.method;
        let samples = request.samples.unwrap_or(method.default_samples());
        let evaluations = method.evaluations(samples, factors.len());
        if evaluations > MAX_EVALUATIONS {
            return Err(CoreError::invalid(format!(
                "{} samples of {} factors make {evaluations} evaluations: at most {MAX_EVALUATIONS}",
                samples,
                factors.len()
            )));
        }
        let replicates = request.replicates.unwrap_or(settings.replicates.clamp(1, DEFAULT_REPLICATES));
        Ok(Analysis { prepared, settings, baseline, scenario, factors, method, samples, replicates })
    }

    /// Runs every point (`progress` hears each; `cancelled` stops between them) and analyses.
    pub fn run(&self, progress: &mut dyn FnMut(usize, usize), cancelled: &dyn Fn() -> bool) -> Result<Sensitivity> {
        let started = std::time::Instant::now();
        let ranges: Vec<Factor> =
            self.factors.iter().map(|f| Factor { name: f.name.clone(), lower: f.lower, upper: f.upper }).collect();
        let seed = self.settings.seed;
        let (points, morris, sobol) = match self.method {
            SensitivityMethod::Morris => {
                let design = MorrisDesign::new(&ranges, self.samples as usize, 4, seed);
                (design.points().to_vec(), Some(design), None)
            }
            SensitivityMethod::Sobol => {
                let design = SobolDesign::new(&ranges, self.samples as usize, seed);
                (design.points().to_vec(), None, Some(design))
            }
        };
        let mut finals = Vec::with_capacity(points.len());
        let mut odds = Vec::with_capacity(points.len());
        for (i, point) in points.iter().enumerate() {
            if cancelled() {
                return Err(CoreError::new("cancelled", "the sensitivity analysis was cancelled"));
            }
            let (last, probability) = self.evaluate(point)?;
            finals.push(last);
            odds.push(probability);
            progress(i + 1, points.len());
        }
        let threshold = &self.settings.threshold;
        let outputs = [
            ("final_share", format!("final share (tick {})", self.settings.ticks), finals),
            (
                "threshold_probability",
                format!("P(share ≥ {:.0}% by tick {})", threshold.share * 100.0, threshold.tick),
                odds,
            ),
        ]
        .into_iter()
        .map(|(output, label, ys)| {
            let mut indices: Vec<FactorIndex> = match (&morris, &sobol) {
                (Some(design), _) => design
                    .analyse(&ys)
                    .into_iter()
                    .map(|m| FactorIndex {
                        factor: m.name,
                        mu_star: Some(m.mu_star),
                        sigma: Some(m.sigma),
                        ..FactorIndex::default()
                    })
                    .collect(),
                (_, Some(design)) => design
                    .analyse(&ys)
                    .into_iter()
                    .map(|s| FactorIndex {
                        factor: s.name,
                        first: Some(s.first),
                        first_interval: Some(s.first_interval),
                        total: Some(s.total),
                        total_interval: Some(s.total_interval),
                        ..FactorIndex::default()
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (j, index) in indices.iter_mut().enumerate() {
                (index.low, index.high) = tornado(&points, &ys, j, &ranges[j]);
            }
            indices.sort_by(|a, b| weight(b).total_cmp(&weight(a)));
            let (mean, sd) = mean_sd(&ys);
            SensitivityOutput { output: output.to_string(), label, mean, sd, indices }
        })
        .collect();
        let evaluations = points.len() as u64;
        Ok(Sensitivity {
            format: SENSITIVITY_FORMAT,
            scenario_id: self.scenario.scenario_id.clone(),
            scenario_name: self.scenario.name.clone(),
            input_hash: String::new(),
            source_hash: String::new(),
            method: self.method,
            factors: self.factors.clone(),
            samples: self.samples,
            replicates: self.replicates,
            seed,
            evaluations,
            simulations: evaluations * u64::from(self.replicates),
            conditioned: self.prepared.conditions.is_some(),
            threshold_share: threshold.share,
            threshold_tick: threshold.tick,
            elapsed_ms: started.elapsed().as_millis() as u64,
            outputs,
        })
    }

    /// The scenario's ensemble at `point`: its mean final share and the threshold's probability.
    pub fn evaluate(&self, point: &[f64]) -> Result<(f64, f64)> {
        let prepared = self.prepared;
        let mut model = prepared.model.clone();
        let mut variables = scenario_variables(self.baseline, self.scenario)?;
        let mut posterior = prepared.conditions.as_ref().map(|c| point_posterior(&c.posterior));
        for (factor, &x) in self.factors.iter().zip(point) {
            match factor.kind {
                FactorKind::Coefficient => {
                    set_coefficient(&mut model, &factor.name, x).map_err(|e| CoreError::invalid(e.to_string()))?;
                    if let Some(p) = posterior.as_mut()
                        && let Some(i) = p.parameters.iter().position(|n| *n == factor.name)
                    {
                        p.particles[0][i] = x;
                    }
                }
                FactorKind::Variable => {
                    variables.initial.insert(factor.name.clone(), x);
                }
            }
        }
        let variant = Variant { model, variables, posterior };
        let name = &self.scenario.name;
        let ensemble = run_variant(prepared, self.settings, self.baseline, variant, self.replicates, name)?;
        let threshold = &self.settings.threshold;
        let last = ensemble.mean.last().copied().unwrap_or(0.0);
        Ok((last, ensemble.probability(threshold.share, threshold.tick as usize)))
    }
}

/// The posterior as one particle at its means: the coefficients a point does not set.
fn point_posterior(posterior: &Posterior) -> Posterior {
    Posterior { particles: vec![posterior.mean()], weights: vec![1.0], distances: vec![0.0], ..posterior.clone() }
}

/// How much a factor matters, for ordering: its total index, else μ*.
fn weight(index: &FactorIndex) -> f64 {
    index.total.or(index.mu_star).unwrap_or(0.0)
}

/// The output's mean over the points with factor `j` in the lowest quarter of its range and in
/// the highest (halves when a quarter holds no point).
fn tornado(points: &[Vec<f64>], ys: &[f64], j: usize, range: &Factor) -> (f64, f64) {
    let unit = |p: &Vec<f64>| (p[j] - range.lower) / (range.upper - range.lower);
    let mean_where = |keep: &dyn Fn(f64) -> bool| {
        let picked: Vec<f64> = points.iter().zip(ys).filter(|(p, _)| keep(unit(p))).map(|(_, y)| *y).collect();
        (!picked.is_empty()).then(|| picked.iter().sum::<f64>() / picked.len() as f64)
    };
    let low = mean_where(&|u| u <= 0.25).or_else(|| mean_where(&|u| u <= 0.5)).unwrap_or(0.0);
    let high = mean_where(&|u| u >= 0.75).or_else(|| mean_where(&|u| u >= 0.5)).unwrap_or(0.0);
    (low, high)
}

fn mean_sd(ys: &[f64]) -> (f64, f64) {
    let n = ys.len().max(1) as f64;
    let mean = ys.iter().sum::<f64>() / n;
    (mean, (ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / n).sqrt())
}

/// A factor the analyst named, checked: a coefficient of the model or a variable of the
/// scenario.
fn factor_of(
    asked: &FactorRange,
    model: &Model,
    values: &BTreeMap<String, f64>,
    posterior: Option<&Posterior>,
) -> Result<SensitivityFactor> {
    let value = match asked.kind {
        FactorKind::Coefficient => {
            let mut probe = model.clone();
            set_coefficient(&mut probe, &asked.name, asked.lower)
                .and_then(|()| probe.check())
                .map_err(|e| CoreError::invalid(format!("factor '{}': {e}", asked.name)))?;
            coefficient(model, &asked.name).map_err(|e| CoreError::invalid(e.to_string()))?
        }
        FactorKind::Variable => *values.get(&asked.name).ok_or_else(|| {
            let known = values.keys().cloned().collect::<Vec<_>>().join(", ");
            CoreError::invalid(format!(
                "factor '{}' is not a variable of the scenario; its variables: {}",
                asked.name,
                if known.is_empty() { "none".into() } else { known }
            ))
        })?,
    };
    let fitted = posterior.is_some_and(|p| p.parameters.contains(&asked.name));
    Ok(SensitivityFactor {
        kind: asked.kind,
        name: asked.name.clone(),
        lower: asked.lower,
        upper: asked.upper,
        value,
        fitted,
    })
}

/// The model's own factors: every non-zero coefficient ±50% (a potential below 1 up to 1 at
/// most), fitted ones over their posterior's 5th to 95th percentiles, and every non-zero
/// variable ±20%.
pub fn default_factors(
    model: &Model,
    values: &BTreeMap<String, f64>,
    posterior: Option<&Posterior>,
) -> Vec<SensitivityFactor> {
    let mut factors = Vec::new();
    let mut paths: Vec<(String, f64)> = Vec::new();
    for (term, t) in model.terms() {
        paths.push((format!("{term}.constant"), t.constant));
        paths.extend(t.variables.iter().map(|(v, c)| (format!("{term}.variables.{v}"), *c)));
        paths.extend(t.attributes.iter().map(|(a, c)| (format!("{term}.attributes.{a}"), *c)));
    }
    if let Model::Diffusion(m) = model {
        paths.push(("potential".into(), if m.potential < 1.0 { m.potential } else { 0.0 }));
    }
    for (path, value) in paths {
        let fitted = posterior.and_then(|p| posterior_range(p, &path));
        if value == 0.0 && fitted.is_none() {
            continue;
        }
        let (mut lower, mut upper) = fitted.unwrap_or((value - value.abs() / 2.0, value + value.abs() / 2.0));
        if path == "potential" {
            lower = lower.max(0.01);
            upper = upper.min(1.0);
        }
        if lower < upper {
            factors.push(SensitivityFactor {
                kind: FactorKind::Coefficient,
                name: path,
                lower,
                upper,
                value,
                fitted: fitted.is_some(),
            });
        }
    }
    for (name, &value) in values {
        if value != 0.0 {
            let (a, b) = (value * 0.8, value * 1.2);
            factors.push(SensitivityFactor {
                kind: FactorKind::Variable,
                name: name.clone(),
                lower: a.min(b),
                upper: a.max(b),
                value,
                fitted: false,
            });
        }
    }
    factors
}

/// A fitted coefficient's weighted 5th and 95th percentiles in the posterior.
fn posterior_range(posterior: &Posterior, path: &str) -> Option<(f64, f64)> {
    let j = posterior.parameters.iter().position(|p| p == path)?;
    let mut pairs: Vec<(f64, f64)> =
        posterior.particles.iter().map(|p| p[j]).zip(posterior.weights.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let at = |q: f64| {
        let mut sum = 0.0;
        for (v, w) in &pairs {
            sum += w;
            if sum >= q {
                return *v;
            }
        }
        pairs.last().map_or(0.0, |p| p.0)
    };
    let (lower, upper) = (at(0.05), at(0.95));
    (lower < upper).then_some((lower, upper))
}
