//! The reference model of issue 6 — the benchmark and the check against Mesa. N agents with
//! income ~ lognormal(10.5, 0.5) and age uniform 18–80; a Watts–Strogatz network (k = 10,
//! p = 0.1); price 1.0, falling to 0.8 from tick 20; each tick a non-adopter adopts with
//! p = 1 − (1 − a)(1 − b·f), a = max(0, 0.002·(1.2 − price)). R1: b = 0.35; R2: b = 0.05.

use std::collections::BTreeMap;

use crate::EngineError;
use crate::fastrng::Xoshiro;
use crate::network::{Csr, NetworkSpec, build_network};
use crate::simulation::model::{DiffusionModel, Shock, Term, Variables};
use crate::simulation::run::Simulation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// b = 0.35: saturates by tick ~55.
    R1,
    /// b = 0.05: does not saturate within 100 ticks.
    R2,
}

impl Reference {
    pub fn influence(self) -> f64 {
        match self {
            Reference::R1 => 0.35,
            Reference::R2 => 0.05,
        }
    }

    /// a = max(0, 0.0024 − 0.002·price), b constant.
    pub fn model(self) -> DiffusionModel {
        DiffusionModel {
            spontaneous: Term {
                constant: 0.0024,
                variables: BTreeMap::from([("price".to_string(), -0.002)]),
                attributes: BTreeMap::new(),
            },
            influence: Term::constant(self.influence()),
            potential: 1.0,
        }
    }

    pub fn variables() -> Variables {
        Variables {
            initial: BTreeMap::from([("price".to_string(), 1.0)]),
            shocks: vec![Shock { tick: 20, variable: "price".into(), magnitude: -0.2 }],
        }
    }
}

impl std::str::FromStr for Reference {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "R1" => Ok(Reference::R1),
            "R2" => Ok(Reference::R2),
            other => Err(EngineError::Simulation(format!("unknown reference model '{other}': R1 or R2"))),
        }
    }
}

/// The reference population: its network and attributes.
pub struct ReferencePopulation {
    pub network: Csr,
    pub groups: Vec<u8>,
    pub income: Vec<f32>,
    pub age: Vec<f32>,
}

impl ReferencePopulation {
    pub fn build(n: usize, seed: u64) -> Result<ReferencePopulation, EngineError> {
        let mut rng = Xoshiro::seeded(&[seed, 0x504F50]);
        let income = (0..n).map(|_| (10.5 + 0.5 * rng.normal()).exp() as f32).collect();
        let age = (0..n).map(|_| (18 + rng.below(63)) as f32).collect();
        let groups = vec![0u8; n];
        let network = build_network(&groups, &NetworkSpec { degree: 10, rewiring: 0.1, homophily: 0.0 }, seed)?;
        Ok(ReferencePopulation { network, groups, income, age })
    }

    pub fn simulation(&self, model: Reference, ticks: u32) -> Simulation<'_> {
        Simulation {
            network: &self.network,
            groups: &self.groups,
            attributes: vec![("income".into(), &self.income), ("age".into(), &self.age)],
            model: model.model().into(),
            segments: Vec::new(),
            variables: Reference::variables(),
            ticks,
            initial_share: 0.01,
        }
    }

    /// Bytes per agent held: network, attributes, groups, and a run's state (adoption tick,
    /// status, degree, the list of open agents: 10 bytes).
    pub fn bytes_per_agent(&self) -> f64 {
        let n = self.groups.len().max(1);
        (self.network.bytes() + self.income.len() * 4 + self.age.len() * 4 + self.groups.len() + n * 10) as f64
            / n as f64
    }
}
