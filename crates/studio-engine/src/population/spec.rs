//! What a population is built from: marginals (target shares per category of a dimension), an
//! optional microdata sample, the analyst's adjustments, the size, the seed and the network.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::EngineError;
use crate::network::NetworkSpec;

/// The most agents a population may hold.
pub const MAX_AGENTS: u64 = 5_000_000;
/// Default size, as the Population workbench shows it first.
pub const DEFAULT_AGENTS: u64 = 100_000;
/// The most categories one dimension may have (codes are one byte).
pub const MAX_CATEGORIES: usize = 255;

/// The target distribution of one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marginal {
    pub dimension: String,
    pub categories: Vec<String>,
    /// Counts or shares, one per category; normalised to shares.
    pub targets: Vec<f64>,
}

impl Marginal {
    pub fn new(dimension: &str, pairs: &[(&str, f64)]) -> Marginal {
        Marginal {
            dimension: dimension.into(),
            categories: pairs.iter().map(|(c, _)| c.to_string()).collect(),
            targets: pairs.iter().map(|(_, t)| *t).collect(),
        }
    }

    /// Shares summing to one; refuses negative, non-finite or all-zero targets.
    pub fn shares(&self) -> Result<Vec<f64>, EngineError> {
        let problem = |p: String| EngineError::Marginal { dimension: self.dimension.clone(), problem: p };
        if self.categories.is_empty() {
            return Err(problem("it has no categories".into()));
        }
        if self.categories.len() != self.targets.len() {
            return Err(problem(format!("{} categories but {} targets", self.categories.len(), self.targets.len())));
        }
        if self.categories.len() > MAX_CATEGORIES {
            return Err(problem(format!("{} categories, more than {MAX_CATEGORIES}", self.categories.len())));
        }
        for (c, t) in self.categories.iter().zip(&self.targets) {
            if !t.is_finite() || *t < 0.0 {
                return Err(problem(format!("category '{c}' has target {t}: targets must be finite and ≥ 0")));
            }
        }
        let total: f64 = self.targets.iter().sum();
        if total <= 0.0 {
            return Err(problem("its targets add up to zero".into()));
        }
        Ok(self.targets.iter().map(|t| t / total).collect())
    }
}

/// A sample of records with a category per dimension and a weight each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Microdata {
    pub dimensions: Vec<String>,
    /// Category labels, record-major: `records[r][d]` is record r's value for `dimensions[d]`.
    pub records: Vec<Vec<String>>,
    /// One weight per record; empty means all ones.
    #[serde(default)]
    pub weights: Vec<f64>,
}

/// How the analyst changed a marginal before fitting (`adjust_distribution`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistributionTarget {
    /// New shares by category (categories left out keep theirs, then all are renormalised).
    Shares(BTreeMap<String, f64>),
    /// Moves this share of every category's mass one category up (negative: down).
    Shift(f64),
}

/// An analyst's edit of an archetype: its share of the population, its centre, its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ArchetypeEdit {
    pub share: Option<f64>,
    /// Centre coordinates by dimension, in the dimension's own units (e.g. age in years).
    pub centre: BTreeMap<String, f64>,
    pub label: Option<String>,
}

/// Everything a population is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationSpec {
    pub size: u64,
    pub seed: u64,
    pub marginals: Vec<Marginal>,
    #[serde(default)]
    pub microdata: Option<Microdata>,
    #[serde(default)]
    pub adjustments: BTreeMap<String, DistributionTarget>,
    /// How many archetypes k-means looks for.
    pub archetypes: usize,
    #[serde(default)]
    pub archetype_edits: BTreeMap<String, ArchetypeEdit>,
    pub network: NetworkSpec,
}

impl PopulationSpec {
    pub fn new(size: u64, seed: u64, marginals: Vec<Marginal>) -> PopulationSpec {
        PopulationSpec {
            size,
            seed,
            marginals,
            microdata: None,
            adjustments: BTreeMap::new(),
            archetypes: 6,
            archetype_edits: BTreeMap::new(),
            network: NetworkSpec::default(),
        }
    }

