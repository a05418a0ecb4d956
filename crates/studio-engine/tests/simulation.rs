//! Simulation: seeded and the same at any thread count, a truly synchronous update, the
//! reference model's known behaviour (R1 saturates, R2 does not), spontaneous adoption against
//! its closed form, and bad inputs named.

use std::collections::BTreeMap;

use studio_engine::network::{NetworkSpec, build_network};
use studio_engine::simulation::{
    DiffusionModel, NEVER, Reference, ReferencePopulation, Shock, Simulation, Term, Variables, ensemble, quantile,
};
use studio_engine::with_threads;

#[test]
fn a_run_is_its_seed_and_replicate_whatever_the_threads() {
    let pop = ReferencePopulation::build(20_000, 3).unwrap();
    let sim = pop.simulation(Reference::R1, 60);
    let a = sim.run(9, 0).unwrap();
    assert_eq!(a.digest, sim.run(9, 0).unwrap().digest, "repeatable");
    assert_ne!(a.digest, sim.run(9, 1).unwrap().digest, "another replicate, another run");
    assert_ne!(a.digest, sim.run(10, 0).unwrap().digest, "another seed, another run");
    let one = with_threads(1, || ensemble(&sim, 9, 8).unwrap());
    let two = with_threads(2, || ensemble(&sim, 9, 8).unwrap());
    assert_eq!(one, two, "the ensemble is the same on one thread and on two");
    assert_eq!(one.run_digests[0], a.digest);
}

#[test]
fn decisions_read_the_state_at_the_start_of_the_tick() {
    // With no spontaneous adoption, whoever adopts at tick t has a neighbour who had adopted
    // before t: adoption never travels two hops within one tick.
    let n = 5_000;
    let groups = vec![0u8; n];
    let network = build_network(&groups, &NetworkSpec { degree: 4, rewiring: 0.05, homophily: 0.0 }, 1).unwrap();
    let sim = Simulation {
        network: &network,
        groups: &groups,
        attributes: vec![],
        segments: vec![],
        model: DiffusionModel::new(Term::constant(0.0), Term::constant(1.0)).into(),
        variables: Variables::default(),
        ticks: 30,
        initial_share: 0.002,
    };
    let run = sim.run(4, 0).unwrap();
    let mut later = 0;
    for (i, &t) in run.adopted_at.iter().enumerate() {
        if t == NEVER || t == 0 {
            continue;
        }
        later += 1;
        assert!(
            network.neighbours(i).iter().any(|j| run.adopted_at[*j as usize] < t),
            "agent {i} adopted at {t} alone"
        );
    }
    assert!(later > 100, "the contagion spread ({later} agents)");
}

#[test]
fn the_reference_models_behave_as_specified() {
    let pop = ReferencePopulation::build(20_000, 5).unwrap();
    let r1 = ensemble(&pop.simulation(Reference::R1, 100), 1, 4).unwrap();
    let r2 = ensemble(&pop.simulation(Reference::R2, 100), 1, 4).unwrap();
    assert!((r1.mean[0] - 0.01).abs() < 1e-9, "1% adopted at the start");
    assert!(r1.mean[55] > 0.9 && r1.mean[100] > 0.99, "R1 saturates by ~55: {} at 55", r1.mean[55]);
    assert!(r2.mean[100] < 0.9 && r2.mean[100] > r2.mean[50], "R2 keeps rising, unsaturated: {}", r2.mean[100]);
    assert!(r1.bands.iter().all(|b| b.windows(2).all(|w| w[0] <= w[1])), "bands are ordered");
    assert!(r1.probability(0.3, 60) == 1.0 && r2.probability(0.99, 60) == 0.0);
    assert!(r1.median_crossing(0.5).unwrap() < 50);
    assert!(pop.bytes_per_agent() <= 64.0, "{} bytes per agent", pop.bytes_per_agent());
}

#[test]
fn spontaneous_adoption_follows_its_closed_form_and_the_shock() {
    // b = 0: each non-adopter adopts with a = 0.0004 before tick 20 and 0.0008 from it.
    let n = 200_000;
    let groups = vec![0u8; n];
    let network = build_network(&groups, &NetworkSpec::default(), 2).unwrap();
    let mut model = Reference::R2.model();
    model.influence = Term::constant(0.0);
    let sim = Simulation {
        network: &network,
        groups: &groups,
        attributes: vec![],
        segments: vec![],
        model: model.into(),
        variables: Reference::variables(),
        ticks: 60,
        initial_share: 0.01,
    };
    let run = sim.run(1, 0).unwrap();
    for t in [10usize, 19, 20, 40, 60] {
        let before = t.min(19) as i32;
        let after = t.saturating_sub(19) as i32;
        let expected = 1.0 - 0.99 * (1.0f64 - 0.0004).powi(before) * (1.0f64 - 0.0008).powi(after);
        let sd = (expected * (1.0 - expected) / n as f64).sqrt();
        assert!((run.adoption[t] - expected).abs() < 5.0 * sd, "tick {t}: {} vs {expected}", run.adoption[t]);
    }
    assert_eq!(sim.variables.at(19)["price"], 1.0);
    assert!((sim.variables.at(20)["price"] - 0.8).abs() < 1e-12);
}

#[test]
fn attributes_enter_the_model_per_agent() {
    let pop = ReferencePopulation::build(10_000, 8).unwrap();
    let mut sim = pop.simulation(Reference::R2, 30);
    let plain = sim.run(1, 0).unwrap().adoption[30];
    // Older agents adopt on their own more: a rises by 0.0001 per year of age.
    let mut model = Reference::R2.model();
    model.spontaneous.attributes = BTreeMap::from([("age".into(), 0.0001)]);
    sim.model = model.into();
    let aged = sim.run(1, 0).unwrap().adoption[30];
    assert!(aged > plain + 0.05, "{aged} vs {plain}");
}

#[test]
fn bad_inputs_are_named() {
    let pop = ReferencePopulation::build(2_000, 1).unwrap();
    let check = |sim: Simulation<'_>, expect: &str| {
        let e = sim.run(1, 0).unwrap_err().to_string();
        assert!(e.contains(expect), "{e} should say {expect}");
    };
    let mut s = pop.simulation(Reference::R1, 50);
    s.variables.shocks.push(Shock { tick: 5, variable: "tarif".into(), magnitude: 0.1 });
    check(s, "names variable 'tarif', which is unknown; variables: price");
    let mut s = pop.simulation(Reference::R1, 50);
    s.variables.shocks.push(Shock { tick: 80, variable: "price".into(), magnitude: 0.1 });
    check(s, "outside the run's ticks 1 to 50");
    let mut s = pop.simulation(Reference::R1, 50);
    let mut wealthy = Reference::R1.model();
    wealthy.influence.attributes.insert("wealth".into(), 1.0);
    s.model = wealthy.into();
    check(s, "attribute 'wealth', which the agents do not have; they have income, age");
    check(pop.simulation(Reference::R1, 0), "ticks must be 1 to 10000");
    assert!(ensemble(&pop.simulation(Reference::R1, 10), 1, 0).is_err());
    assert!("R3".parse::<Reference>().unwrap_err().to_string().contains("R1 or R2"));
}

#[test]
fn quantiles_interpolate_as_numpy_does() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(quantile(&v, 0.5), 3.0);
    assert!((quantile(&v, 0.05) - 1.2).abs() < 1e-12);
    assert!((quantile(&v, 0.95) - 4.8).abs() < 1e-12);
    assert_eq!(quantile(&[], 0.5), 0.0);
}
