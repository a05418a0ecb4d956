//! The constructions a question is made of, each a parser over its tokens: the goal
//! (comparison and target), the horizon and the conditions. Each starts at a given token and
//! either takes the words it understands or takes nothing.

use studio_model::{Change, Comparison, Day, Duration, Target, TargetUnit, TimeUnit};
use winnow::Result;
use winnow::error::ContextError;
use winnow::prelude::*;
use winnow::stream::Stream;
use winnow::token::any;

use crate::lex::{Kind, Token};
use crate::words::{
    Toks, amount, any_of, fraction, longest, no, percent, phrase, signed_percent, singular, sym, token_where, value, w,
    year,
};

/// Words that end a phrase: they start another construction or join two.
pub const KEYWORDS: &[&str] = &[
    "by",
    "in",
    "within",
    "before",
    "until",
    "till",
    "through",
    "throughout",
    "during",
    "over",
    "if",
    "given",
    "assuming",
    "provided",
    "with",
    "without",
    "when",
    "should",
    "and",
    "or",
    "but",
    "than",
    "to",
    "at",
    "of",
    "will",
    "would",
    "is",
    "are",
    "be",
    "was",
    "were",
    "for",
    "from",
    "next",
    "this",
    "under",
    "after",
];

const COMPARISONS: &[(&str, Comparison)] = &[
    ("pass", Comparison::Above),
    ("passes", Comparison::Above),
    ("exceed", Comparison::Above),
    ("exceeds", Comparison::Above),
    ("surpass", Comparison::Above),
    ("surpasses", Comparison::Above),
    ("top", Comparison::Above),
    ("tops", Comparison::Above),
    ("break", Comparison::Above),
    ("cross", Comparison::Above),
    ("crosses", Comparison::Above),
    ("beat", Comparison::Above),
    ("go above", Comparison::Above),
    ("goes above", Comparison::Above),
    ("rise above", Comparison::Above),
    ("rises above", Comparison::Above),
    ("climb above", Comparison::Above),
    ("grow beyond", Comparison::Above),
    ("be above", Comparison::Above),
    ("be over", Comparison::Above),
    ("be more than", Comparison::Above),
    ("be higher than", Comparison::Above),
    ("be greater than", Comparison::Above),
    ("more than", Comparison::Above),
    ("greater than", Comparison::Above),
    ("higher than", Comparison::Above),
    ("over", Comparison::Above),
    ("above", Comparison::Above),
    ("reach", Comparison::AtLeast),
    ("reaches", Comparison::AtLeast),
    ("hit", Comparison::AtLeast),
    ("hits", Comparison::AtLeast),
    ("attain", Comparison::AtLeast),
    ("achieve", Comparison::AtLeast),
    ("get to", Comparison::AtLeast),
    ("rise to", Comparison::AtLeast),
    ("climb to", Comparison::AtLeast),
    ("grow to", Comparison::AtLeast),
    ("make it to", Comparison::AtLeast),
    ("be at least", Comparison::AtLeast),
    ("at least", Comparison::AtLeast),
    ("no less than", Comparison::AtLeast),
    ("stay below", Comparison::Below),
    ("stays below", Comparison::Below),
    ("remain below", Comparison::Below),
    ("remains below", Comparison::Below),
    ("stay under", Comparison::Below),
    ("remain under", Comparison::Below),
    ("fall below", Comparison::Below),
    ("falls below", Comparison::Below),
    ("drop below", Comparison::Below),
    ("drops below", Comparison::Below),
    ("fall under", Comparison::Below),
    ("be below", Comparison::Below),
    ("be under", Comparison::Below),
    ("be less than", Comparison::Below),
    ("be lower than", Comparison::Below),
    ("fail to reach", Comparison::Below),
    ("fall short of", Comparison::Below),
    ("less than", Comparison::Below),
    ("fewer than", Comparison::Below),
    ("lower than", Comparison::Below),
    ("below", Comparison::Below),
    ("under", Comparison::Below),
    ("at most", Comparison::AtMost),
    ("no more than", Comparison::AtMost),
    ("not exceed", Comparison::AtMost),
    ("not pass", Comparison::AtMost),
    ("not go above", Comparison::AtMost),
    ("stay at or below", Comparison::AtMost),
    ("stay within", Comparison::AtMost),
];

