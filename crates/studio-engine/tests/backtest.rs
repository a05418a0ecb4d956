//! Rolling-origin backtests: every origin's held-out points scored for the model and the two
//! baselines; on a history the model could have made, the model beats carrying the last value
//! forward.

use studio_engine::network::{NetworkSpec, build_network};
use studio_engine::simulation::backtest::{BacktestSpec, backtest};
use studio_engine::simulation::{CalibrationSpec, DiffusionModel, Parameter, Simulation, Term, Variables};

#[test]
fn each_origin_is_scored_and_the_model_beats_the_last_value_on_its_own_kind_of_history() {
    let groups = vec![0u8; 5_000];
    let network = build_network(&groups, &NetworkSpec { degree: 8, rewiring: 0.1, homophily: 0.0 }, 2).unwrap();
    let sim = |model: DiffusionModel| Simulation {
        network: &network,
        groups: &groups,
        attributes: vec![],
        segments: vec![],
        model: model.into(),
        variables: Variables::default(),
        ticks: 49,
        initial_share: 0.01,
    };
    let history = sim(DiffusionModel::new(Term::constant(0.004), Term::constant(0.2))).run(31, 0).unwrap().adoption;
    let spec = BacktestSpec {
        origins: vec![20, 30, 40],
        horizon: 10,
        calibration: CalibrationSpec {
            parameters: vec![
                Parameter { path: "spontaneous.constant".into(), lower: 0.0, upper: 0.02 },
                Parameter { path: "influence.constant".into(), lower: 0.0, upper: 1.0 },
            ],
            replicates: 4,
            band_replicates: 60,
            max_evaluations: 40,
            seed: 3,
            holdout_share: 0.2,
        },
    };
    let start = DiffusionModel::new(Term::constant(0.01), Term::constant(0.5));
    let report = backtest(&sim(start.clone()), &history, &spec).unwrap();
    assert_eq!(report.origins.iter().map(|o| o.origin).collect::<Vec<_>>(), [20, 30, 40]);
    assert!(report.origins.iter().all(|o| o.scores.model.points == 10));
    let all = report.overall;
    assert_eq!((all.model.points, all.last_value.points, all.logistic.points), (30, 30, 30));
    for s in [all.model, all.last_value, all.logistic] {
        assert!(s.crps.is_finite() && s.interval_score.is_finite() && (0.0..=1.0).contains(&s.coverage_90), "{s:?}");
    }
    eprintln!("{all:?}");
    assert!(
        all.model.crps < all.last_value.crps,
        "the model {:?} against the last value {:?}",
        all.model,
        all.last_value
    );

    let bad = |origins: Vec<usize>, horizon: usize| {
        backtest(&sim(start.clone()), &history, &BacktestSpec { origins, horizon, ..spec.clone() })
            .unwrap_err()
            .to_string()
    };
    assert!(bad(vec![3], 5).contains("origin of 3 points is outside 5 to 49"));
    assert!(bad(vec![20], 0).contains("horizon must be at least 1"));
}
