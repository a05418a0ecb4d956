//! Agent-based simulation: models as data (diffusion today), runs over a population's network
//! with a synchronous update and per-(seed, replicate) generators, ensembles with quantile
//! bands, and the reference model used as benchmark and correctness check.

pub mod ensemble;
pub mod model;
pub mod reference;
pub mod run;

pub use ensemble::{Ensemble, QUANTILES, ensemble, quantile};
pub use model::{DiffusionModel, Shock, Term, Variables};
pub use reference::{Reference, ReferencePopulation};
pub use run::{MAX_TICKS, NEVER, RunResult, Simulation};