/// Growth said as a multiple: `double` → at least ×2.
const MULTIPLES: &[(&str, (Comparison, f64))] = &[
    ("double", (Comparison::AtLeast, 2.0)),
    ("doubles", (Comparison::AtLeast, 2.0)),
    ("more than double", (Comparison::Above, 2.0)),
    ("triple", (Comparison::AtLeast, 3.0)),
    ("triples", (Comparison::AtLeast, 3.0)),
    ("quadruple", (Comparison::AtLeast, 4.0)),
    ("halve", (Comparison::AtMost, 0.5)),
    ("halves", (Comparison::AtMost, 0.5)),
    ("fall by half", (Comparison::AtMost, 0.5)),
];

fn comparison_symbol(i: &mut Toks<'_>) -> Result<Comparison> {
    let t = any.parse_next(i)?;
    match t.kind {
        Kind::Symbol('>') => Ok(Comparison::Above),
        Kind::Symbol('≥') | Kind::Symbol('=') => Ok(Comparison::AtLeast),
        Kind::Symbol('<') => Ok(Comparison::Below),
        Kind::Symbol('≤') => Ok(Comparison::AtMost),
        _ => no(),
    }
}

/// Content words naming a thing (not a keyword, a number or a sign): 1 to `max` of them.
fn noun_words(i: &mut Toks<'_>, max: usize) -> Result<String> {
    let mut words = Vec::new();
    while words.len() < max {
        let start = i.checkpoint();
        match any::<_, ContextError>.parse_next(i) {
            Ok(t) if t.is_word() && !is_stop_word(&t.text) => words.push(t.text.clone()),
            _ => {
                i.reset(&start);
                break;
            }
        }
    }
    if words.is_empty() { no() } else { Ok(words.join(" ")) }
}

/// What the outcome is compared with: a share, or a count of things.
fn target(i: &mut Toks<'_>) -> Result<Target> {
    let start = i.checkpoint();
    if let Ok(share) = percent(i) {
        return Ok(Target { value: share, unit: TargetUnit::Share });
    }
    i.reset(&start);
    if let Ok(share) = fraction(i) {
        // "one in four households": the share's population, said after it.
        let after = i.checkpoint();
        if noun_words(i, 3).is_err() {
            i.reset(&after);
        }
        return Ok(Target { value: share, unit: TargetUnit::Share });
    }
    i.reset(&start);
    let n = amount(i)?;
    if n > 0.0 && n < 1.0 {
        return Ok(Target { value: n, unit: TargetUnit::Share });
    }
    let start = i.checkpoint();
    let noun = noun_words(i, 3).unwrap_or_else(|_| {
        i.reset(&start);
        String::new()
    });
    Ok(Target { value: n, unit: TargetUnit::Count { noun } })
}

/// `pass 30%`, `reach a third`, `> 30%`, `double`, `hit 1 million homes`: how the outcome is
/// compared, how many tokens said so, and the target.
pub fn goal(i: &mut Toks<'_>) -> Result<(usize, Comparison, Target)> {
    let start = i.checkpoint();
    let before = i.eof_offset();
    if let Ok((comparison, factor)) = longest(i, MULTIPLES) {
        let taken = before - i.eof_offset();
        return Ok((taken, comparison, Target { value: factor, unit: TargetUnit::Factor }));
    }
    i.reset(&start);
    let comparison = longest(i, COMPARISONS).or_else(|_| {
        i.reset(&start);
        comparison_symbol(i)
    })?;
    let taken = before - i.eof_offset();
    Ok((taken, comparison, target(i)?))
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(i: &mut Toks<'_>) -> Result<u32> {
    let t = any.parse_next(i)?;
    let text = t.text.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|m| text.len() >= 3 && m.starts_with(text))
        .map(|m| m as u32 + 1)
        .ok_or_else(ContextError::new)
}

/// A period of the calendar: its first and last day.
#[derive(Debug, Clone, Copy)]
struct Period {
    first: Day,
    last: Day,
}

fn year_period(y: i32) -> Period {
    Period { first: Day { year: y, month: 1, day: 1 }, last: Day { year: y, month: 12, day: 31 } }
}

