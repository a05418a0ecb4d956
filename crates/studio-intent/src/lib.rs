//! The intent parser: a forecasting question read into a [`PredictionTask`].
//!
//! Deterministic and self-explaining: every part it understood is linked to the words it came
//! from, and every word it did not understand is listed, never guessed at. English; numbers in
//! digits and words; percentages, fractions, counts and money; relative and absolute dates.
//!
//! How: the question is cut into tokens (`lex`), then, from its first word to its last, the
//! grammar (`grammar`, parsers written with the `winnow` combinator library over the tokens)
//! tries each construction where it stands — conditions (`if`, `given`, `with`…), a horizon
//! (`in five years`, `by 2031`), the goal (`pass 30%`, `> 30%`, `double`) — and takes the words of
//! the first that matches. Words no construction took are the outcome when they stand next to
//! the goal, and are reported as not understood otherwise. Pure: no IO, no clock (the day the
//! question was asked is given).
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod explain;
mod grammar;
mod lex;
mod resolve;
mod words;

use studio_model::{Condition, Day, Horizon, Part, PartField, PredictionTask, TimeAxis};
use winnow::stream::Stream;

pub use resolve::{Variable, resolve_variables};

use crate::lex::Token;
use crate::words::{Toks, longest};

/// Question forms before the outcome ("will", "what is the probability that"): grammar, not
/// content.
const OPENERS: &[(&str, ())] = &[
    ("will", ()),
    ("would", ()),
    ("can", ()),
    ("could", ()),
    ("does", ()),
    ("do", ()),
    ("is", ()),
    ("are", ()),
    ("shall", ()),
    ("what is the probability that", ()),
    ("what's the probability that", ()),
    ("what is the probability of", ()),
    ("what is the chance that", ()),
    ("what's the chance that", ()),
    ("what are the chances that", ()),
    ("what are the odds that", ()),
    ("how likely is it that", ()),
    ("how likely is", ()),
    ("how likely", ()),
    ("is it likely that", ()),
    ("probability that", ()),
    ("probability of", ()),
    ("chance that", ()),
    ("forecast whether", ()),
    ("predict whether", ()),
    ("whether", ()),
];

/// Words that join the parts of a question without meaning anything of their own.
const FILLERS: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "that",
    "to",
    "it",
    "be",
    "will",
    "would",
    "can",
    "could",
    "is",
    "are",
    "likely",
    "expected",
    "going",
    "ever",
    "actually",
    "finally",
    "eventually",
    "still",
    "and",
    "or",
    "then",
    "?",
    ".",
    ",",
    "!",
    ":",
    ";",
    "(",
    ")",
    "we",
    "see",
    "there",
    "p",
    "pr",
];

/// What one construction took: its tokens and what it made.
enum Found {
    Goal { comparison_tokens: usize, comparison: studio_model::Comparison, target: studio_model::Target },
    Horizon { date: Day, within: Option<studio_model::Duration> },
    Conditions(Vec<(String, studio_model::Change)>),
}

struct Taken {
    first: usize,
    end: usize,
    found: Found,
}

/// Reads `question`, asked on `asked_on` (relative horizons count from it).
pub fn parse(question: &str, asked_on: Day) -> PredictionTask {
    let tokens = lex::tokens(question);
    let mut taken: Vec<Taken> = Vec::new();
    let mut leftover = vec![false; tokens.len()];
    let mut pos = {
        let mut input = Toks::new(&tokens);
        match longest(&mut input, OPENERS) {
            Ok(()) => tokens.len() - input.eof_offset(),
            Err(_) => 0,
        }
    };
    while pos < tokens.len() {
        match construction(&tokens[pos..], asked_on) {
            Some((len, found)) => {
                taken.push(Taken { first: pos, end: pos + len, found });
                pos += len;
            }
            None => {
                leftover[pos] = true;
                pos += 1;
            }
        }
    }
    assemble(question, &tokens, taken, &leftover)
}

/// The first construction that reads at the start of `tokens`, and how many tokens it took.
fn construction(tokens: &[Token], asked_on: Day) -> Option<(usize, Found)> {
    let mut input = Toks::new(tokens);
    let start = input.checkpoint();
    let taken = |input: &Toks<'_>| tokens.len() - input.eof_offset();
    if let Ok(conditions) = grammar::conditions(&mut input) {
        return Some((taken(&input), Found::Conditions(conditions)));
    }
    input.reset(&start);
    if let Ok((date, within)) = grammar::horizon(&mut input, asked_on) {
        return Some((taken(&input), Found::Horizon { date, within }));
    }
    input.reset(&start);
    if let Ok((comparison_tokens, comparison, target)) = grammar::goal(&mut input) {
        return Some((taken(&input), Found::Goal { comparison_tokens, comparison, target }));
    }
    None
}

/// Byte offsets as character offsets into `question`.
fn chars_at(question: &str, byte: usize) -> usize {
    question.get(..byte).map_or(0, |s| s.chars().count())
}

