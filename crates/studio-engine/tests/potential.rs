//! The market potential: adoption levels off at the share that can ever adopt, a model
//! without one runs exactly as before, and calibration fits it like any coefficient.

use studio_engine::network::{NetworkSpec, build_network};
use studio_engine::simulation::{
    CalibrationSpec, DiffusionModel, Model, Parameter, Simulation, Term, Variables, calibrate,
};

fn network(n: usize) -> (studio_engine::network::Csr, Vec<u8>) {
    let groups = vec![0u8; n];
    let network = build_network(&groups, &NetworkSpec { degree: 8, rewiring: 0.1, homophily: 0.0 }, 5).unwrap();
    (network, groups)
}

fn sim<'a>(
    network: &'a studio_engine::network::Csr,
    groups: &'a [u8],
    model: DiffusionModel,
    ticks: u32,
) -> Simulation<'a> {
    Simulation {
        network,
        groups,
        attributes: vec![],
        segments: vec![],
        model: model.into(),
        variables: Variables::default(),
        ticks,
        initial_share: 0.01,
    }
}

#[test]
fn adoption_levels_off_at_the_potential() {
    let (network, groups) = network(20_000);
    let model = DiffusionModel { potential: 0.35, ..DiffusionModel::new(Term::constant(0.01), Term::constant(0.5)) };
    let run = sim(&network, &groups, model, 120).run(3, 0).unwrap();
    let last = *run.adoption.last().unwrap();
    assert!(run.adoption.iter().all(|&s| s <= 0.35 + 1e-9), "never above the potential");
    assert!(last > 0.33, "it gets close to the potential: {last}");
    let everyone = sim(&network, &groups, DiffusionModel::new(Term::constant(0.01), Term::constant(0.5)), 120);
    assert!(*everyone.run(3, 0).unwrap().adoption.last().unwrap() > 0.9, "without one, nearly everyone adopts");
}

#[test]
fn a_model_without_a_potential_is_stored_and_run_as_before() {
    let stored = r#"{"kind":"diffusion","spontaneous":{"constant":0.01},"influence":{"constant":0.3}}"#;
    let model: Model = serde_json::from_str(stored).unwrap();
    let Model::Diffusion(m) = &model else { panic!("a diffusion model") };
    assert_eq!(m.potential, 1.0);
    assert!(!serde_json::to_string(&model).unwrap().contains("potential"), "not written when it is 1");
    let (network, groups) = network(5_000);
    let a = sim(&network, &groups, m.clone(), 30).run(1, 0).unwrap();
    let b =
        sim(&network, &groups, DiffusionModel::new(Term::constant(0.01), Term::constant(0.3)), 30).run(1, 0).unwrap();
    assert_eq!(a.digest, b.digest);
    for bad in [0.0, -0.1, 1.5, f64::NAN] {
        let model: Model = DiffusionModel { potential: bad, ..m.clone() }.into();
        let e = model.check().unwrap_err().to_string();
        assert!(e.contains("potential"), "{e}");
    }
}

#[test]
fn calibration_fits_the_potential() {
    let (network, groups) = network(10_000);
    let truth = DiffusionModel { potential: 0.3, ..DiffusionModel::new(Term::constant(0.004), Term::constant(0.25)) };
    let history = sim(&network, &groups, truth, 60).run(77, 0).unwrap().adoption;
    let start = DiffusionModel::new(Term::constant(0.01), Term::constant(0.4));
    let spec = CalibrationSpec {
        parameters: vec![
            Parameter { path: "spontaneous.constant".into(), lower: 0.0, upper: 0.02 },
            Parameter { path: "influence.constant".into(), lower: 0.0, upper: 1.0 },
            Parameter { path: "potential".into(), lower: 0.05, upper: 1.0 },
        ],
        replicates: 1,
        band_replicates: 50,
        max_evaluations: 1000,
        seed: 9,
        holdout_share: 0.2,
    };
    let report = calibrate(&sim(&network, &groups, start, 60), &history, &spec).unwrap();
    let m = report.fitted["potential"];
    let sd = report.posterior.sd()[2];
    eprintln!("potential {m} ± {sd}, {:?}, coverage {}", report.fitted, report.coverage_90);
    assert!((m - 0.3).abs() < 0.03, "the potential fitted is {m} ± {sd}, the truth 0.3");
    assert!(report.evaluations <= 1000);
}