fn quarter(i: &mut Toks<'_>) -> Result<u32> {
    w("q").parse_next(i)?;
    match any.parse_next(i)?.number() {
        Some(q) if [1.0, 2.0, 3.0, 4.0].contains(&q) => Ok(q as u32),
        _ => no(),
    }
}

/// `2031`, `March 2028`, `Q3 2029`, `2029 Q3`, `mid-2029`, `the end of 2030`, `the end of the
/// decade`, `2029-06`.
fn period(i: &mut Toks<'_>, today: Day) -> Result<Period> {
    let start = i.checkpoint();
    let _ = w("the").parse_next(i);
    let after_the = i.checkpoint();
    if phrase(i, "end of the decade").is_ok() || phrase(i, "decade's end").is_ok() || w("decade").parse_next(i).is_ok()
    {
        return Ok(year_period(today.year - today.year.rem_euclid(10) + 9));
    }
    i.reset(&after_the);
    if any_of(&["end", "close"]).parse_next(i).is_ok() && w("of").parse_next(i).is_ok() {
        let y = year(i)?;
        return Ok(year_period(y));
    }
    i.reset(&after_the);
    if w("mid").parse_next(i).is_ok() || w("middle").parse_next(i).is_ok() {
        let _ = sym('-').parse_next(i);
        let _ = w("of").parse_next(i);
        let y = year(i)?;
        return Ok(Period { first: Day { year: y, month: 1, day: 1 }, last: Day::end_of_month(y, 6) });
    }
    i.reset(&start);
    if let Ok(q) = quarter(i) {
        let y = year(i)?;
        return Ok(quarter_period(y, q));
    }
    i.reset(&start);
    if let Ok(m) = month(i) {
        let y = year(i)?;
        return Ok(Period { first: Day { year: y, month: m, day: 1 }, last: Day::end_of_month(y, m) });
    }
    i.reset(&start);
    let y = year(i)?;
    let after_year = i.checkpoint();
    if let Ok(q) = quarter(i) {
        return Ok(quarter_period(y, q));
    }
    i.reset(&after_year);
    if sym('-').parse_next(i).is_ok()
        && let Some(m) = any.parse_next(i)?.number()
        && (1.0..=12.0).contains(&m)
        && m.fract() == 0.0
    {
        let m = m as u32;
        return Ok(Period { first: Day { year: y, month: m, day: 1 }, last: Day::end_of_month(y, m) });
    }
    i.reset(&after_year);
    Ok(year_period(y))
}

fn quarter_period(y: i32, q: u32) -> Period {
    Period { first: Day { year: y, month: q * 3 - 2, day: 1 }, last: Day::end_of_month(y, q * 3) }
}

const TIME_UNITS: &[(&str, (TimeUnit, f64))] = &[
    ("day", (TimeUnit::Days, 1.0)),
    ("days", (TimeUnit::Days, 1.0)),
    ("week", (TimeUnit::Weeks, 1.0)),
    ("weeks", (TimeUnit::Weeks, 1.0)),
    ("month", (TimeUnit::Months, 1.0)),
    ("months", (TimeUnit::Months, 1.0)),
    ("quarter", (TimeUnit::Quarters, 1.0)),
    ("quarters", (TimeUnit::Quarters, 1.0)),
    ("year", (TimeUnit::Years, 1.0)),
    ("years", (TimeUnit::Years, 1.0)),
    ("yr", (TimeUnit::Years, 1.0)),
    ("yrs", (TimeUnit::Years, 1.0)),
    ("decade", (TimeUnit::Years, 10.0)),
    ("decades", (TimeUnit::Years, 10.0)),
];

fn time_unit(i: &mut Toks<'_>) -> Result<(TimeUnit, f64)> {
    let t = any.parse_next(i)?;
    let word = t.text.trim_end_matches("'s").trim_end_matches('\'');
    TIME_UNITS.iter().find(|(w, _)| *w == word).map(|(_, u)| *u).ok_or_else(ContextError::new)
}

