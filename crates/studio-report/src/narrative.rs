//! Sentences from results. Every number in them is read from a result passed in: nothing is
//! estimated, rounded into a different claim or invented here.

use studio_model::{CalibrationFit, Ensemble, TimeAxis};

use crate::input::ScenarioResult;

/// 0.4213 → "42.1%"
pub fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A difference of shares in percentage points: 0.05 → "5.0 points".
pub fn points(diff: f64) -> String {
    format!("{:.1} point{}", diff.abs() * 100.0, if (diff.abs() * 1000.0).round() == 10.0 { "" } else { "s" })
}

/// "38.0%–46.3%"
pub fn interval(e: &Ensemble) -> String {
    format!("{}–{}", pct(e.last.p5), pct(e.last.p95))
}

/// A tick as the reader knows it: its period on the data's calendar, when there is one
/// ("2027Q4 (tick 40)"), else "tick 40".
pub fn when(axis: Option<&TimeAxis>, tick: u64) -> String {
    match axis {
        Some(a) => format!("{} (tick {tick})", a.label(tick)),
        None => format!("tick {tick}"),
    }
}

/// The headline of one scenario.
pub fn headline(s: &ScenarioResult, axis: Option<&TimeAxis>) -> String {
    let e = &s.ensemble;
    format!(
        "In {}, the predicted share at {} is {} (90% interval {} to {}), from {} replicate runs of {} agents.",
        s.name,
        when(axis, e.ticks),
        pct(e.last.mean),
        pct(e.last.p5),
        pct(e.last.p95),
        e.replicates,
        count(e.agents)
    )
}

/// The threshold's odds and when the median run crosses it.
pub fn threshold(s: &ScenarioResult, axis: Option<&TimeAxis>) -> String {
    let e = &s.ensemble;
    let odds = format!(
        "The chance of reaching {} by {} is {}",
        pct(e.threshold.share),
        when(axis, e.threshold.tick),
        pct(e.threshold.probability)
    );
    match e.median_crossing {
        Some(t) => format!("{odds}; the median run crosses it at {}.", when(axis, t)),
        None => format!("{odds}; the median run does not reach it within {} ticks.", e.ticks),
    }
}

/// Whether two runs' threshold odds answer the same question (same share, same tick), so
/// that they may be compared.
pub fn same_threshold(a: &Ensemble, b: &Ensemble) -> bool {
    (a.threshold.share - b.threshold.share).abs() <= 1e-12 && a.threshold.tick == b.threshold.tick
}

/// "42.1% of reaching 30.0% by 2027Q4 (tick 20)"
pub fn odds(e: &Ensemble, axis: Option<&TimeAxis>) -> String {
    format!(
        "{} of reaching {} by {}",
        pct(e.threshold.probability),
        pct(e.threshold.share),
        when(axis, e.threshold.tick)
    )
}

/// How `other` differs from `base` at the end.
pub fn difference(base: &ScenarioResult, other: &ScenarioResult) -> String {
    let (a, b) = (&base.ensemble.last, &other.ensemble.last);
    let diff = b.mean - a.mean;
    let direction = if diff > 0.0 {
        "above"
    } else if diff < 0.0 {
        "below"
    } else {
        "level with"
    };
    let overlap = if b.p5 <= a.p95 && a.p5 <= b.p95 {
        "their 90% intervals overlap, so the difference may not hold in every run"
    } else {
        "their 90% intervals do not overlap"
    };
    if diff == 0.0 {
        return format!("{} ends level with {} at {}.", other.name, base.name, pct(b.mean));
    }
    format!(
        "{} ends {} {} {} ({} against {}); {}.",
        other.name,
        points(diff),
        direction,
        base.name,
        pct(b.mean),
        pct(a.mean),
        overlap
    )
}

/// What a scenario changes, from its recorded variables against the baseline's.
pub fn changes(base: &Ensemble, other: &ScenarioResult) -> Vec<String> {
    let mut out: Vec<String> = other
        .ensemble
        .variables
        .initial
        .iter()
        .filter_map(|(name, value)| {
            let was = base.variables.initial.get(name);
            match was {
                Some(w) if (w - value).abs() <= 1e-12 => None,
                Some(w) => Some(format!("{name} {} instead of {}", number(*value), number(*w))),
                None => Some(format!("{name} {}", number(*value))),
            }
        })
        .collect();
    out.extend(other.shocks.iter().cloned());
    out
}

/// A variable's value as written: up to 4 significant decimals, no trailing zeros.
pub fn number(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Whether a fit is good enough to lean on.
pub fn calibration_is_good(c: &CalibrationFit) -> bool {
    c.coverage_90 >= 0.7 && c.holdout_mape <= 15.0
}

/// The quality of a fit in a sentence.
pub fn calibration(c: &CalibrationFit) -> String {
    let verdict = if calibration_is_good(c) { "a good fit" } else { "a weak fit: treat the forecast with caution" };
    format!(
        "Fitted to the history '{}' ({} points, {} more held out), the model's mean misses the held-out points by {} points (RMSE; mean absolute percentage error {}%), and {} of them fall inside its 90% band: {}.",
        c.series,
        c.fit_points,
        c.holdout_points,
        number(c.holdout_rmse * 100.0),
        number(c.holdout_mape),
        pct(c.coverage_90),
        verdict
    ) + &uncertainty(c).map(|u| format!(" {u}")).unwrap_or_default()
}

/// Which parts of the uncertainty a calibrated forecast's band holds, when the fit has a
/// posterior (fits made before it held only the runs' randomness).
pub fn uncertainty(c: &CalibrationFit) -> Option<String> {
    let draws = c.posterior.get("particles")?.as_array()?.len();
    let d = &c.discrepancy;
    let (rho, sigma, noise) = (d.get("rho")?.as_f64()?, d.get("sigma")?.as_f64()?, d.get("noise")?.as_f64()?);
    let absolute = d.get("noise_share").and_then(|v| v.as_f64()).unwrap_or(0.0);
    Some(format!(
        "Its bands hold four parts of the uncertainty: the coefficients' (a posterior of {draws} weighted draws by approximate Bayesian computation), the runs' own randomness, the model's discrepancy from the history beyond what a run's own randomness shows (on the logit scale, a drift whose trend persists from tick to tick with ρ = {}, steps of {}) and measurement noise ({} on the logit scale, plus {} of the share); each run starts where the history ends, conditioned on it by a particle filter.",
        number(rho),
        number(sigma),
        number(noise),
        number(absolute)
    ))
}

/// 10000 → "10,000"
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
