//! What the sections of a report are made from, shared by the builder and the sections.

use crate::input::{ReportInput, ScenarioResult};
use crate::{Brand, Rgb, RunRef};

/// What the sections are made from: the input, each scenario's run and colour.
pub(crate) struct Context<'a> {
    pub input: &'a ReportInput,
    pub brand: &'a Brand,
    pub runs: Vec<RunRef>,
    pub charts: bool,
    /// The appendix holds the calibration metrics: the Calibration section points there
    /// rather than giving the same table twice.
    pub metrics_in_appendix: bool,
}

impl Context<'_> {
    /// Scenarios with their run and colour, the baseline first.
    pub fn scenarios(&self) -> Vec<(&ScenarioResult, &RunRef, Rgb)> {
        let palette = &self.brand.palette;
        self.input
            .scenarios
            .iter()
            .zip(&self.runs)
            .enumerate()
            .map(|(i, (s, r))| (s, r, palette[i % palette.len()]))
            .collect()
    }
}