/// `five years`, `18 months`, `a decade`, `a couple of years`, `half a year`, `18-month`.
fn duration(i: &mut Toks<'_>) -> Result<Duration> {
    let start = i.checkpoint();
    let n = if phrase(i, "a couple of").is_ok() {
        2.0
    } else if phrase(i, "half a").is_ok() {
        0.5
    } else if any_of(&["a", "an", "one"]).parse_next(i).is_ok() {
        1.0
    } else {
        i.reset(&start);
        let mut n = amount(i)?;
        let half = i.checkpoint();
        if phrase(i, "and a half").is_ok() {
            n += 0.5;
        } else {
            i.reset(&half);
        }
        let _ = sym('-').parse_next(i);
        n
    };
    let (unit, times) = time_unit(i)?;
    if !(n > 0.0 && n <= 1000.0) {
        return no();
    }
    Ok(Duration { amount: n * times, unit })
}

/// The day `d` after `today`: fractional lengths count in days (half a year = 182 days).
pub fn after(today: Day, d: Duration) -> Day {
    let months = match d.unit {
        TimeUnit::Months => Some(d.amount),
        TimeUnit::Quarters => Some(d.amount * 3.0),
        TimeUnit::Years => Some(d.amount * 12.0),
        TimeUnit::Days | TimeUnit::Weeks => None,
    };
    match months {
        Some(m) if m.fract() == 0.0 => today.add_months(m as i64),
        Some(m) => today.add_days((m * 30.4375).round() as i64),
        None => today.add_days((d.amount * if d.unit == TimeUnit::Weeks { 7.0 } else { 1.0 }).round() as i64),
    }
}

/// By when, as the last day counted and, for a relative horizon, its length.
pub fn horizon(i: &mut Toks<'_>, today: Day) -> Result<(Day, Option<Duration>)> {
    let start = i.checkpoint();
    // Relative: "in five years", "within the next 18 months", "over the coming decade".
    if any_of(&["in", "within", "over", "during", "for"]).parse_next(i).is_ok() {
        let _ = w("the").parse_next(i);
        let ahead = any_of(&["next", "coming", "following"]).parse_next(i).is_ok();
        let at = i.checkpoint();
        // "over the coming decade": one of the unit.
        let d = duration(i).or_else(|_| {
            i.reset(&at);
            match time_unit(i) {
                Ok((unit, times)) if ahead => Ok(Duration { amount: times, unit }),
                _ => no(),
            }
        });
        if let Ok(d) = d {
            let end = i.checkpoint();
            if !(phrase(i, "from now").is_ok() || w("time").parse_next(i).is_ok() || w("ahead").parse_next(i).is_ok()) {
                i.reset(&end);
            }
            return Ok((after(today, d), Some(d)));
        }
    }
    i.reset(&start);
    // "next year", "this year", "next decade"
    if let Ok(which) = any_of(&["next", "this"]).parse_next(i) {
        let (unit, _) = time_unit(i)?;
        let ahead = i32::from(which.is("next"));
        return match unit {
            TimeUnit::Years => {
                let y = today.year + ahead;
                Ok((Day::end_of_month(y, 12), None))
            }
            TimeUnit::Months => {
                let d = today.add_months(i64::from(ahead));
                Ok((Day::end_of_month(d.year, d.month), None))
            }
            _ => no(),
        };
    }
    i.reset(&start);
    // Absolute: "by 2031", "before Q3 2029", "by the end of 2030", "in 2030".
    const BY: &[(&str, bool)] = &[
        ("by", false),
        ("by the end of", false),
        ("by end of", false),
        ("at the end of", false),
        ("until", false),
        ("till", false),
        ("through", false),
        ("throughout", false),
        ("in", false),
        ("during", false),
        ("no later than", false),
        ("before", true),
        ("before the end of", false),
        ("ahead of", true),
    ];
    let strictly_before = longest(i, BY)?;
    let p = period(i, today)?;
    let last = if strictly_before { p.first.add_days(-1) } else { p.last };
    Ok((last, None))
}

const FALL: &[&str] = &[
    "fall",
    "falls",
    "fell",
    "drop",
    "drops",
    "dropped",
    "decrease",
    "decreases",
    "decreased",
    "decline",
    "declines",
    "shrink",
    "shrinks",
    "cut",
    "cuts",
    "reduced",
    "lowered",
    "slashed",
    "down",
];
const RISE: &[&str] = &[
    "rise",
    "rises",
    "rose",
    "increase",
    "increases",
    "increased",
    "grow",
    "grows",
    "climb",
    "climbs",
    "jump",
    "jumps",
    "raised",
    "hiked",
    "up",
    "go up",
    "goes up",
];
const FALL_NOUNS: &[&str] = &["cut", "drop", "fall", "decrease", "reduction", "decline", "discount"];
const RISE_NOUNS: &[&str] = &["rise", "increase", "hike", "jump", "growth"];