fn part(question: &str, tokens: &[Token], first: usize, end: usize, field: PartField, note: String) -> Part {
    let (a, b) = (tokens[first].start, tokens[end - 1].end);
    Part {
        field,
        text: question.get(a..b).unwrap_or_default().to_string(),
        start: chars_at(question, a),
        end: chars_at(question, b),
        note,
    }
}

/// Runs of leftover tokens, trimmed of fillers at both ends: `(first, end)`.
fn runs(tokens: &[Token], leftover: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !leftover[i] {
            i += 1;
            continue;
        }
        let first = i;
        while i < tokens.len() && leftover[i] {
            i += 1;
        }
        let (mut a, mut b) = (first, i);
        while a < b && FILLERS.contains(&tokens[a].text.as_str()) {
            a += 1;
        }
        while b > a && FILLERS.contains(&tokens[b - 1].text.as_str()) {
            b -= 1;
        }
        if a < b {
            out.push((a, b));
        }
    }
    out
}

fn assemble(question: &str, tokens: &[Token], taken: Vec<Taken>, leftover: &[bool]) -> PredictionTask {
    let mut task = PredictionTask {
        task_id: String::new(),
        question: question.to_string(),
        outcome: None,
        comparison: None,
        target: None,
        horizon: None,
        conditions: Vec::new(),
        understood: Vec::new(),
        not_understood: Vec::new(),
        confirmed: false,
    };
    let mut goal_at = None;
    for t in taken {
        match t.found {
            Found::Goal { comparison_tokens, comparison, target } => {
                if task.target.is_some() {
                    let note = "a second target: the first is kept".to_string();
                    task.not_understood.push(part(question, tokens, t.first, t.end, PartField::Unknown, note));
                    continue;
                }
                goal_at = Some((t.first, t.end));
                if comparison_tokens < t.end - t.first {
                    let c_end = t.first + comparison_tokens;
                    let note = explain::comparison(comparison);
                    task.understood.push(part(question, tokens, t.first, c_end, PartField::Comparison, note));
                    let note = explain::target(&target);
                    task.understood.push(part(question, tokens, c_end, t.end, PartField::Target, note));
                } else {
                    let note = format!("{}, {}", explain::comparison(comparison), explain::target(&target));
                    task.understood.push(part(question, tokens, t.first, t.end, PartField::Target, note));
                }
                task.comparison = Some(comparison);
                task.target = Some(target);
            }
            Found::Horizon { date, within } => {
                if task.horizon.is_some() {
                    let note = "a second horizon: the first is kept".to_string();
                    task.not_understood.push(part(question, tokens, t.first, t.end, PartField::Unknown, note));
                    continue;
                }
                let note = explain::horizon(date, within);
                task.understood.push(part(question, tokens, t.first, t.end, PartField::Horizon, note));
                task.horizon = Some(Horizon { date: date.to_string(), within, ticks: None });
            }
            Found::Conditions(list) => {
                let notes: Vec<String> = list.iter().map(|(p, c)| explain::change(p, c)).collect();
                task.understood.push(part(question, tokens, t.first, t.end, PartField::Condition, notes.join("; ")));
                task.conditions.extend(list.into_iter().map(|(phrase, change)| Condition {
                    phrase,
                    variable: None,
                    change,
                }));
            }
        }
    }
    // The outcome: the words just before the goal, or else just after it ("at least a third of
    // households own one").
    let runs = runs(tokens, leftover);
    let outcome = goal_at.and_then(|(first, end)| {
        let fillers = |between: &[Token]| between.iter().all(|t| FILLERS.contains(&t.text.as_str()));
        runs.iter()
            .position(|&(_, b)| b <= first && fillers(&tokens[b..first]))
            .or_else(|| runs.iter().position(|&(a, _)| a >= end && fillers(&tokens[end..a])))
    });
    for (n, &(a, b)) in runs.iter().enumerate() {
        if Some(n) == outcome {
            task.outcome = Some(question[tokens[a].start..tokens[b - 1].end].to_string());
            task.understood.push(part(question, tokens, a, b, PartField::Outcome, "what is forecast".into()));
        } else {
            let note = "not understood: no outcome, target, horizon or condition reads this way".to_string();
            task.not_understood.push(part(question, tokens, a, b, PartField::Unknown, note));
        }
    }
    task.understood.sort_by_key(|p| p.start);
    task.not_understood.sort_by_key(|p| p.start);
    task_id(&mut task);
    task
}

/// Gives the task its id: `task-` and 16 hex digits of the SHA-256 of the task without it.
pub fn task_id(task: &mut PredictionTask) {
    use sha2::{Digest, Sha256};
    task.task_id.clear();
    let bytes = serde_json::to_vec(&*task).unwrap_or_default();
    task.task_id = format!("task-{}", &hex::encode(Sha256::digest(bytes))[..16]);
}

/// The horizon in ticks of `axis` (the tick whose period holds the horizon's last day); `None`
/// when the horizon is before the axis starts.
pub fn set_horizon_ticks(task: &mut PredictionTask, axis: Option<&TimeAxis>) {
    if let Some(h) = task.horizon.as_mut() {
        h.ticks = axis.zip(Day::parse(&h.date)).and_then(|(axis, day)| axis.tick_of(day));
    }
    task_id(task);
}
