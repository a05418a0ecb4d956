//! The console's playback as a state machine: stepping forward and back, replaying to any tick
//! and injecting shocks give the digests of the equivalent whole runs, at any thread count;
//! out-of-range moves and unknown variables are refused and change nothing.

use studio_engine::simulation::{NEVER, Playback, Reference, ReferencePopulation, Shock, ensemble};
use studio_engine::with_threads;

const SEED: u64 = 21;

#[test]
fn playing_to_the_end_is_the_ensemble() {
    let pop = ReferencePopulation::build(5_000, 2).unwrap();
    let sim = pop.simulation(Reference::R1, 40);
    let whole = ensemble(&sim, SEED, 6).unwrap();
    let mut play = Playback::new(sim.clone(), SEED, 6, 7).unwrap();
    assert_eq!(play.tick(), 0);
    while !play.finished() {
        play.step_forward().unwrap();
    }
    assert_eq!(play.ensemble(), whole);
    assert_eq!(play.checkpoints(), vec![0, 7, 14, 21, 28, 35]);
    assert_eq!(play.bands(), whole.bands);
}

#[test]
fn stepping_back_and_replaying_reproduce_the_run() {
    let pop = ReferencePopulation::build(5_000, 2).unwrap();
    let sim = pop.simulation(Reference::R2, 50);
    let original = ensemble(&sim, SEED, 4).unwrap();
    let mut play = Playback::new(sim, SEED, 4, 10).unwrap();
    play.replay(50).unwrap();
    assert_eq!(play.ensemble().digest, original.digest);
    // Back to a tick between checkpoints, then forward again.
    assert_eq!(play.replay(23).unwrap(), 23);
    assert_eq!(play.bands(), original.bands[..=23].to_vec(), "the state at tick 23 is the original's");
    assert_eq!(play.step_backward().unwrap(), 22);
    assert_eq!(play.step_forward().unwrap(), 23);
    assert_eq!(play.replay(0).unwrap(), 0);
    assert_eq!(play.bands(), original.bands[..1].to_vec());
    play.replay(50).unwrap();
    assert_eq!(play.ensemble().digest, original.digest, "replay equals the original run");
}

#[test]
fn an_injected_shock_is_recorded_and_replays() {
    let pop = ReferencePopulation::build(5_000, 4).unwrap();
    let sim = pop.simulation(Reference::R2, 60);
    let mut play = Playback::new(sim.clone(), SEED, 4, 10).unwrap();
    play.replay(30).unwrap();
    let shock = play.inject_shock("price", -0.4).unwrap();
    assert_eq!(shock, Shock { tick: 31, variable: "price".into(), magnitude: -0.4 });
    play.replay(60).unwrap();
    let shocked = play.ensemble();
    assert_ne!(shocked.digest, ensemble(&sim, SEED, 4).unwrap().digest, "the shock changed the run");

    // The same run from scratch with the shock planned: the same digest.
    let mut planned = sim.clone();
    planned.variables.shocks.push(shock.clone());
    assert_eq!(ensemble(&planned, SEED, 4).unwrap().digest, shocked.digest);
    // Back before the shock and forward again: the recorded shock replays.
    play.replay(12).unwrap();
    play.replay(60).unwrap();
    assert_eq!(play.ensemble().digest, shocked.digest);
    assert_eq!(play.injected(), &[shock]);
    // The same at one and two threads.
    let again = |threads| {
        with_threads(threads, || {
            let mut p = Playback::new(sim.clone(), SEED, 4, 10).unwrap();
            p.replay(30).unwrap();
            p.inject_shock("price", -0.4).unwrap();
            p.replay(60).unwrap();
            p.ensemble().digest
        })
    };
    assert_eq!(again(1), shocked.digest);
    assert_eq!(again(2), shocked.digest);
}

