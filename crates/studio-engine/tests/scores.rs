//! The scores forecasts are judged by, checked against what they must give: the sample CRPS
//! against the normal's closed form, the interval score by hand, the baselines on known
//! histories.

use studio_engine::fastrng::Xoshiro;
use studio_engine::simulation::scores::{Tally, crps_normal, crps_sample, erf, interval_score, normal_cdf};

#[test]
fn the_error_function_matches_known_values() {
    for (x, want) in
        [(0.0, 0.0), (0.5, 0.520_499_877_8), (1.0, 0.842_700_792_9), (2.0, 0.995_322_265), (-1.0, -0.842_700_792_9)]
    {
        assert!((erf(x) - want).abs() < 2e-7, "erf({x}) = {} not {want}", erf(x));
    }
    assert!((normal_cdf(1.644_853_626_951_472_2) - 0.95).abs() < 1e-6);
}

#[test]
fn a_large_normal_sample_scores_as_the_normal_does() {
    let mut rng = Xoshiro::seeded(&[7, 0, 0]);
    // Box–Muller draws of N(0.3, 0.05²).
    let xs: Vec<f64> = (0..20_000)
        .map(|_| {
            let (u, v) = (rng.next_f64().max(1e-12), rng.next_f64());
            0.3 + 0.05 * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        })
        .collect();
    for y in [0.3, 0.33, 0.45, 0.1] {
        let (sample, exact) = (crps_sample(&xs, y), crps_normal(0.3, 0.05, y));
        assert!((sample - exact).abs() / exact < 0.02, "y {y}: sample {sample}, closed form {exact}");
    }
    assert_eq!(crps_sample(&[0.2], 0.5), 0.3, "a point forecast scores its absolute error");
    assert!((crps_normal(0.2, 0.0, 0.5) - 0.3).abs() < 1e-12);
}

#[test]
fn the_interval_score_is_width_plus_the_misses_weighed() {
    assert_eq!(interval_score(0.2, 0.4, 0.3, 0.1), 0.2);
    assert!((interval_score(0.2, 0.4, 0.5, 0.1) - (0.2 + 20.0 * 0.1)).abs() < 1e-12);
    assert!((interval_score(0.2, 0.4, 0.15, 0.1) - (0.2 + 20.0 * 0.05)).abs() < 1e-12);
    let mut tally = Tally::default();
    tally.add(0.01, 0.2, 0.4, 0.3);
    tally.add(0.03, 0.2, 0.4, 0.5);
    let s = tally.scores();
    assert_eq!((s.points, s.coverage_90), (2, 0.5));
    assert!((s.crps - 0.02).abs() < 1e-12);
}
