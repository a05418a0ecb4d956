//! The opinion model: seeded and the same at any thread count; bounded confidence (no one in
//! range, no change; everyone in range, convergence); drift from a variable and its shock;
//! replay from checkpoints that keep the opinions; bad numbers named.

use studio_engine::network::{Csr, NetworkSpec, build_network};
use studio_engine::simulation::{Model, OpinionModel, Playback, Shock, Simulation, Term, Variables, ensemble};
use studio_engine::with_threads;

fn model(confidence: f64, noise: f64) -> OpinionModel {
    OpinionModel {
        initial: Term::constant(0.45),
        spread: 0.15,
        convergence: 0.3,
        confidence,
        drift: Term::default(),
        noise,
        threshold: 0.5,
    }
}

/// Agents with no attributes on a small-world network, playing opinion model `m`.
fn opinion_sim<'a>(
    network: &'a Csr,
    groups: &'a [u8],
    m: OpinionModel,
    variables: Variables,
    ticks: u32,
) -> Simulation<'a> {
    Simulation {
        network,
        groups,
        attributes: vec![],
        model: Model::Opinion(m),
        segments: vec![],
        variables,
        ticks,
        initial_share: 0.0,
    }
}

fn variance(x: &[f32]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().map(|v| f64::from(*v)).sum::<f64>() / n;
    x.iter().map(|v| (f64::from(*v) - mean).powi(2)).sum::<f64>() / n
}

#[test]
fn opinions_move_within_confidence_only_and_the_same_at_any_thread_count() {
    let n = 4_000;
    let groups = vec![0u8; n];
    let network = build_network(&groups, &NetworkSpec { degree: 10, rewiring: 0.1, homophily: 0.0 }, 2).unwrap();
    let sim = |m: OpinionModel, ticks| opinion_sim(&network, &groups, m, Variables::default(), ticks);
    // Nobody within 0 of anyone (opinions are continuous): nothing moves.
    let frozen = sim(model(0.0, 0.0), 20).run(1, 0).unwrap();
    let start = sim(model(0.0, 0.0), 1).run(1, 0).unwrap();
    assert_eq!(frozen.opinion, start.opinion);
    assert!(frozen.adoption.windows(2).all(|w| w[0] == w[1]));
    // Everyone within range: opinions pull together.
    let open = sim(model(1.0, 0.0), 20).run(1, 0).unwrap();
    assert!(
        variance(&open.opinion) < variance(&start.opinion) / 10.0,
        "{} vs {}",
        variance(&open.opinion),
        variance(&start.opinion)
    );
    let noisy = sim(model(0.2, 0.02), 30);
    let one = with_threads(1, || ensemble(&noisy, 4, 6).unwrap());
    let two = with_threads(2, || ensemble(&noisy, 4, 6).unwrap());
    assert_eq!(one, two);
    assert_ne!(one.digest, ensemble(&noisy, 5, 6).unwrap().digest);
}

#[test]
fn a_variable_drifts_opinions_and_its_shock_replays() {
    let n = 3_000;
    let groups = vec![0u8; n];
    let network = build_network(&groups, &NetworkSpec { degree: 8, rewiring: 0.1, homophily: 0.0 }, 5).unwrap();
    let mut m = model(0.3, 0.01);
    m.drift = Term { constant: 0.0, variables: [("price".to_string(), -0.01)].into(), attributes: Default::default() };
    let variables = |shocks| Variables { initial: [("price".to_string(), 0.0)].into(), shocks };
    let sim = |shocks| opinion_sim(&network, &groups, m.clone(), variables(shocks), 40);
    let calm = ensemble(&sim(vec![]), 3, 4).unwrap();
    let cheaper = ensemble(&sim(vec![Shock { tick: 10, variable: "price".into(), magnitude: -1.0 }]), 3, 4).unwrap();
    assert_eq!(calm.mean[..10], cheaper.mean[..10], "the same until the shock");
    assert!(cheaper.mean[40] > calm.mean[40] + 0.1, "{} vs {}", cheaper.mean[40], calm.mean[40]);

    // The console: back past checkpoints that keep opinions, a shock injected, replayed.
    let mut play = Playback::new(sim(vec![]), 3, 4, 7).unwrap();
    play.replay(9).unwrap();
    assert_eq!(play.inject_shock("price", -1.0).unwrap().tick, 10, "from the next tick");
    play.replay(40).unwrap();
    let digest = play.ensemble().digest;
    assert_eq!(digest, cheaper.digest, "an injected shock is the planned one");
    play.replay(3).unwrap();
    play.replay(40).unwrap();
    assert_eq!(play.ensemble().digest, digest);
    assert_eq!(play.bands(), cheaper.bands);
}

#[test]
fn bad_opinion_models_are_named() {
    let groups = vec![0u8; 100];
    let network = build_network(&groups, &NetworkSpec { degree: 4, rewiring: 0.1, homophily: 0.0 }, 1).unwrap();
    let mut m = model(0.2, 0.0);
    m.convergence = 1.5;
    let sim = opinion_sim(&network, &groups, m, Variables::default(), 5);
    let err = sim.run(1, 0).unwrap_err().to_string();
    assert!(err.contains("convergence is 1.5"), "{err}");
    let parsed: Result<Model, _> = serde_json::from_str(r#"{"kind": "opinion", "convergence": 0.2}"#);
    assert!(parsed.unwrap_err().to_string().contains("confidence"));
}