fn starts<T>(table: &[(&str, T)], word: &str) -> bool {
    table.iter().any(|(p, _)| p.split(' ').next() == Some(word))
}

/// Words that cannot be part of a name: keywords, changes, comparisons and multiples (any word
/// of their phrases but the last after "be": "pass", "stay", "more", "double"…), time units.
fn is_stop_word(word: &str) -> bool {
    KEYWORDS.contains(&word)
        || FALL.contains(&word)
        || RISE.contains(&word)
        || FALL_NOUNS.contains(&word)
        || RISE_NOUNS.contains(&word)
        || starts(COMPARISONS, word)
        || starts(MULTIPLES, word)
        || TIME_UNITS.iter().any(|(w, _)| *w == word)
}

/// A change verb: −1 for falling, +1 for rising; `go down` and `go up` too.
fn change_verb(i: &mut Toks<'_>) -> Result<f64> {
    let start = i.checkpoint();
    let _ = any_of(&["go", "goes", "went", "get", "gets", "got", "are", "is", "were", "was", "be"]).parse_next(i);
    let t = any.parse_next(i)?;
    if FALL.contains(&t.text.as_str()) {
        return Ok(-1.0);
    }
    if RISE.contains(&t.text.as_str()) {
        return Ok(1.0);
    }
    i.reset(&start);
    no()
}

/// The thing a condition changes, in the question's words: up to four content words after an
/// optional article.
fn subject(i: &mut Toks<'_>) -> Result<String> {
    let _ = any_of(&["the", "their", "its", "our"]).parse_next(i);
    noun_words(i, 4)
}

/// A change said of a subject, after it: `fall 20%`, `drop by a fifth`, `fall to 0.25 €`,
/// `rise by €0.05`, `double`, `-20%`, `20% lower`, `is €3,000`, `at 0.25 €/kWh`.
fn change_after(i: &mut Toks<'_>) -> Result<Change> {
    let start = i.checkpoint();
    if let Ok(sign) = change_verb(i) {
        let by = i.checkpoint();
        let _ = w("by").parse_next(i);
        let amount_start = i.checkpoint();
        if let Ok(p) = percent(i).or_else(|_| {
            i.reset(&amount_start);
            fraction(i)
        }) {
            return Ok(Change::Relative { fraction: sign * p });
        }
        i.reset(&by);
        if w("to").parse_next(i).is_ok() {
            let (value, unit) = value(i)?;
            return Ok(Change::SetTo { value, unit });
        }
        i.reset(&by);
        let _ = w("by").parse_next(i);
        let (n, unit) = value(i)?;
        return Ok(Change::Shift { amount: sign * n, unit });
    }
    i.reset(&start);
    if let Ok(f) = longest(
        i,
        &[
            ("double", 1.0),
            ("doubles", 1.0),
            ("triple", 2.0),
            ("triples", 2.0),
            ("halve", -0.5),
            ("halves", -0.5),
            ("are halved", -0.5),
            ("is halved", -0.5),
            ("are doubled", 1.0),
            ("is doubled", 1.0),
        ],
    ) {
        return Ok(Change::Relative { fraction: f });
    }
    i.reset(&start);
    if let Ok(p) = signed_percent(i) {
        return Ok(Change::Relative { fraction: p });
    }
    i.reset(&start);
    if let Ok(p) = percent(i) {
        let t = any.parse_next(i)?;
        let sign = match t.text.as_str() {
            "lower" | "cheaper" | "less" | "down" | "smaller" => -1.0,
            "higher" | "more" | "up" | "dearer" | "larger" | "bigger" => 1.0,
            _ => return no(),
        };
        return Ok(Change::Relative { fraction: sign * p });
    }
    i.reset(&start);
    let _ = any_of(&["is", "are", "stays", "stay", "remains", "remain", "of", "set", "fixed"]).parse_next(i);
    let _ = any_of(&["at", "to"]).parse_next(i);
    let _ = sym('=').parse_next(i);
    let at = i.checkpoint();
    if let Ok(p) = percent(i) {
        return Ok(Change::SetTo { value: p, unit: Some("%".into()) });
    }
    i.reset(&at);
    let (value, unit) = value(i)?;
    Ok(Change::SetTo { value, unit })
}

