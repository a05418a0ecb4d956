//! Agent-based simulation: models as data (diffusion and opinion), runs over a population's network
//! with a synchronous update and per-(seed, replicate) generators, ensembles with quantile
//! bands, and the reference model used as benchmark and correctness check.

pub mod abc;
pub mod agents;
pub mod backtest;
pub mod baselines;
pub mod calibrate;
pub mod discrepancy;
pub mod ensemble;
pub mod mcts;
pub mod model;
mod opinion;
pub mod playback;
pub mod prepared;
pub mod reference;
pub mod replica;
pub mod run;
pub mod scores;
pub mod sensitivity;

pub use abc::Posterior;
pub use agents::{Agents, Segment};
pub use calibrate::{
    CalibrationReport, CalibrationSpec, MIN_EVALUATIONS, Parameter, calibrate, calibrate_with, coefficient,
    nelder_mead, set_coefficient,
};
pub use discrepancy::Discrepancy;
pub use ensemble::{Ensemble, QUANTILES, bands_of, ensemble, quantile};
pub use model::{DiffusionModel, Model, OpinionModel, Shock, Term, Variables};
pub use playback::{CHECKPOINT_BUDGET, Conditioning, DEFAULT_CHECKPOINT_EVERY, Playback};
pub use reference::{Reference, ReferencePopulation};
pub use replica::Snapshot;
pub use run::{MAX_TICKS, NEVER, RunResult, Simulation};
