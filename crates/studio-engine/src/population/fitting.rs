//! Cells and their weights: the cross of the marginals' categories (or the records of a
//! microdata sample), fitted to the marginals by iterative proportional fitting, then made
//! whole numbers by truncate-replicate-sample integerisation.

use rand::Rng;

use crate::EngineError;
use crate::population::spec::{Dimension, Microdata};
use crate::rng::{Stream, generator};

/// Most cells the cross of marginals may make (a microdata sample avoids the cross).
pub const MAX_CELLS: u64 = 250_000;
const MAX_SWEEPS: usize = 500;
const TOLERANCE: f64 = 1e-10;

/// Distinct attribute combinations and how many agents each stands for.
#[derive(Debug, Clone)]
pub(crate) struct Cells {
    pub dims: usize,
    /// Category codes, cell-major: cell i's codes are `codes[i*dims..(i+1)*dims]`.
    pub codes: Vec<u8>,
    pub weights: Vec<f64>,
}

impl Cells {
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn code(&self, cell: usize, dim: usize) -> u8 {
        self.codes[cell * self.dims + dim]
    }

    /// Every combination of the dimensions' categories, weighted equally.
    pub fn cross(dimensions: &[Dimension]) -> Result<Cells, EngineError> {
        let count = dimensions.iter().try_fold(1u64, |n, d| n.checked_mul(d.categories.len() as u64));
        let count = count.unwrap_or(u64::MAX);
        if count > MAX_CELLS {
            return Err(EngineError::TooManyCells { cells: count, max: MAX_CELLS });
        }
        let dims = dimensions.len();
        let mut codes = Vec::with_capacity(count as usize * dims);
        let mut current = vec![0u8; dims];
        for _ in 0..count {
            codes.extend_from_slice(&current);
            // Odometer: the last dimension turns fastest.
            for d in (0..dims).rev() {
                current[d] += 1;
                if (current[d] as usize) < dimensions[d].categories.len() {
                    break;
                }
                current[d] = 0;
            }
        }
        Ok(Cells { dims, codes, weights: vec![1.0; count as usize] })
    }

