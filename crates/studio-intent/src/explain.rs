//! What each part was taken to mean, in a few words for the analyst.

use studio_model::{Change, Comparison, Day, Duration, Target, TargetUnit, TimeUnit};

/// A number without trailing zeros: 30, 0.25, 3000.
pub fn number(n: f64) -> String {
    let text = format!("{:.4}", n);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn comparison(c: Comparison) -> String {
    let words = match c {
        Comparison::Above => "passes",
        Comparison::AtLeast => "reaches",
        Comparison::Below => "stays below",
        Comparison::AtMost => "is at most",
    };
    format!("the outcome {words} the target ({})", c.symbol())
}

pub fn target(t: &Target) -> String {
    match &t.unit {
        TargetUnit::Share => format!("{}% of the population", number(t.value * 100.0)),
        TargetUnit::Count { noun } if noun.is_empty() => format!("a value of {}", number(t.value)),
        TargetUnit::Count { noun } => format!("{} {noun}", number(t.value)),
        TargetUnit::Factor => format!("{}× its value when the forecast starts", number(t.value)),
    }
}

fn unit_name(u: TimeUnit) -> &'static str {
    match u {
        TimeUnit::Days => "days",
        TimeUnit::Weeks => "weeks",
        TimeUnit::Months => "months",
        TimeUnit::Quarters => "quarters",
        TimeUnit::Years => "years",
    }
}

pub fn horizon(date: Day, within: Option<Duration>) -> String {
    match within {
        Some(d) => format!("up to {date} ({} {} from the day asked)", number(d.amount), unit_name(d.unit)),
        None => format!("up to {date}"),
    }
}

pub fn change(phrase: &str, c: &Change) -> String {
    let unit = |u: &Option<String>| u.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
    match c {
        Change::Relative { fraction } => {
            let sign = if *fraction < 0.0 { "−" } else { "+" };
            format!("{phrase} {sign}{}%", number(fraction.abs() * 100.0))
        }
        Change::Shift { amount, unit: u } => {
            let sign = if *amount < 0.0 { "−" } else { "+" };
            format!("{phrase} {sign}{}{}", number(amount.abs()), unit(u))
        }
        Change::SetTo { value, unit: Some(u) } if u == "%" => format!("{phrase} set to {}%", number(value * 100.0)),
        Change::SetTo { value, unit: u } => format!("{phrase} set to {}{}", number(*value), unit(u)),
    }
}
