//! The report's answer to the project's question, one sentence for its first page: the
//! probability that the outcome meets the target by the horizon, with its interval, the
//! scenario it assumes and the date it refers to. Said only when a run answers exactly that
//! question (its threshold is the task's target by the horizon's tick); otherwise the sentence
//! says why there is no answer yet.

use studio_model::{Comparison, Day, Ensemble, PredictionTask, TargetUnit};

use crate::input::{ReportInput, ScenarioResult};
use crate::narrative::pct;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "31 December 2031".
pub fn long_date(day: Day) -> String {
    format!("{} {} {}", day.day, MONTHS[(day.month as usize).saturating_sub(1).min(11)], day.year)
}

pub use studio_model::wilson;

fn verb(c: Comparison) -> &'static str {
    match c {
        Comparison::Above => "passes",
        Comparison::AtLeast => "reaches",
        Comparison::Below => "stays below",
        Comparison::AtMost => "is at most",
    }
}

/// The run that answers the task: the question's own scenario, else the first (the baseline).
fn answering(input: &ReportInput) -> Option<&ScenarioResult> {
    let own = input.question_scenario.as_deref();
    own.and_then(|id| input.scenarios.iter().find(|s| s.scenario_id == id)).or(input.scenarios.first())
}

/// Whether `e` was run for the task's target and horizon.
fn asks(e: &Ensemble, task: &PredictionTask, tick: u64) -> bool {
    let target_matches = match task.target.as_ref().map(|t| (&t.unit, t.value)) {
        Some((TargetUnit::Share, v)) => (e.threshold.share - v).abs() < 1e-9,
        // A multiple became a share when the task was confirmed: the tick must match.
        Some((TargetUnit::Factor, _)) => true,
        _ => false,
    };
    target_matches && e.threshold.tick == tick
}

/// The sentence, when the project has a question with a target and a horizon.
pub fn answer(input: &ReportInput) -> Option<String> {
    let task = input.task.as_ref()?;
    let (target, horizon, comparison) = (task.target.as_ref()?, task.horizon.as_ref()?, task.comparison?);
    let day = Day::parse(&horizon.date)?;
    let outcome = task.outcome.clone().unwrap_or_else(|| "the outcome".into());
    let target_text = match &target.unit {
        TargetUnit::Share => pct(target.value),
        TargetUnit::Factor => format!("{}× its starting value", target.value),
        TargetUnit::Count { noun } => format!("{} {noun}", target.value),
    };
    let when = match (&input.time_axis, horizon.ticks) {
        (Some(axis), Some(tick)) => format!("{} ({}, tick {tick})", long_date(day), axis.label(tick)),
        _ => long_date(day),
    };
    let scenario = answering(input)?;
    let e = &scenario.ensemble;
    let Some(tick) = horizon.ticks.filter(|t| asks(e, task, *t)) else {
        return Some(format!(
            "Whether {outcome} {} {target_text} by {when} is not answered yet: the runs were made for another threshold ({} by tick {}); confirm the question and run its scenario again.",
            verb(comparison),
            pct(e.threshold.share),
            e.threshold.tick
        ));
    };
    let reaches = e.threshold.probability;
    let p = match comparison {
        Comparison::Above | Comparison::AtLeast => reaches,
        Comparison::Below | Comparison::AtMost => 1.0 - reaches,
    };
    let (lo, hi) = wilson(p, e.replicates);
    let band = e
        .bands
        .get(tick as usize)
        .map(|b| format!("; the share then lies between {} and {} in 90% of runs", pct(b[0]), pct(b[4])));
    Some(format!(
        "Under the scenario “{}”, the chance that {outcome} {} {target_text} by {when} is {} (90% interval {}–{}, from {} runs){}.",
        scenario.name,
        verb(comparison),
        pct(p),
        pct(lo),
        pct(hi),
        e.replicates,
        band.unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wilson_interval_holds_its_proportion_and_stays_in_bounds() {
        let (lo, hi) = wilson(0.12, 100);
        assert!(lo < 0.12 && 0.12 < hi, "{lo} {hi}");
        assert!((lo - 0.0763).abs() < 0.0005 && (hi - 0.1837).abs() < 0.0005, "{lo} {hi}");
        assert_eq!(wilson(0.0, 50).0, 0.0);
        assert_eq!(wilson(1.0, 50).1, 1.0);
        assert_eq!(wilson(0.5, 0), (0.0, 1.0));
    }

    #[test]
    fn dates_are_said_in_words() {
        assert_eq!(long_date(Day { year: 2031, month: 12, day: 31 }), "31 December 2031");
    }
}
