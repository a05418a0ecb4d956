//! The computing engine: synthetic populations fitted to marginals (iterative proportional
//! fitting, integerisation), archetypes by k-means, small-world social networks in CSR, and
//! agent-based simulation of diffusion over them, alone or as ensembles.
//!
//! Pure: no IO, no global state. The same inputs and seed give the same bytes, whatever the
//! number of threads; every result carries a digest that says so.

mod error;
pub mod fastrng;
pub mod network;
pub mod population;
mod rng;
pub mod simulation;

pub use error::EngineError;
pub use network::{Csr, NetworkSpec, NetworkSummary, build_network, summarise};
pub use population::{
    ArchetypeEdit, Dimension, DistributionTarget, Marginal, Microdata, Population, PopulationSpec, Synthesis,
    synthesise,
};

/// The engine's version, recorded with every artifact so a newer engine is a new input.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs `work` on a pool of `threads` threads (at least one); results never depend on it.
pub fn with_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
