//! Global sensitivity checked against functions whose answers are known: Sobol indices of the
//! Ishigami function (analytic), Morris measures of a function with a linear, a curved and an
//! inert input.

use std::f64::consts::PI;

use studio_engine::simulation::sensitivity::{Factor, morris, sobol};

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
