//! A report sent on a schedule: how often, to whom, and who set it.
//!
//! `report/schedule {frequency, recipients}` keeps one schedule per project. The frequency is
//! written the way people say it (`daily`, `weekly`, `every 2 hours`); `off` stops it.

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Most recipients one schedule mails.
pub const MAX_RECIPIENTS: usize = 50;
/// Shortest interval between two scheduled reports, in minutes.
pub const MIN_INTERVAL_MINUTES: u32 = 5;
/// Longest interval, in minutes (a year).
const MAX_INTERVAL_MINUTES: u32 = 366 * 24 * 60;

/// The project's schedule, under the key `report` of the `schedules` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportSchedule {
    /// As written back to people: `hourly`, `daily`, `weekly`, `monthly`, `every 30 minutes`.
    pub frequency: String,
    pub recipients: Vec<String>,
    /// Whose rights the scheduled report is generated with.
    pub set_by: String,
    /// When the schedule was set: the first report is one interval later, the next ones on
    /// the same beat.
    pub set_at: String,
}

/// How far apart two reports are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Minutes(u32),
    /// Calendar months (the same day of the month, or its last day).
    Months(u32),
}

/// A parsed frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frequency(pub Step);

impl Frequency {
    /// Parses `hourly | daily | weekly | monthly` or `every N minutes|hours|days|weeks|months`
    /// (also `every hour`, `every 15m`, `every 2h`, `every 3d`, `every 2w`). `Ok(None)` is
    /// `off`, `none` or `never`.
    pub fn parse(text: &str) -> Result<Option<Frequency>, ModelError> {
        let t = text.trim().to_lowercase();
        let step = match t.as_str() {
            "off" | "none" | "never" => return Ok(None),
            "hourly" => Step::Minutes(60),
            "daily" => Step::Minutes(24 * 60),
            "weekly" => Step::Minutes(7 * 24 * 60),
            "monthly" => Step::Months(1),
            _ => match t.strip_prefix("every ") {
                Some(rest) => every(rest.trim()).ok_or_else(|| bad_frequency(text))?,
                None => return Err(bad_frequency(text)),
            },
        };
        match step {
            Step::Minutes(m) if m < MIN_INTERVAL_MINUTES => Err(ModelError::invalid(format!(
                "schedule.frequency '{text}' is too often: a report may be sent every {MIN_INTERVAL_MINUTES} minutes at most"
            ))),
            Step::Minutes(m) if m > MAX_INTERVAL_MINUTES => {
                Err(ModelError::invalid(format!("schedule.frequency '{text}' is longer than a year")))
            }
            Step::Months(m) if m > 12 => {
                Err(ModelError::invalid(format!("schedule.frequency '{text}' is longer than a year")))
            }
            _ => Ok(Some(Frequency(step))),
        }
    }

    /// The frequency as people say it.
    pub fn name(self) -> String {
        let plural = |n: u32, unit: &str| if n == 1 { format!("every {unit}") } else { format!("every {n} {unit}s") };
        match self.0 {
            Step::Minutes(60) => "hourly".into(),
            Step::Minutes(1440) => "daily".into(),
            Step::Minutes(10080) => "weekly".into(),
            Step::Months(1) => "monthly".into(),
            Step::Months(n) => plural(n, "month"),
            Step::Minutes(m) if m % 10080 == 0 => plural(m / 10080, "week"),
            Step::Minutes(m) if m % 1440 == 0 => plural(m / 1440, "day"),
            Step::Minutes(m) if m % 60 == 0 => plural(m / 60, "hour"),
            Step::Minutes(m) => plural(m, "minute"),
        }
    }
}

fn bad_frequency(text: &str) -> ModelError {
    ModelError::invalid(format!(
        "schedule.frequency '{text}' is not understood: use hourly, daily, weekly, monthly, \
         'every N minutes|hours|days|weeks|months', or off"
    ))
}

