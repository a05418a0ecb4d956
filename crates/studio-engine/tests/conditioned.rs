//! A conditioned playback — coefficients drawn from a posterior, a particle filter over the
//! history, each replicate's discrepancy carried on — starts where the history ends: it shows
//! the history as observed, spreads after it, is the same run for the same inputs, replays to
//! the same digest, and refuses to go back before the history's end.

use studio_engine::simulation::{Conditioning, Discrepancy, Playback, Posterior, Reference, ReferencePopulation};

const SEED: u64 = 5;

fn posterior() -> Posterior {
    Posterior {
        parameters: vec!["spontaneous.constant".into(), "influence.constant".into()],
        particles: vec![vec![0.002, 0.25], vec![0.003, 0.3], vec![0.004, 0.2], vec![0.0025, 0.35]],
        weights: vec![0.25; 4],
        distances: vec![0.01; 4],
        tolerance: 0.01,
        generations: 3,
        simulations: 100,
    }
}

#[test]
fn a_forecast_starts_where_the_history_ends() {
    let pop = ReferencePopulation::build(5_000, 2).unwrap();
    let sim = pop.simulation(Reference::R1, 40);
    // A history: one run of the model itself, 21 points (ticks 0 to 20).
    let history: Vec<f64> = sim.run(99, 0).unwrap().adoption[..=20].to_vec();
    let mut sim = sim;
    sim.initial_share = history[0];
    let posterior = posterior();
    let discrepancy = Discrepancy { rho: 0.8, sigma: 0.01, noise: 0.02, noise_share: 0.001 };
    let on = Conditioning { observed: &history, posterior: &posterior, discrepancy };
    let mut play = Playback::conditioned(sim.clone(), SEED, 30, 10, &on).unwrap();
    assert_eq!((play.start(), play.tick()), (20, 20));
    let err = play.step_backward().unwrap_err().to_string();
    assert!(err.contains("starts where the history ends, at tick 20"), "{err}");
    assert!(play.replay(3).is_err(), "nothing before the history's end");
    play.replay(40).unwrap();
    let e = play.ensemble();
    for (t, y) in history.iter().enumerate() {
        assert!(e.runs.iter().all(|r| r[t] == *y), "tick {t} is the history's in every replicate");
    }
    let (at_end, later) = (e.bands[20], e.bands[40]);
    assert_eq!(at_end[0], at_end[4]);
    assert!(later[4] - later[0] > 0.0, "the forecast spreads: {later:?}");
    assert!(
        e.bands[21][0] <= history[20] * 1.2 && e.bands[21][4] >= history[20] * 0.8,
        "it goes on from the history's end"
    );
    // The same inputs, the same run; back to the history's end and forward again, the same digest.
    let again = Playback::conditioned(sim.clone(), SEED, 30, 10, &on).unwrap();
    let mut again = again;
    again.replay(40).unwrap();
    assert_eq!(again.ensemble().digest, e.digest);
    play.replay(20).unwrap();
    play.replay(40).unwrap();
    assert_eq!(play.ensemble().digest, e.digest);
    // Another discrepancy is another forecast.
    let wider = Conditioning { discrepancy: Discrepancy { sigma: 0.05, ..discrepancy }, ..on };
    let mut other = Playback::conditioned(sim, SEED, 30, 10, &wider).unwrap();
    other.replay(40).unwrap();
    assert_ne!(other.ensemble().digest, e.digest);
}

#[test]
fn a_history_or_posterior_that_cannot_condition_is_named() {
    let pop = ReferencePopulation::build(1_000, 2).unwrap();
    let sim = pop.simulation(Reference::R1, 30);
    let posterior = posterior();
    let on = Conditioning { observed: &[0.01], posterior: &posterior, discrepancy: Discrepancy::NONE };
    let err = Playback::conditioned(sim.clone(), SEED, 4, 10, &on).err().unwrap().to_string();
    assert!(err.contains("history of 2 points"), "{err}");
    let bad = Posterior {
        parameters: vec!["influence.slope".into()],
        particles: vec![vec![0.1]],
        weights: vec![1.0],
        ..posterior
    };
    let on = Conditioning { observed: &[0.01, 0.02, 0.03], posterior: &bad, discrepancy: Discrepancy::NONE };
    let err = Playback::conditioned(sim, SEED, 4, 10, &on).err().unwrap().to_string();
    assert!(err.contains("'influence.slope' is not a coefficient"), "{err}");
}
