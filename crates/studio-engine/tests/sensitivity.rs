//! Global sensitivity checked against functions whose answers are known: Sobol indices of the
//! Ishigami function (analytic), Morris measures of a function with a linear, a curved and an
//! inert input.

use std::f64::consts::PI;

use studio_engine::simulation::sensitivity::{Factor, MorrisDesign, SobolDesign, morris, sobol};

fn factors(names: &[&str], lower: f64, upper: f64) -> Vec<Factor> {
    names.iter().map(|n| Factor { name: n.to_string(), lower, upper }).collect()
}

#[test]
fn sobol_indices_of_the_ishigami_function_are_its_analytic_ones() {
    let (a, b) = (7.0, 0.1);
    let ishigami = |x: &[f64]| x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin();
    // Analytic: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2; V1 = bπ⁴/5 + b²π⁸/50 + 1/2; V2 = a²/8;
    // VT3 = 8b²π⁸/225.
    let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
    let v1 = b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 50.0 + 0.5;
    let v2 = a * a / 8.0;
    let vt3 = 8.0 * b * b * PI.powi(8) / 225.0;
    let expected = [(v1 / v, (v1 + vt3) / v), (v2 / v, v2 / v), (0.0, vt3 / v)];
    let indices = sobol(&ishigami, &factors(&["x1", "x2", "x3"], -PI, PI), 40_000, 1);
    for (s, (first, total)) in indices.iter().zip(expected) {
        assert!((s.first - first).abs() < 0.03, "{}: first order {} against {first}", s.name, s.first);
        assert!((s.total - total).abs() < 0.03, "{}: total {} against {total}", s.name, s.total);
    }
}

#[test]
fn morris_tells_linear_curved_and_inert_inputs_apart() {
    let f = |x: &[f64]| 3.0 * x[0] + x[1] * x[1];
    let m = morris(&f, &factors(&["linear", "curved", "inert"], 0.0, 1.0), 50, 4, 2);
    assert!((m[0].mu_star - 3.0).abs() < 1e-9 && m[0].sigma < 1e-9, "{:?}", m[0]);
    assert!(m[1].mu_star > 0.5 && m[1].sigma > 0.1, "a curved input's effects vary: {:?}", m[1]);
    assert!(m[2].mu_star == 0.0 && m[2].sigma == 0.0, "{:?}", m[2]);
    // Seeded: the same draws give the same measures.
    assert_eq!(m, morris(&f, &factors(&["linear", "curved", "inert"], 0.0, 1.0), 50, 4, 2));
}

#[test]
fn sobol_intervals_hold_the_estimates_and_a_flat_output_explains_nothing() {
    let f = |x: &[f64]| 2.0 * x[0] + x[1];
    let design = SobolDesign::new(&factors(&["a", "b"], 0.0, 1.0), 2_000, 3);
    assert_eq!(design.points().len(), 2_000 * 4);
    let outputs: Vec<f64> = design.points().iter().map(|x| f(x)).collect();
    let indices = design.analyse(&outputs);
    // Additive: first = total = 4/5 and 1/5.
    for (s, share) in indices.iter().zip([0.8, 0.2]) {
        assert!((s.first - share).abs() < 0.05 && (s.total - share).abs() < 0.05, "{s:?}");
        assert!(s.first_interval[0] <= s.first && s.first <= s.first_interval[1], "{s:?}");
        assert!(s.total_interval[0] <= s.total && s.total <= s.total_interval[1], "{s:?}");
        assert!(s.first_interval[1] - s.first_interval[0] < 0.2, "{s:?}");
    }
    let flat = design.analyse(&vec![0.25; outputs.len()]);
    assert!(flat.iter().all(|s| s.first == 0.0 && s.total == 0.0), "{flat:?}");
}

#[test]
fn a_morris_design_is_its_trajectories_one_factor_a_step() {
    let design = MorrisDesign::new(&factors(&["a", "b", "c"], 10.0, 20.0), 5, 4, 7);
    let points = design.points();
    assert_eq!(points.len(), 5 * 4);
    for trajectory in points.chunks(4) {
        for pair in trajectory.windows(2) {
            let moved = pair[0].iter().zip(&pair[1]).filter(|(x, y)| x != y).count();
            assert_eq!(moved, 1, "each step moves one factor: {pair:?}");
        }
        assert!(trajectory.iter().flatten().all(|v| (10.0..=20.0).contains(v)), "{trajectory:?}");
    }
}
