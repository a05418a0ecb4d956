//! Archetypes: k-means over the agents' standardised attributes, run on the distinct cells
//! weighted by how many agents each holds (the same answer as over every agent, far faster),
//! each with a label read from its most distinctive attributes.

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::EngineError;
use crate::population::fitting::Cells;
use crate::population::spec::{ArchetypeEdit, Dimension};
use crate::rng::{Stream, generator};

const MAX_ROUNDS: usize = 100;

/// One archetype as the analyst sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Archetype {
    /// `A1`, `A2`, … by decreasing share at the time it was found.
    pub archetype_id: String,
    pub label: String,
    pub share: f64,
    /// The centre in each numeric dimension's own units (years, currency…).
    pub centre: BTreeMap<String, f64>,
    /// The most common category of each dimension among its members.
    pub profile: BTreeMap<String, String>,
    /// Whether the analyst edited it (`edit_archetype`).
    pub edited: bool,
}

/// A column of the feature matrix: a numeric dimension, or one category of a nominal one.
struct Feature {
    dim: usize,
    category: Option<u8>,
    mean: f64,
    sd: f64,
}

fn raw(feature: &Feature, dims: &[Dimension], code: u8) -> f64 {
    match (feature.category, &dims[feature.dim].values) {
        (Some(c), _) => f64::from(u8::from(code == c)),
        (None, Some(values)) => values[code as usize],
        (None, None) => 0.0,
    }
}