    pub fn check(&self) -> Result<(), EngineError> {
        if self.size == 0 || self.size > MAX_AGENTS {
            return Err(EngineError::Size { got: self.size, max: MAX_AGENTS });
        }
        if self.marginals.is_empty() {
            return Err(EngineError::NoMarginals);
        }
        let mut seen = std::collections::BTreeSet::new();
        for m in &self.marginals {
            m.shares()?;
            if !seen.insert(&m.dimension) {
                return Err(EngineError::Marginal {
                    dimension: m.dimension.clone(),
                    problem: "it is given twice".into(),
                });
            }
        }
        for dimension in self.adjustments.keys() {
            if !seen.contains(dimension) {
                return Err(EngineError::Marginal {
                    dimension: dimension.clone(),
                    problem: "an adjustment names it, but no marginal has this dimension".into(),
                });
            }
        }
        if self.archetypes == 0 || self.archetypes > 20 {
            return Err(EngineError::Archetype(format!("k must be between 1 and 20, got {}", self.archetypes)));
        }
        self.network.check()
    }
}

/// Applies an adjustment to target shares: the fitted population will match the result.
pub(crate) fn adjust(
    marginal: &Marginal,
    shares: &[f64],
    target: &DistributionTarget,
) -> Result<Vec<f64>, EngineError> {
    let problem = |p: String| EngineError::Marginal { dimension: marginal.dimension.clone(), problem: p };
    let mut out = shares.to_vec();
    match target {
        DistributionTarget::Shares(given) => {
            for (category, share) in given {
                let Some(i) = marginal.categories.iter().position(|c| c == category) else {
                    return Err(problem(format!(
                        "no category '{category}'; its categories are {}",
                        marginal.categories.join(", ")
                    )));
                };
                if !share.is_finite() || *share < 0.0 {
                    return Err(problem(format!("share {share} for '{category}' must be finite and ≥ 0")));
                }
                out[i] = *share;
            }
        }
        DistributionTarget::Shift(by) => {
            if !by.is_finite() || by.abs() >= 1.0 {
                return Err(problem(format!("a shift moves a share of mass between -1 and 1, got {by}")));
            }
            let n = out.len();
            let mut moved = vec![0.0; n];
            for i in 0..n {
                let step = shares[i] * by.abs();
                let to = if *by > 0.0 { (i + 1).min(n - 1) } else { i.saturating_sub(1) };
                if to != i {
                    moved[i] -= step;
                    moved[to] += step;
                }
            }
            for (o, m) in out.iter_mut().zip(moved) {
                *o += m;
            }
        }
    }
    let total: f64 = out.iter().sum();
    if total <= 0.0 {
        return Err(problem("the adjusted shares add up to zero".into()));
    }
    Ok(out.into_iter().map(|s| s / total).collect())
}

/// One attribute of the agents: its categories and, when they are numeric bands, a value each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub categories: Vec<String>,
    /// Target shares after adjustments.
    pub targets: Vec<f64>,
    /// A number per category when every label reads as one ("18-29" → 23.5, "65+" → 70).
    pub values: Option<Vec<f64>>,
}

/// Reads a band label as a number: "42", "18-29", "18–29", "65+", "<20000", "$20k-40k".
pub fn band_value(label: &str) -> Option<f64> {
    let cleaned: String =
        label.chars().filter(|c| !matches!(c, '$' | '€' | '£' | ',' | ' ')).collect::<String>().to_lowercase();
    let number = |s: &str| -> Option<f64> {
        let (digits, scale) = match s.strip_suffix('k') {
            Some(d) => (d, 1_000.0),
            None => match s.strip_suffix('m') {
                Some(d) => (d, 1_000_000.0),
                None => (s, 1.0),
            },
        };
        digits.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| v * scale)
    };
    if let Some(v) = number(&cleaned) {
        return Some(v);
    }
    if let Some(low) = cleaned.strip_suffix('+') {
        return number(low).map(|v| v * 1.1);
    }
    if let Some(high) = cleaned.strip_prefix('<') {
        return number(high).map(|v| v * 0.75);
    }
    let (a, b) = cleaned.split_once(['-', '–']).filter(|(a, _)| !a.is_empty())?;
    Some((number(a)? + number(b)?) / 2.0)
}
