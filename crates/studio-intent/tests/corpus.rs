//! The corpus: question forms written for these tests, one or more for each construction and
//! for typical failures, each with the task it must give. Every one must parse exactly.

use serde::Deserialize;
use studio_model::{Change, Comparison, Day, PredictionTask, TargetUnit};

#[derive(Deserialize)]
struct Corpus {
    asked_on: String,
    questions: Vec<Expected>,
}

#[derive(Deserialize)]
struct Expected {
    what: String,
    q: String,
    outcome: Option<String>,
    comparison: Option<Comparison>,
    /// `[value, "share" | "factor" | "count:NOUN"]`
    target: Option<(f64, String)>,
    horizon: Option<String>,
    /// `[phrase, "relative" | "set" | "shift", value, unit?]`
    conditions: Vec<(String, String, f64, Option<String>)>,
    unknown: Vec<String>,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// What differs between the task and the expectation, one line each.
fn differences(task: &PredictionTask, e: &Expected) -> Vec<String> {
    let mut out = Vec::new();
    if task.outcome != e.outcome {
        out.push(format!("outcome {:?}, expected {:?}", task.outcome, e.outcome));
    }
    if task.comparison != e.comparison {
        out.push(format!("comparison {:?}, expected {:?}", task.comparison, e.comparison));
    }
    let target = task.target.as_ref().map(|t| {
        let unit = match &t.unit {
            TargetUnit::Share => "share".to_string(),
            TargetUnit::Factor => "factor".to_string(),
            TargetUnit::Count { noun } => format!("count:{noun}"),
        };
        (t.value, unit)
    });
    let same_target = match (&target, &e.target) {
        (Some((a, ua)), Some((b, ub))) => close(*a, *b) && ua == ub,
        (None, None) => true,
        _ => false,
    };
    if !same_target {
        out.push(format!("target {target:?}, expected {:?}", e.target));
    }
    let horizon = task.horizon.as_ref().map(|h| h.date.clone());
    if horizon != e.horizon {
        out.push(format!("horizon {horizon:?}, expected {:?}", e.horizon));
    }
    let conditions: Vec<(String, String, f64, Option<String>)> = task
        .conditions
        .iter()
        .map(|c| match &c.change {
            Change::Relative { fraction } => (c.phrase.clone(), "relative".into(), *fraction, None),
            Change::SetTo { value, unit } => (c.phrase.clone(), "set".into(), *value, unit.clone()),
            Change::Shift { amount, unit } => (c.phrase.clone(), "shift".into(), *amount, unit.clone()),
        })
        .collect();
    let same_conditions = conditions.len() == e.conditions.len()
        && conditions.iter().zip(&e.conditions).all(|(a, b)| a.0 == b.0 && a.1 == b.1 && close(a.2, b.2) && a.3 == b.3);
    if !same_conditions {
        out.push(format!("conditions {conditions:?}, expected {:?}", e.conditions));
    }
    let unknown: Vec<&str> = task.not_understood.iter().map(|p| p.text.as_str()).collect();
    if unknown != e.unknown {
        out.push(format!("not understood {unknown:?}, expected {:?}", e.unknown));
    }
    out
}

fn corpus() -> Corpus {
    serde_json::from_str(include_str!("corpus.json")).expect("the corpus is JSON")
}

#[test]
fn every_question_of_the_corpus_parses_exactly() {
    let corpus = corpus();
    let asked_on = Day::parse(&corpus.asked_on).expect("a date");
    assert!(corpus.questions.len() >= 60, "the corpus holds {} questions", corpus.questions.len());
    let mut failures = Vec::new();
    for e in &corpus.questions {
        let task = studio_intent::parse(&e.q, asked_on);
        let diff = differences(&task, e);
        if !diff.is_empty() {
            failures.push(format!("{:?} ({}):\n    {}", e.q, e.what, diff.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), corpus.questions.len(), failures.join("\n"));
}

#[test]
fn every_word_is_accounted_for_and_linked_to_its_place() {
    let corpus = corpus();
    let asked_on = Day::parse(&corpus.asked_on).expect("a date");
    for e in &corpus.questions {
        let task = studio_intent::parse(&e.q, asked_on);
        for part in task.understood.iter().chain(&task.not_understood) {
            let chars: Vec<char> = e.q.chars().collect();
            let text: String = chars[part.start..part.end].iter().collect();
            assert_eq!(text, part.text, "{:?}: a part's place holds its words", e.q);
            assert!(!part.note.is_empty(), "{:?}: every part says what it was taken for", e.q);
        }
    }
}

#[test]
fn the_same_question_gives_the_same_task_and_id() {
    let day = Day::parse("2026-12-06").expect("a date");
    let q = "Will heat-pump adoption pass 30% in five years if electricity prices fall 20%?";
    let (a, b) = (studio_intent::parse(q, day), studio_intent::parse(q, day));
    assert_eq!(a, b);
    assert!(a.task_id.starts_with("task-") && a.task_id.len() == 21, "{}", a.task_id);
    let other = studio_intent::parse("Will heat-pump adoption pass 40% in five years?", day);
    assert_ne!(a.task_id, other.task_id);
}