    /// The sample's records as cells; dimensions the sample lacks are crossed in, sharing the
    /// record's weight equally.
    pub fn from_sample(dimensions: &[Dimension], sample: &Microdata) -> Result<Cells, EngineError> {
        if sample.records.is_empty() {
            return Err(EngineError::Microdata("the sample has no records".into()));
        }
        if !sample.weights.is_empty() && sample.weights.len() != sample.records.len() {
            return Err(EngineError::Microdata(format!(
                "{} weights for {} records",
                sample.weights.len(),
                sample.records.len()
            )));
        }
        let column: Vec<Option<usize>> =
            dimensions.iter().map(|d| sample.dimensions.iter().position(|s| s == &d.name)).collect();
        if column.iter().all(Option::is_none) {
            return Err(EngineError::Microdata(format!(
                "none of its columns ({}) is a marginal's dimension ({})",
                sample.dimensions.join(", "),
                dimensions.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        let missing: Vec<&Dimension> =
            dimensions.iter().zip(&column).filter(|(_, c)| c.is_none()).map(|(d, _)| d).collect();
        let fill = Cells::cross(&missing.iter().map(|d| (*d).clone()).collect::<Vec<_>>())?;
        let total = (sample.records.len() as u64).saturating_mul(fill.len() as u64);
        if total > MAX_CELLS * 20 {
            return Err(EngineError::TooManyCells { cells: total, max: MAX_CELLS * 20 });
        }
        let dims = dimensions.len();
        let mut cells = Cells { dims, codes: Vec::new(), weights: Vec::new() };
        for (r, record) in sample.records.iter().enumerate() {
            let weight = sample.weights.get(r).copied().unwrap_or(1.0);
            if !weight.is_finite() || weight < 0.0 {
                return Err(EngineError::Microdata(format!("record {} has weight {weight}", r + 1)));
            }
            let mut known = vec![0u8; dims];
            for (d, col) in column.iter().enumerate() {
                let Some(col) = col else { continue };
                let label = record.get(*col).ok_or_else(|| {
                    EngineError::Microdata(format!("record {} has no value for '{}'", r + 1, dimensions[d].name))
                })?;
                let code = dimensions[d].categories.iter().position(|c| c == label).ok_or_else(|| {
                    EngineError::Microdata(format!(
                        "record {} has '{}' = '{label}', not one of the marginal's categories ({})",
                        r + 1,
                        dimensions[d].name,
                        dimensions[d].categories.join(", ")
                    ))
                })?;
                known[d] = code as u8;
            }
            for f in 0..fill.len() {
                let mut m = 0;
                for (d, col) in column.iter().enumerate() {
                    if col.is_none() {
                        known[d] = fill.code(f, m);
                        m += 1;
                    }
                }
                cells.codes.extend_from_slice(&known);
                cells.weights.push(weight / fill.len() as f64);
            }
        }
        Ok(cells)
    }
}

/// How the fitting went.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Convergence {
    pub sweeps: usize,
    pub converged: bool,
}

/// Iterative proportional fitting: scales the cells' weights, one dimension at a time, until
/// every dimension's weighted totals equal its targets times `total`.
pub(crate) fn fit(cells: &mut Cells, dimensions: &[Dimension], total: f64) -> Convergence {
    let mut sums = Vec::new();
    for sweep in 1..=MAX_SWEEPS {
        let mut worst: f64 = 0.0;
        for (d, dim) in dimensions.iter().enumerate() {
            sums.clear();
            sums.resize(dim.categories.len(), 0.0);
            for (i, w) in cells.weights.iter().enumerate() {
                sums[cells.code(i, d) as usize] += w;
            }
            let factors: Vec<f64> = sums
                .iter()
                .zip(&dim.targets)
                .map(|(sum, target)| if *sum > 0.0 { target * total / sum } else { 0.0 })
                .collect();
            for (sum, f) in sums.iter().zip(&factors) {
                if *sum > 0.0 {
                    worst = worst.max((f - 1.0).abs());
                }
            }
            let (dims, codes) = (cells.dims, &cells.codes);
            for (i, w) in cells.weights.iter_mut().enumerate() {
                *w *= factors[codes[i * dims + d] as usize];
            }
        }
        if worst < TOLERANCE {
            return Convergence { sweeps: sweep, converged: true };
        }
    }
    Convergence { sweeps: MAX_SWEEPS, converged: false }
}

/// Truncate, replicate, sample: each cell keeps the whole part of its weight, and the agents
/// left over go to cells drawn without replacement in proportion to their fractional parts
/// (Efraimidis–Spirakis keys), so the counts add up to exactly `total`.
pub(crate) fn integerise(weights: &[f64], total: u64, seed: u64) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    let scale = if sum > 0.0 { total as f64 / sum } else { 0.0 };
    let mut counts: Vec<u32> = Vec::with_capacity(weights.len());
    let mut keys: Vec<(f64, usize)> = Vec::with_capacity(weights.len());
    let mut rng = generator(seed, Stream::Integerise);
    for (i, w) in weights.iter().enumerate() {
        let scaled = w * scale;
        let whole = scaled.floor();
        counts.push(whole as u32);
        let frac = scaled - whole;
        let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
        if frac > 0.0 {
            keys.push((u.ln() / frac, i));
        }
    }
    let placed: u64 = counts.iter().map(|c| *c as u64).sum();
    let left = total.saturating_sub(placed) as usize;
    keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in keys.iter().take(left) {
        counts[*i] += 1;
    }
    // Rounding can leave a few agents unplaced when fractional parts are tiny: give them to
    // the heaviest cells, in order, so the total is always exact.
    let placed: u64 = counts.iter().map(|c| *c as u64).sum();
    if placed < total {
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|a, b| weights[*b].total_cmp(&weights[*a]).then(a.cmp(b)));
        for i in order.iter().cycle().take((total - placed) as usize) {
            counts[*i] += 1;
        }
    }
    counts
}
