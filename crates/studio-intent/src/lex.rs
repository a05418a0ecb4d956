//! Words, numbers and signs of a question, each with where it is (winnow over the characters).
//!
//! `3,000` and `2.5` are one number; `2.5m` and `100k` are scaled; `heat-pump` and
//! `twenty-five` are one word; `-20%` is a sign, a number and a percent; `>=` is `≥`.

use winnow::Result;
use winnow::combinator::{alt, opt, repeat};
use winnow::prelude::*;
use winnow::stream::{LocatingSlice, Location};
use winnow::token::{any, one_of, take_while};

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Word,
    Number(f64),
    Percent,
    /// €, $, £.
    Currency,
    Symbol(char),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: Kind,
    /// Lower case, typographic apostrophes made plain.
    pub text: String,
    /// Byte offsets into the question.
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text == word
    }

    pub fn number(&self) -> Option<f64> {
        match self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_symbol(&self, c: char) -> bool {
        self.kind == Kind::Symbol(c)
    }

    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }
}

type Input<'s> = LocatingSlice<&'s str>;

fn digits<'s>(i: &mut Input<'s>) -> Result<&'s str> {
    take_while(1.., |c: char| c.is_ascii_digit()).parse_next(i)
}

/// `3,000,000`, `2.5`, `.5`, `100k`, `2.5m`, `3bn`.
fn number(i: &mut Input<'_>) -> Result<Kind> {
    let whole: &str = alt((
        (
            digits,
            repeat::<_, _, (), _, _>(0.., (',', take_while(3..=3, |c: char| c.is_ascii_digit()))),
            opt(('.', digits)),
        )
            .take(),
        ('.', digits).take(),
    ))
    .parse_next(i)?;
    let value: f64 = whole.replace(',', "").parse().unwrap_or(f64::NAN);
    // A scale letter glued to the number, not the start of a word ("5 years" is not scaled).
    let scale = opt(alt((
        ("bn", winnow::combinator::not(one_of(char::is_alphabetic))).value(1e9),
        ('k', winnow::combinator::not(one_of(char::is_alphabetic))).value(1e3),
        ('m', winnow::combinator::not(one_of(char::is_alphabetic))).value(1e6),
    )))
    .parse_next(i)?;
    Ok(Kind::Number(value * scale.unwrap_or(1.0)))
}

/// Letters, joined by single hyphens or apostrophes inside (`heat-pump`, `months'`, `it's`).
fn word(i: &mut Input<'_>) -> Result<Kind> {
    (
        take_while(1.., char::is_alphabetic),
        repeat::<_, _, (), _, _>(0.., (one_of(['-', '\'', '’']), take_while(1.., char::is_alphabetic))),
        opt(one_of(['\'', '’'])),
    )
        .void()
        .parse_next(i)?;
    Ok(Kind::Word)
}

fn sign(i: &mut Input<'_>) -> Result<Kind> {
    alt((
        ">=".value(Kind::Symbol('≥')),
        "<=".value(Kind::Symbol('≤')),
        '%'.value(Kind::Percent),
        one_of(['€', '$', '£']).value(Kind::Currency),
        any.map(Kind::Symbol),
    ))
    .parse_next(i)
}

fn token(i: &mut Input<'_>) -> Result<Token> {
    take_while(0.., char::is_whitespace).parse_next(i)?;
    let start = i.current_token_start();
    let (kind, raw) = alt((number, word, sign)).with_taken().parse_next(i)?;
    let end = start + raw.len();
    let text = raw.to_lowercase().replace('’', "'");
    Ok(Token { kind, text, start, end })
}

/// The question's tokens. Nothing is dropped: every character but spaces is in one.
pub fn tokens(question: &str) -> Vec<Token> {
    let mut input = LocatingSlice::new(question);
    let mut out = Vec::new();
    loop {
        let _ = take_while::<_, _, winnow::error::ContextError>(0.., char::is_whitespace).parse_next(&mut input);
        if input.is_empty() {
            return out;
        }
        match token(&mut input) {
            Ok(t) => out.push(t),
            // `sign` takes any character, so a token always comes; this ends the loop regardless.
            Err(_) => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(q: &str) -> Vec<(Kind, String)> {
        tokens(q).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn numbers_words_and_signs() {
        let t = kinds("Will heat-pump adoption pass 30% by 2031, given a €3,000 subsidy and price -20%?");
        let texts: Vec<&str> = t.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "will",
                "heat-pump",
                "adoption",
                "pass",
                "30",
                "%",
                "by",
                "2031",
                ",",
                "given",
                "a",
                "€",
                "3,000",
                "subsidy",
                "and",
                "price",
                "-",
                "20",
                "%",
                "?"
            ]
        );
        assert_eq!(t[12].0, Kind::Number(3000.0));
        assert_eq!(t[5].0, Kind::Percent);
        assert_eq!(t[11].0, Kind::Currency);
    }

    #[test]
    fn scales_and_offsets() {
        let t = tokens("reach 2.5m homes or 100k in 5 months’ time, ≥ 0.3 >= .5");
        assert_eq!(t[1].kind, Kind::Number(2_500_000.0));
        assert_eq!(t[4].kind, Kind::Number(100_000.0));
        assert_eq!(t[6].kind, Kind::Number(5.0));
        assert_eq!(t[7].text, "months'");
        assert_eq!(t[10].kind, Kind::Symbol('≥'));
        assert_eq!(t[12].kind, Kind::Symbol('≥'));
        assert_eq!(t[13].kind, Kind::Number(0.5));
        let q = "reach 2.5m homes";
        let homes = &tokens(q)[2];
        assert_eq!(&q[homes.start..homes.end], "homes");
    }
}