/// One condition: `electricity prices fall 20%`, `a 3,000 € subsidy`, `a 20% cut in electricity
/// prices`, `a 20% price cut`, `a subsidy of €3,000`, `no subsidy`.
fn clause(i: &mut Toks<'_>) -> Result<(String, Change)> {
    let start = i.checkpoint();
    if any_of(&["a", "an"]).parse_next(i).is_ok() {
        let after_a = i.checkpoint();
        // "a 20% cut in electricity prices"
        if let Ok(p) = percent(i) {
            let noun_start = i.checkpoint();
            if let Ok(sign) = change_noun(i)
                && any_of(&["in", "of", "to", "on"]).parse_next(i).is_ok()
            {
                let s = subject(i)?;
                return Ok((s, Change::Relative { fraction: sign * p }));
            }
            // "a 20% price cut"
            i.reset(&noun_start);
            let s = noun_words(i, 3)?;
            let sign = change_noun(i)?;
            return Ok((s, Change::Relative { fraction: sign * p }));
        }
        i.reset(&after_a);
        // "a 3,000 € subsidy"
        if let Ok((value, unit)) = value(i)
            && let Ok(s) = noun_words(i, 3)
        {
            return Ok((s, Change::SetTo { value, unit }));
        }
        // "a subsidy of €3,000"
        i.reset(&after_a);
        let s = noun_words(i, 3)?;
        w("of").parse_next(i)?;
        let (value, unit) = value(i)?;
        return Ok((s, Change::SetTo { value, unit }));
    }
    i.reset(&start);
    if w("no").parse_next(i).is_ok() {
        let s = noun_words(i, 3)?;
        return Ok((s, Change::SetTo { value: 0.0, unit: None }));
    }
    i.reset(&start);
    let s = subject(i)?;
    let change = change_after(i)?;
    Ok((s, change))
}

fn change_noun(i: &mut Toks<'_>) -> Result<f64> {
    let t = token_where(|t: &Token| t.is_word()).parse_next(i)?;
    if FALL_NOUNS.contains(&t.text.as_str()) {
        Ok(-1.0)
    } else if RISE_NOUNS.contains(&t.text.as_str()) {
        Ok(1.0)
    } else {
        no()
    }
}

const INTRODUCERS: &[(&str, bool)] = &[
    ("if", false),
    ("given", false),
    ("given that", false),
    ("assuming", false),
    ("assuming that", false),
    ("provided", false),
    ("provided that", false),
    ("with", false),
    ("when", false),
    ("should", false),
    ("in case", false),
    ("supposing", false),
    ("suppose", false),
    ("under", false),
    ("after", false),
    ("without", true),
];

/// `if electricity prices fall 20%`, `given a 3,000 € subsidy and a 10% price cut`, `without the
/// subsidy`: one or more conditions joined by `and`.
pub fn conditions(i: &mut Toks<'_>) -> Result<Vec<(String, Change)>> {
    let without = longest(i, INTRODUCERS)?;
    let mut out = Vec::new();
    loop {
        if without {
            out.push((subject(i)?, Change::SetTo { value: 0.0, unit: None }));
        } else {
            out.push(clause(i)?);
        }
        let start = i.checkpoint();
        let joined = (sym(',').void().parse_next(i).is_ok() && w("and").parse_next(i).is_ok()) || {
            i.reset(&start);
            w("and").parse_next(i).is_ok()
        };
        if !joined {
            i.reset(&start);
            return Ok(out);
        }
        let _ = longest(i, INTRODUCERS);
        let next = i.checkpoint();
        if clause(i).is_err() {
            // "and" starts something else: leave it.
            i.reset(&start);
            return Ok(out);
        }
        i.reset(&next);
    }
}

/// The word form of a phrase for matching variables: singular words.
pub fn phrase_words(phrase: &str) -> Vec<String> {
    phrase.split([' ', '_', '-']).filter(|w| !w.is_empty()).map(|w| singular(&w.to_lowercase())).collect()
}