/// `N unit`, `unit` or `Nu` after `every `.
fn every(rest: &str) -> Option<Step> {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let unit = rest[digits.len()..].trim();
    let n: u32 = if digits.is_empty() { 1 } else { digits.parse().ok()? };
    if n == 0 {
        return None;
    }
    let minutes = |per: u32| n.checked_mul(per).map(Step::Minutes);
    match unit {
        "m" | "min" | "mins" | "minute" | "minutes" => minutes(1),
        "h" | "hr" | "hrs" | "hour" | "hours" => minutes(60),
        "d" | "day" | "days" => minutes(24 * 60),
        "w" | "week" | "weeks" => minutes(7 * 24 * 60),
        "month" | "months" => Some(Step::Months(n)),
        _ => None,
    }
}

/// Checks and tidies recipients: plain addresses (`name@example.org`), each once, at least
/// one and at most [`MAX_RECIPIENTS`].
pub fn check_recipients(recipients: &[String]) -> Result<Vec<String>, ModelError> {
    if recipients.is_empty() {
        return Err(ModelError::invalid(
            "schedule.recipients is empty: name at least one address (or set the frequency to off)",
        ));
    }
    if recipients.len() > MAX_RECIPIENTS {
        return Err(ModelError::Limit(format!(
            "schedule.recipients has {} addresses; a schedule may mail at most {MAX_RECIPIENTS}",
            recipients.len()
        )));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, r) in recipients.iter().enumerate() {
        let address = r.trim();
        if !is_address(address) {
            return Err(ModelError::invalid(format!(
                "schedule.recipients[{i}] '{r}' is not an email address (expected name@example.org)"
            )));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(address)) {
            out.push(address.to_string());
        }
    }
    Ok(out)
}

/// A plain address: one `@`, a local part and a dotted domain, nothing a header could
/// misread.
fn is_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else { return false };
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"@".contains(c);
    a.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !local.contains(forbidden)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_read_as_people_write_them() {
        let name = |t: &str| Frequency::parse(t).unwrap().map(Frequency::name);
        assert_eq!(name("Daily").as_deref(), Some("daily"));
        assert_eq!(name(" weekly ").as_deref(), Some("weekly"));
        assert_eq!(name("every hour").as_deref(), Some("hourly"));
        assert_eq!(name("every 24 hours").as_deref(), Some("daily"));
        assert_eq!(name("every 15m").as_deref(), Some("every 15 minutes"));
        assert_eq!(name("every 90 minutes").as_deref(), Some("every 90 minutes"));
        assert_eq!(name("every 2 weeks").as_deref(), Some("every 2 weeks"));
        assert_eq!(name("every 3 months").as_deref(), Some("every 3 months"));
        assert_eq!(name("every 3d").as_deref(), Some("every 3 days"));
        assert_eq!(name("off"), None);
        assert_eq!(Frequency::parse("monthly").unwrap(), Some(Frequency(Step::Months(1))));
    }

    #[test]
    fn bad_frequencies_say_what_is_accepted() {
        for bad in ["sometimes", "every", "every 0 days", "every 2 fortnights", "every -1 days", ""] {
            let e = Frequency::parse(bad).unwrap_err().to_string();
            assert!(e.contains("not understood"), "{bad}: {e}");
        }
        assert!(Frequency::parse("every 1 minute").unwrap_err().to_string().contains("too often"));
        assert!(Frequency::parse("every 400 days").unwrap_err().to_string().contains("longer than a year"));
        assert!(Frequency::parse("every 13 months").unwrap_err().to_string().contains("longer than a year"));
        assert!(Frequency::parse("every 99999999999 days").is_err());
    }

    #[test]
    fn recipients_are_checked_and_kept_once() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_recipients(&list(&[" ana@example.org", "Ana@Example.org", "bo.li@sub.example.co.uk"])).unwrap(),
            list(&["ana@example.org", "bo.li@sub.example.co.uk"])
        );
        for bad in ["ana", "ana@localhost", "Ana <ana@example.org>", "a b@example.org", "ana@ex..org", "@example.org"] {
            let e = check_recipients(&list(&[bad])).unwrap_err().to_string();
            assert!(e.contains("recipients[0]") && e.contains("not an email address"), "{bad}: {e}");
        }
        assert!(check_recipients(&[]).unwrap_err().to_string().contains("at least one"));
        let many: Vec<String> = (0..51).map(|i| format!("p{i}@example.org")).collect();
        assert!(matches!(check_recipients(&many), Err(ModelError::Limit(_))));
    }
}