fn features(dims: &[Dimension], cells: &Cells) -> Vec<Feature> {
    let mut out = Vec::new();
    for (d, dim) in dims.iter().enumerate() {
        match dim.values {
            Some(_) => out.push(Feature { dim: d, category: None, mean: 0.0, sd: 1.0 }),
            None => {
                for c in 0..dim.categories.len() {
                    out.push(Feature { dim: d, category: Some(c as u8), mean: 0.0, sd: 1.0 })
                }
            }
        }
    }
    let total: f64 = cells.weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    for f in &mut out {
        let mean = (0..cells.len()).map(|i| cells.weights[i] * raw(f, dims, cells.code(i, f.dim))).sum::<f64>() / total;
        let var = (0..cells.len())
            .map(|i| cells.weights[i] * (raw(f, dims, cells.code(i, f.dim)) - mean).powi(2))
            .sum::<f64>()
            / total;
        f.mean = mean;
        f.sd = if var > 1e-12 { var.sqrt() } else { 1.0 };
    }
    out
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

fn nearest(point: &[f64], centres: &[Vec<f64>]) -> usize {
    let mut best = (f64::INFINITY, 0);
    for (c, centre) in centres.iter().enumerate() {
        let d = distance(point, centre);
        if d < best.0 {
            best = (d, c);
        }
    }
    best.1
}

/// The archetypes of a fitted population and each cell's archetype.
pub(crate) struct Clustering {
    pub archetypes: Vec<Archetype>,
    pub assignment: Vec<u8>,
}

/// Weighted k-means (k-means++ start, seeded) over the cells, then the analyst's edits:
/// edited centres re-assign cells to their nearest centre, edited shares re-weight the cells.
pub(crate) fn cluster(
    dims: &[Dimension],
    cells: &mut Cells,
    k: usize,
    seed: u64,
    edits: &BTreeMap<String, ArchetypeEdit>,
) -> Result<Clustering, EngineError> {
    let feats = features(dims, cells);
    let points: Vec<Vec<f64>> = (0..cells.len())
        .map(|i| feats.iter().map(|f| (raw(f, dims, cells.code(i, f.dim)) - f.mean) / f.sd).collect())
        .collect();
    let live: Vec<usize> = (0..cells.len()).filter(|i| cells.weights[*i] > 0.0).collect();
    let k = k.min(live.len()).max(1);
    let mut rng = generator(seed, Stream::Archetypes);
    // k-means++: each next centre drawn in proportion to weight × squared distance.
    let mut centres: Vec<Vec<f64>> = Vec::with_capacity(k);
    let first = live[rng.random_range(0..live.len())];
    centres.push(points[first].clone());
    while centres.len() < k {
        let scores: Vec<f64> = live
            .iter()
            .map(|i| cells.weights[*i] * centres.iter().map(|c| distance(&points[*i], c)).fold(f64::INFINITY, f64::min))
            .collect();
        let total: f64 = scores.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut pick = rng.random::<f64>() * total;
        let mut chosen = live[live.len() - 1];
        for (j, s) in scores.iter().enumerate() {
            if pick < *s {
                chosen = live[j];
                break;
            }
            pick -= s;
        }
        centres.push(points[chosen].clone());
    }
    let mut assignment = vec![0usize; cells.len()];
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        for i in 0..cells.len() {
            let c = nearest(&points[i], &centres);
            changed |= c != assignment[i];
            assignment[i] = c;
        }
        let mut sums = vec![vec![0.0; feats.len()]; centres.len()];
        let mut mass = vec![0.0; centres.len()];
        for i in &live {
            let c = assignment[*i];
            mass[c] += cells.weights[*i];
            for (s, p) in sums[c].iter_mut().zip(&points[*i]) {
                *s += cells.weights[*i] * p;
            }
        }
        for (c, centre) in centres.iter_mut().enumerate() {
            if mass[c] > 0.0 {
                *centre = sums[c].iter().map(|s| s / mass[c]).collect();
            }
        }
        if !changed {
            break;
        }
    }
    // Stable ids: by decreasing mass, ties by centre order.
    let total: f64 = cells.weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let mut mass = vec![0.0; centres.len()];
    for i in 0..cells.len() {
        mass[assignment[i]] += cells.weights[i];
    }
    let mut order: Vec<usize> = (0..centres.len()).collect();
    order.sort_by(|a, b| mass[*b].total_cmp(&mass[*a]).then(a.cmp(b)));
    let mut centres: Vec<Vec<f64>> = order.iter().map(|c| centres[*c].clone()).collect();
    let rank: Vec<usize> = {
        let mut r = vec![0; order.len()];
        for (new, old) in order.iter().enumerate() {
            r[*old] = new;
        }
        r
    };
    let mut assignment: Vec<usize> = assignment.iter().map(|c| rank[*c]).collect();
    let id = |c: usize| format!("A{}", c + 1);

    for (edited, edit) in edits {
        let Some(c) = (0..centres.len()).find(|c| &id(*c) == edited) else {
            return Err(EngineError::Archetype(format!(
                "no archetype '{edited}'; there are {}",
                (0..centres.len()).map(id).collect::<Vec<_>>().join(", ")
            )));
        };
        for (dim, value) in &edit.centre {
            let Some(f) = feats.iter().position(|f| f.category.is_none() && dims[f.dim].name == *dim) else {
                return Err(EngineError::Archetype(format!(
                    "{edited}: '{dim}' is not a numeric dimension; numeric ones are {}",
                    feats
                        .iter()
                        .filter(|f| f.category.is_none())
                        .map(|f| dims[f.dim].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            if !value.is_finite() {
                return Err(EngineError::Archetype(format!("{edited}: centre {dim} = {value} is not a number")));
            }
            centres[c][f] = (value - feats[f].mean) / feats[f].sd;
        }
    }
    if edits.values().any(|e| !e.centre.is_empty()) {
        for (i, a) in assignment.iter_mut().enumerate() {
            *a = nearest(&points[i], &centres);
        }
    }
    reweight(cells, &assignment, centres.len(), edits, &id)?;

    let mut mass = vec![0.0; centres.len()];
    for i in 0..cells.len() {
        mass[assignment[i]] += cells.weights[i];
    }
    let archetypes = (0..centres.len())
        .map(|c| {
            let members: Vec<usize> = (0..cells.len()).filter(|i| assignment[*i] == c).collect();
            let edit = edits.get(&id(c));
            let mut centre = BTreeMap::new();
            for (f, feat) in feats.iter().enumerate() {
                if feat.category.is_none() {
                    centre.insert(dims[feat.dim].name.clone(), centres[c][f] * feat.sd + feat.mean);
                }
            }
            Archetype {
                archetype_id: id(c),
                label: edit.and_then(|e| e.label.clone()).unwrap_or_else(|| label(&feats, dims, &centres[c])),
                share: mass[c] / total,
                centre,
                profile: profile(dims, cells, &members),
                edited: edit.is_some(),
            }
        })
        .collect();
    Ok(Clustering { archetypes, assignment: assignment.into_iter().map(|a| a as u8).collect() })
}

/// Scales the cells of archetypes with an edited share to that share; the others share what
/// is left in their current proportions.
fn reweight(
    cells: &mut Cells,
    assignment: &[usize],
    k: usize,
    edits: &BTreeMap<String, ArchetypeEdit>,
    id: &dyn Fn(usize) -> String,
) -> Result<(), EngineError> {
    let wanted: Vec<Option<f64>> = (0..k).map(|c| edits.get(&id(c)).and_then(|e| e.share)).collect();
    if wanted.iter().all(Option::is_none) {
        return Ok(());
    }
    for (c, w) in wanted.iter().enumerate() {
        if let Some(s) = w
            && !(s.is_finite() && (0.0..=1.0).contains(s))
        {
            return Err(EngineError::Archetype(format!("{}: share {s} must be between 0 and 1", id(c))));
        }
    }
    let fixed: f64 = wanted.iter().flatten().sum();
    if fixed > 1.0 + 1e-9 {
        return Err(EngineError::Archetype(format!("the edited shares add up to {fixed:.3}, more than 1")));
    }
    let total: f64 = cells.weights.iter().sum();
    let mut mass = vec![0.0; k];
    for (i, a) in assignment.iter().enumerate() {
        mass[*a] += cells.weights[i];
    }
    let free: f64 = (0..k).filter(|c| wanted[*c].is_none()).map(|c| mass[c]).sum();
    let factor: Vec<f64> = (0..k)
        .map(|c| match wanted[c] {
            Some(s) if mass[c] > 0.0 => s * total / mass[c],
            Some(_) => 0.0,
            None if free > 0.0 => (1.0 - fixed) * total / free,
            None => 0.0,
        })
        .collect();
    if (0..k).any(|c| wanted[c].is_some_and(|s| s > 0.0) && mass[c] <= 0.0) {
        return Err(EngineError::Archetype("an archetype with no members cannot be given a share".into()));
    }
    for (i, a) in assignment.iter().enumerate() {
        cells.weights[i] *= factor[*a];
    }
    Ok(())
}

fn profile(dims: &[Dimension], cells: &Cells, members: &[usize]) -> BTreeMap<String, String> {
    dims.iter()
        .enumerate()
        .map(|(d, dim)| {
            let mut counts = vec![0.0; dim.categories.len()];
            for i in members {
                counts[cells.code(*i, d) as usize] += cells.weights[*i];
            }
            let top = (0..counts.len()).fold(0, |best, c| if counts[c] > counts[best] { c } else { best });
            (dim.name.clone(), dim.categories[top].clone())
        })
        .collect()
}

/// "older · rural": the two attributes whose centre is furthest from the population's.
fn label(feats: &[Feature], dims: &[Dimension], centre: &[f64]) -> String {
    let mut scored: Vec<(f64, String)> = feats
        .iter()
        .zip(centre)
        .filter(|(f, z)| f.category.is_none() || **z > 0.0)
        .map(|(f, z)| {
            let name = readable(&dims[f.dim].name);
            let words = match f.category {
                Some(c) => dims[f.dim].categories[c as usize].replace('_', " "),
                None if name == "age" => (if *z > 0.0 { "older" } else { "younger" }).to_string(),
                None if name.starts_with("household") => {
                    (if *z > 0.0 { "larger households" } else { "smaller households" }).to_string()
                }
                None => format!("{} {name}", if *z > 0.0 { "higher" } else { "lower" }),
            };
            (z.abs(), words)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let picked: Vec<String> = scored.into_iter().filter(|(z, _)| *z >= 0.25).take(2).map(|(_, w)| w).collect();
    if picked.is_empty() { "typical".to_string() } else { picked.join(" · ") }
}

/// "age_band" → "age", "household_size" → "household size".
fn readable(name: &str) -> String {
    let lower = name.to_lowercase();
    let trimmed = ["_band", "_bands", "_group", "_category", "_class"]
        .iter()
        .find_map(|s| lower.strip_suffix(s))
        .unwrap_or(&lower);
    trimmed.replace('_', " ")
}