#[test]
fn injecting_after_stepping_back_replaces_the_future() {
    let pop = ReferencePopulation::build(3_000, 4).unwrap();
    let sim = pop.simulation(Reference::R2, 40);
    let mut play = Playback::new(sim.clone(), SEED, 3, 5).unwrap();
    play.replay(30).unwrap();
    play.inject_shock("price", -0.5).unwrap();
    play.replay(40).unwrap();
    play.replay(10).unwrap();
    assert!(play.checkpoints().contains(&35));
    let second = play.inject_shock("price", 0.2).unwrap();
    assert_eq!(play.injected(), std::slice::from_ref(&second), "the later shock belonged to the replaced future");
    assert_eq!(play.checkpoints(), vec![0, 5, 10]);
    play.replay(40).unwrap();
    let mut planned = sim.clone();
    planned.variables.shocks.push(second);
    assert_eq!(play.ensemble().digest, ensemble(&planned, SEED, 3).unwrap().digest);
}

#[test]
fn bad_moves_are_refused_and_change_nothing() {
    let pop = ReferencePopulation::build(2_000, 1).unwrap();
    let sim = pop.simulation(Reference::R1, 20);
    let mut play = Playback::new(sim.clone(), SEED, 2, 5).unwrap();
    let err = play.step_backward().unwrap_err().to_string();
    assert!(err.contains("tick 0"), "{err}");
    let err = play.replay(21).unwrap_err().to_string();
    assert!(err.contains("tick 21 is out of range") && err.contains("0 to 20"), "{err}");
    let err = play.inject_shock("interest", 1.0).unwrap_err().to_string();
    assert!(err.contains("unknown variable 'interest'") && err.contains("price"), "{err}");
    let err = play.inject_shock("price", f64::NAN).unwrap_err().to_string();
    assert!(err.contains("finite"), "{err}");
    assert_eq!(play.tick(), 0);
    assert!(play.injected().is_empty());
    play.replay(20).unwrap();
    assert!(play.step_forward().unwrap_err().to_string().contains("last tick"));
    assert!(play.inject_shock("price", 0.1).is_err());
    assert_eq!(play.ensemble().digest, ensemble(&sim, SEED, 2).unwrap().digest);
    assert!(Playback::new(sim.clone(), SEED, 0, 5).is_err());
    assert!(Playback::new(sim, SEED, 2, 0).is_err());
}

#[test]
fn segments_get_their_own_series() {
    let pop = ReferencePopulation::build(3_000, 6).unwrap();
    let codes: Vec<u8> = (0..3_000).map(|i| (i % 3) as u8).collect();
    let mut sim = pop.simulation(Reference::R1, 30);
    sim.segments = vec![("thirds".into(), &codes)];
    let run = sim.run(SEED, 0).unwrap();
    assert_eq!(run.digest, pop.simulation(Reference::R1, 30).run(SEED, 0).unwrap().digest, "segments change no draw");
    for c in 0..3u8 {
        for t in [0usize, 10, 30] {
            let (mut inside, mut size) = (0, 0);
            for (i, &at) in run.adopted_at.iter().enumerate() {
                if codes[i] == c {
                    size += 1;
                    inside += usize::from(at != NEVER && usize::from(at) <= t);
                }
            }
            assert_eq!(run.by_segment[0][usize::from(c)][t], inside as f64 / size as f64, "category {c} at tick {t}");
        }
    }
}

#[test]
fn shocks_injected_together_all_apply() {
    let pop = ReferencePopulation::build(3_000, 3).unwrap();
    let sim = pop.simulation(Reference::R2, 30);
    let mut play = Playback::new(sim.clone(), SEED, 3, 10).unwrap();
    play.replay(12).unwrap();
    let first = play.inject_shock("price", -0.3).unwrap();
    let second = play.inject_shock("price", -0.2).unwrap();
    assert_eq!(play.injected(), &[first.clone(), second.clone()]);
    play.replay(30).unwrap();
    let mut planned = sim.clone();
    planned.variables.shocks.extend([first.clone(), second]);
    assert_eq!(play.ensemble().digest, ensemble(&planned, SEED, 3).unwrap().digest);
    // Back at tick 12 later, a new shock replaces that future: the earlier two are dropped.
    play.replay(12).unwrap();
    let third = play.inject_shock("price", 0.1).unwrap();
    assert_eq!(play.injected(), std::slice::from_ref(&third));
}
