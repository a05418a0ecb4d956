//! What can be wrong with a population's inputs, in words the analyst can act on.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("no marginals: give at least one source the role 'marginal' (columns dimension, category, share)")]
    NoMarginals,
    #[error("population size must be between 1 and {max}, got {got}")]
    Size { got: u64, max: u64 },
    #[error("marginal '{dimension}': {problem}")]
    Marginal { dimension: String, problem: String },
    #[error("microdata: {0}")]
    Microdata(String),
    #[error(
        "the marginals cross into {cells} combinations, more than {max}: give a microdata sample or fewer categories"
    )]
    TooManyCells { cells: u64, max: u64 },
    #[error("archetypes: {0}")]
    Archetype(String),
    #[error("network: {0}")]
    Network(String),
    #[error("simulation: {0}")]
    Simulation(String),
    #[error("the population artifact is unreadable: {0}")]
    Artifact(String),
}
