//! Ticks as dates: a time series' labels (`2018Q1`, `2018-03`, `2018-03-31`, `2018`, `2018-W05`)
//! say when its first point is and how long a tick lasts; tick 0 is the first label's period.

use serde::{Deserialize, Serialize};

/// How long one tick lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeStep {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Day> {
        (1..=12).contains(&month).then_some(())?;
        (1..=days_in_month(year, month)).contains(&day).then_some(Day { year, month, day })
    }

    /// `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Day::new(year, month, day)
    }

    /// The last day of `month` in `year`.
    pub fn end_of_month(year: i32, month: u32) -> Day {
        Day { year, month, day: days_in_month(year, month) }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn ordinal(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_ordinal(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }

    pub fn add_days(self, days: i64) -> Day {
        Day::from_ordinal(self.ordinal() + days)
    }

    /// `months` later (or earlier), the day kept or, past the month's end, its last day.
    pub fn add_months(self, months: i64) -> Day {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = index.div_euclid(12) as i32;
        let month = index.rem_euclid(12) as u32 + 1;
        Day { year, month, day: self.day.min(days_in_month(year, month)) }
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// When tick 0 starts and how long a tick lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimeAxis {
    /// The first day of tick 0's period, `YYYY-MM-DD`.
    #[schemars(with = "String")]
    #[serde(with = "day_text")]
    pub start: Day,
    pub step: TimeStep,
}

mod day_text {
    use super::Day;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(day)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let text = String::deserialize(d)?;
        Day::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a YYYY-MM-DD date")))
    }
}

/// One label read: the first day of its period and the step its form implies (a date alone
/// implies none: the step comes from the gap to the next label).
fn read_label(label: &str) -> Option<(Day, Option<TimeStep>)> {
    let label = label.trim();
    let upper = label.to_ascii_uppercase();
    // 2018Q1, 2018-Q1, 2018 Q1
    if let Some((year, quarter)) = upper.split_once('Q') {
        let year: i32 = year.trim_end_matches(['-', ' ']).parse().ok()?;
        let quarter: u32 = quarter.parse().ok()?;
        (1..=4).contains(&quarter).then_some(())?;
        return Some((Day::new(year, quarter * 3 - 2, 1)?, Some(TimeStep::Quarter)));
    }
    // 2018-W05: the Monday of ISO week 5.
    if let Some((year, week)) = upper.split_once("-W") {
        let year: i32 = year.parse().ok()?;
        let week: i64 = week.parse().ok()?;
        (1..=53).contains(&week).then_some(())?;
        let jan4 = Day::new(year, 1, 4)?;
        let weekday = (jan4.ordinal() + 3).rem_euclid(7); // 0 = Monday
        return Some((jan4.add_days(-weekday + (week - 1) * 7), Some(TimeStep::Week)));
    }
    let parts: Vec<&str> = label.split(['-', '/']).collect();
    match parts.as_slice() {
        [year] if year.len() == 4 => Some((Day::new(year.parse().ok()?, 1, 1)?, Some(TimeStep::Year))),
        [year, month] if year.len() == 4 => {
            Some((Day::new(year.parse().ok()?, month.parse().ok()?, 1)?, Some(TimeStep::Month)))
        }
        [year, month, day] if year.len() == 4 => {
            Some((Day::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?, None))
        }
        _ => None,
    }
}

impl TimeAxis {
    /// The axis a series' labels describe: every label read, in order, one step apart; `None`
    /// when they are not dates, or not evenly spaced.
    pub fn from_labels<S: AsRef<str>>(labels: &[S]) -> Option<TimeAxis> {
        let read: Vec<(Day, Option<TimeStep>)> =
            labels.iter().map(|l| read_label(l.as_ref())).collect::<Option<_>>()?;
        let (first, implied) = *read.first()?;
        let step = match implied {
            Some(step) => step,
            None => {
                // Dates: the gap between the first two says the step.
                let second = read.get(1)?.0;
                match second.ordinal() - first.ordinal() {
                    1 => TimeStep::Day,
                    7 => TimeStep::Week,
                    28..=31 => TimeStep::Month,
                    89..=92 => TimeStep::Quarter,
                    365 | 366 => TimeStep::Year,
                    _ => return None,
                }
            }
        };
        // A date stands for the month, quarter or year that holds it (month ends are common).
        let start = match (implied, step) {
            (Some(_), _) | (None, TimeStep::Day | TimeStep::Week) => first,
            (None, TimeStep::Month) => Day { day: 1, ..first },
            (None, TimeStep::Quarter) => Day { month: (first.month - 1) / 3 * 3 + 1, day: 1, ..first },
            (None, TimeStep::Year) => Day { month: 1, day: 1, ..first },
        };
        let axis = TimeAxis { start, step };
        let evenly = read.iter().enumerate().all(|(i, (day, _))| axis.tick_of(*day) == Some(i as u64));
        evenly.then_some(axis)
    }

    /// The first day of `tick`'s period.
    pub fn period_start(&self, tick: u64) -> Day {
        let t = tick as i64;
        match self.step {
            TimeStep::Day => self.start.add_days(t),
            TimeStep::Week => self.start.add_days(7 * t),
            TimeStep::Month => self.start.add_months(t),
            TimeStep::Quarter => self.start.add_months(3 * t),
            TimeStep::Year => self.start.add_months(12 * t),
        }
    }

    /// The last day of `tick`'s period.
    pub fn period_end(&self, tick: u64) -> Day {
        self.period_start(tick + 1).add_days(-1)
    }

    /// The tick whose period holds `day`; `None` before tick 0.
    pub fn tick_of(&self, day: Day) -> Option<u64> {
        let months = |d: Day| i64::from(d.year) * 12 + i64::from(d.month) - 1;
        let start = self.start;
        let ticks = match self.step {
            TimeStep::Day => day.ordinal() - start.ordinal(),
            TimeStep::Week => (day.ordinal() - start.ordinal()).div_euclid(7),
            TimeStep::Month => months(day) - months(start) - i64::from(day.day < start.day),
            TimeStep::Quarter => (months(day) - months(start) - i64::from(day.day < start.day)).div_euclid(3),
            TimeStep::Year => (months(day) - months(start) - i64::from(day.day < start.day)).div_euclid(12),
        };
        u64::try_from(ticks).ok()
    }

    /// A tick's period named as people name it: `2019 Q2`, `Mar 2019`, `2019`, `2019-03-31`.
    pub fn label(&self, tick: u64) -> String {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let day = self.period_start(tick);
        match self.step {
            TimeStep::Year => format!("{}", day.year),
            TimeStep::Quarter => format!("{} Q{}", day.year, (day.month - 1) / 3 + 1),
            TimeStep::Month => format!("{} {}", MONTHS[(day.month - 1) as usize], day.year),
            TimeStep::Day | TimeStep::Week => day.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_months_years_and_dates_are_read() {
        let q = TimeAxis::from_labels(&["2018Q1", "2018Q2", "2018Q3"]).unwrap();
        assert_eq!((q.start, q.step), (Day::new(2018, 1, 1).unwrap(), TimeStep::Quarter));
        assert_eq!(q.period_end(55).to_string(), "2031-12-31");
        assert_eq!(q.tick_of(Day::new(2031, 12, 31).unwrap()), Some(55));
        assert_eq!(q.label(5), "2019 Q2");
        let m = TimeAxis::from_labels(&["2020-11", "2020-12", "2021-01"]).unwrap();
        assert_eq!((m.step, m.label(2)), (TimeStep::Month, "Jan 2021".to_string()));
        let y = TimeAxis::from_labels(&["2015", "2016"]).unwrap();
        assert_eq!(y.tick_of(Day::new(2030, 6, 1).unwrap()), Some(15));
        let ends = TimeAxis::from_labels(&["2021-01-31", "2021-02-28", "2021-03-31", "2021-04-30"]).unwrap();
        assert_eq!(ends.step, TimeStep::Month);
        let days = TimeAxis::from_labels(&["2024-02-28", "2024-02-29", "2024-03-01"]).unwrap();
        assert_eq!(days.step, TimeStep::Day);
        let weeks = TimeAxis::from_labels(&["2021-W01", "2021-W02"]).unwrap();
        assert_eq!(weeks.start.to_string(), "2021-01-04");
    }

    #[test]
    fn what_is_not_an_even_calendar_is_no_axis() {
        assert!(TimeAxis::from_labels(&["t1", "t2"]).is_none());
        assert!(TimeAxis::from_labels(&["2018Q1", "2018Q3"]).is_none());
        assert!(TimeAxis::from_labels(&["2018-02-30"]).is_none());
        assert!(TimeAxis::from_labels::<&str>(&[]).is_none());
        assert_eq!(TimeAxis::from_labels(&["2018Q1"]).unwrap().tick_of(Day::new(2017, 12, 31).unwrap()), None);
    }

    #[test]
    fn days_round_trip_through_ordinals() {
        for ordinal in [-800_000, -1, 0, 59, 11_016, 20_000, 700_000] {
            assert_eq!(Day::from_ordinal(ordinal).ordinal(), ordinal);
        }
        assert_eq!(Day::new(1970, 1, 1).unwrap().ordinal(), 0);
        assert_eq!(Day::new(2024, 1, 31).unwrap().add_months(1).to_string(), "2024-02-29");
    }
}
