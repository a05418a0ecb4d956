//! Small parsers shared by the grammar: one word, a fixed phrase, the longest entry of a table,
//! numbers in digits or words, shares and money.

use winnow::Result;
use winnow::error::ContextError;
use winnow::prelude::*;
use winnow::stream::{Stream, TokenSlice};
use winnow::token::{any, one_of};

use crate::lex::{Kind, Token};

pub type Toks<'i> = TokenSlice<'i, Token>;

/// Fails without consuming: the grammar's way to say "not this".
pub fn no<T>() -> Result<T> {
    Err(ContextError::new())
}

/// One token that `f` accepts.
pub fn token_where<'i>(f: impl Fn(&Token) -> bool) -> impl Parser<Toks<'i>, &'i Token, ContextError> {
    one_of(move |t: &'i Token| f(t))
}

/// One given word.
pub fn w<'i>(word: &'static str) -> impl Parser<Toks<'i>, &'i Token, ContextError> {
    one_of(move |t: &'i Token| t.is(word))
}

/// One of the given words.
pub fn any_of<'i>(words: &'static [&'static str]) -> impl Parser<Toks<'i>, &'i Token, ContextError> {
    one_of(move |t: &'i Token| t.is_word() && words.contains(&t.text.as_str()))
}

/// A symbol.
pub fn sym<'i>(c: char) -> impl Parser<Toks<'i>, &'i Token, ContextError> {
    one_of(move |t: &'i Token| t.is_symbol(c))
}

/// A fixed phrase of words separated by spaces ("by the end of").
/// Takes nothing when it does not match.
pub fn phrase(i: &mut Toks<'_>, words: &str) -> Result<()> {
    let start = i.checkpoint();
    for word in words.split(' ') {
        match any::<_, ContextError>.parse_next(i) {
            Ok(t) if t.is_word() && t.text == word => {}
            _ => {
                i.reset(&start);
                return no();
            }
        }
    }
    Ok(())
}

/// The value of the table's entry whose phrase matches the most words here.
pub fn longest<T: Copy>(i: &mut Toks<'_>, table: &[(&str, T)]) -> Result<T> {
    let start = i.checkpoint();
    let mut best: Option<(usize, T)> = None;
    for (words, value) in table {
        if phrase(i, words).is_ok() {
            let taken = words.split(' ').count();
            if best.is_none_or(|(n, _)| taken > n) {
                best = Some((taken, *value));
            }
        }
        i.reset(&start);
    }
    let (taken, value) = best.ok_or_else(ContextError::new)?;
    for _ in 0..taken {
        any.parse_next(i)?;
    }
    Ok(value)
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// A number below 100 in one word: `seven`, `forty`, `twenty-five`.
fn small_word(word: &str) -> Option<f64> {
    if let Some(n) = UNITS.iter().position(|u| *u == word) {
        return Some(n as f64);
    }
    let (tens, unit) = word.split_once('-').unwrap_or((word, ""));
    let t = TENS.iter().position(|x| *x == tens)? as f64 * 10.0 + 20.0;
    if unit.is_empty() {
        return Some(t);
    }
    let u = UNITS[1..10].iter().position(|x| *x == unit)? as f64 + 1.0;
    Some(t + u)
}

fn scale_word(t: &Token) -> Option<f64> {
    match t.text.as_str() {
        "hundred" => Some(100.0),
        "thousand" => Some(1e3),
        "million" | "millions" => Some(1e6),
        "billion" | "billions" => Some(1e9),
        _ => None,
    }
}

/// A number in digits (`3,000`, `2.5m`) or words (`eighteen`, `twenty-five`, `a hundred`,
/// `two million`, `a dozen`), with a scale word after digits (`1.5 million`).
pub fn amount(i: &mut Toks<'_>) -> Result<f64> {
    let first = any.parse_next(i)?;
    let mut value = match (&first.kind, first.text.as_str()) {
        (Kind::Number(n), _) => *n,
        (Kind::Word, "a" | "an") => {
            // Only as "a hundred", "a thousand", "a million", "a dozen".
            let next = token_where(|t: &Token| scale_word(t).is_some() || t.is("dozen")).parse_next(i)?;
            return Ok(if next.is("dozen") { 12.0 } else { scale_word(next).unwrap_or(1.0) });
        }
        (Kind::Word, "dozen") => 12.0,
        (Kind::Word, word) => small_word(word).ok_or_else(ContextError::new)?,
        _ => return no(),
    };
    // "two hundred thousand": scales multiply in turn.
    loop {
        let start = i.checkpoint();
        match any::<_, ContextError>.parse_next(i).ok().and_then(scale_word) {
            Some(scale) => value *= scale,
            None => {
                i.reset(&start);
                return Ok(value);
            }
        }
    }
}

/// A whole number read as a year, 1900 to 2200.
pub fn year(i: &mut Toks<'_>) -> Result<i32> {
    let t = any.parse_next(i)?;
    match t.number() {
        Some(n) if n.fract() == 0.0 && (1900.0..=2200.0).contains(&n) && !t.text.contains(',') => Ok(n as i32),
        _ => no(),
    }
}

/// Fractions said in words, as shares: `a third`, `two thirds`, `half`, `a quarter`,
/// `one in four`, `3 out of 10`.
pub fn fraction(i: &mut Toks<'_>) -> Result<f64> {
    let start = i.checkpoint();
    if w("half").parse_next(i).is_ok() {
        return Ok(0.5);
    }
    i.reset(&start);
    // "one in four", "3 out of 10"
    if let Ok(n) = amount(i)
        && (w("in").void().parse_next(i).is_ok() || phrase(i, "out of").is_ok())
        && let Ok(d) = amount(i)
        && d > 0.0
        && n <= d
    {
        return Ok(n / d);
    }
    i.reset(&start);
    let n = match any_of(&["a", "an", "one"]).parse_next(i) {
        Ok(_) => 1.0,
        Err(_) => {
            i.reset(&start);
            let t = any.parse_next(i)?;
            match t.number().or_else(|| small_word(&t.text)) {
                Some(n) if (2.0..=9.0).contains(&n) => n,
                _ => return no(),
            }
        }
    };
    let d = match any.parse_next(i)?.text.as_str() {
        "half" | "halves" => 2.0,
        "third" | "thirds" => 3.0,
        "quarter" | "quarters" | "fourth" | "fourths" => 4.0,
        "fifth" | "fifths" => 5.0,
        "sixth" | "sixths" => 6.0,
        "tenth" | "tenths" => 10.0,
        _ => return no(),
    };
    if n >= d {
        return no();
    }
    Ok(n / d)
}

/// `30%`, `30 percent`, `30 per cent`, `thirty pct`, as a fraction (0.3).
pub fn percent(i: &mut Toks<'_>) -> Result<f64> {
    let n = amount(i)?;
    let start = i.checkpoint();
    if token_where(|t: &Token| t.kind == Kind::Percent).parse_next(i).is_ok()
        || any_of(&["percent", "pct", "%"]).parse_next(i).is_ok()
    {
        return Ok(n / 100.0);
    }
    i.reset(&start);
    phrase(i, "per cent")?;
    Ok(n / 100.0)
}

/// A signed percentage glued to a sign: `-20%`, `+10 %`, `−5%`.
pub fn signed_percent(i: &mut Toks<'_>) -> Result<f64> {
    let sign = token_where(|t: &Token| matches!(t.kind, Kind::Symbol('-' | '+' | '−' | '–'))).parse_next(i)?;
    let p = percent(i)?;
    Ok(if sign.is_symbol('+') { p } else { -p })
}

const MONEY_WORDS: [(&str, &str); 10] = [
    ("euro", "€"),
    ("euros", "€"),
    ("eur", "€"),
    ("dollar", "$"),
    ("dollars", "$"),
    ("usd", "$"),
    ("pound", "£"),
    ("pounds", "£"),
    ("gbp", "£"),
    ("cents", "¢"),
];

/// A value with the unit said around it: `€3,000`, `3,000 €`, `3000 euros`, `0.25 €/kWh`,
/// `0.25 per kWh`, `12`.
pub fn value(i: &mut Toks<'_>) -> Result<(f64, Option<String>)> {
    let before = token_where(|t: &Token| t.kind == Kind::Currency).parse_next(i).ok().map(|t| t.text.clone());
    let n = amount(i)?;
    let start = i.checkpoint();
    let mut unit = before;
    if unit.is_none() {
        match any::<_, ContextError>.parse_next(i) {
            Ok(t) if t.kind == Kind::Currency => unit = Some(t.text.clone()),
            Ok(t) if t.is_word() => match MONEY_WORDS.iter().find(|(w, _)| *w == t.text) {
                Some((_, sign)) => unit = Some(sign.to_string()),
                None => i.reset(&start),
            },
            _ => i.reset(&start),
        }
    }
    // "/kWh", "per kWh", "a month"
    let start = i.checkpoint();
    let per = (alt_per, token_where(|t: &Token| t.is_word())).parse_next(i);
    match per {
        Ok((_, t)) => unit = Some(format!("{}/{}", unit.unwrap_or_default(), t.text)),
        Err(_) => i.reset(&start),
    }
    Ok((n, unit))
}

fn alt_per(i: &mut Toks<'_>) -> Result<()> {
    let t = any.parse_next(i)?;
    if t.is_symbol('/') || t.is("per") { Ok(()) } else { no() }
}

/// Reads a plural or possessive word as its singular: `prices` → `price`, `subsidies` →
/// `subsidy`, `households'` → `household`.
pub fn singular(word: &str) -> String {
    let word = word.trim_end_matches("'s").trim_end_matches('\'');
    if let Some(stem) = word.strip_suffix("ies")
        && stem.len() > 2
    {
        return format!("{stem}y");
    }
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lex::tokens;

    fn run<T>(q: &str, p: impl Fn(&mut Toks<'_>) -> Result<T>) -> Option<(T, usize)> {
        let t = tokens(q);
        let mut i = Toks::new(&t);
        let v = p(&mut i).ok()?;
        Some((v, t.len() - i.eof_offset()))
    }

    #[test]
    fn numbers_in_words_and_digits() {
        assert_eq!(run("twenty-five years", amount), Some((25.0, 1)));
        assert_eq!(run("two million homes", amount), Some((2e6, 2)));
        assert_eq!(run("1.5 million", amount), Some((1.5e6, 2)));
        assert_eq!(run("a hundred", amount), Some((100.0, 2)));
        assert_eq!(run("eighteen", amount), Some((18.0, 1)));
        assert!(run("a year", amount).is_none());
    }

    #[test]
    fn shares_said_many_ways() {
        assert_eq!(run("30%", percent), Some((0.3, 2)));
        assert_eq!(run("thirty per cent", percent), Some((0.3, 3)));
        assert_eq!(run("a third", fraction), Some((1.0 / 3.0, 2)));
        assert_eq!(run("two thirds", fraction), Some((2.0 / 3.0, 2)));
        assert_eq!(run("one in four", fraction), Some((0.25, 3)));
        assert_eq!(run("-20%", signed_percent), Some((-0.2, 3)));
        assert!(run("five thirds", fraction).is_none());
    }

    #[test]
    fn money_and_units() {
        assert_eq!(run("€3,000 subsidy", value), Some(((3000.0, Some("€".into())), 2)));
        assert_eq!(run("3,000 euros", value), Some(((3000.0, Some("€".into())), 2)));
        assert_eq!(run("0.25 €/kWh", value), Some(((0.25, Some("€/kwh".into())), 4)));
        assert_eq!(singular("subsidies"), "subsidy");
        assert_eq!(singular("prices"), "price");
        assert_eq!(singular("gas"), "gas");
    }
}
