//! Fit diagnostics: how closely the synthetic population matches each marginal — total
//! absolute error and standardised RMSE (RMSE over the mean target count), with both
//! distributions for the analyst's histograms.

use serde::{Deserialize, Serialize};

use crate::population::spec::Dimension;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarginalFit {
    pub dimension: String,
    pub categories: Vec<String>,
    /// Target shares (after adjustments).
    pub target: Vec<f64>,
    /// Shares in the synthetic population.
    pub synthetic: Vec<f64>,
    /// Total absolute error, in agents: Σ |synthetic count − target count|.
    pub tae: f64,
    /// Standardised RMSE: √(mean squared count error) / mean target count.
    pub srmse: f64,
    /// The largest gap between a synthetic and a target share.
    pub max_share_error: f64,
}

pub(crate) fn diagnose(dimensions: &[Dimension], attributes: &[Vec<u8>], size: u64) -> Vec<MarginalFit> {
    dimensions
        .iter()
        .zip(attributes)
        .map(|(dim, column)| {
            let mut counts = vec![0u64; dim.categories.len()];
            for code in column {
                counts[*code as usize] += 1;
            }
            let n = size as f64;
            let expected: Vec<f64> = dim.targets.iter().map(|t| t * n).collect();
            let errors: Vec<f64> = counts.iter().zip(&expected).map(|(c, e)| *c as f64 - e).collect();
            let tae = errors.iter().map(|e| e.abs()).sum();
            let mean_target = n / dim.categories.len() as f64;
            let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / errors.len() as f64).sqrt();
            let synthetic: Vec<f64> = counts.iter().map(|c| *c as f64 / n).collect();
            let max_share_error = synthetic.iter().zip(&dim.targets).map(|(s, t)| (s - t).abs()).fold(0.0, f64::max);
            MarginalFit {
                dimension: dim.name.clone(),
                categories: dim.categories.clone(),
                target: dim.targets.clone(),
                synthetic,
                tae,
                srmse: if mean_target > 0.0 { rmse / mean_target } else { 0.0 },
                max_share_error,
            }
        })
        .collect()
}
