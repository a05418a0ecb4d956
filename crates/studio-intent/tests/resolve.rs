//! Conditions matched to a project's variables, and the horizon in the data's ticks.

use studio_intent::{Variable, parse, resolve_variables, set_horizon_ticks};
use studio_model::{Day, PartField, TimeAxis};

fn day() -> Day {
    Day::parse("2026-12-06").expect("a date")
}

fn var(name: &str, aliases: &[&str]) -> Variable {
    Variable { name: name.into(), aliases: aliases.iter().map(|a| a.to_string()).collect() }
}

#[test]
fn a_phrase_names_the_variable_whose_words_it_holds() {
    let mut task = parse("Will adoption pass 30% by 2031 if electricity prices fall 20% and a 3,000 € subsidy?", day());
    let before = task.task_id.clone();
    resolve_variables(&mut task, &[var("price", &["electricity_price"]), var("income", &[])]);
    assert_eq!(task.conditions[0].variable.as_deref(), Some("price"));
    // The subsidy names nothing: left open, and said.
    assert_eq!(task.conditions[1].variable, None);
    let note = &task.understood.iter().find(|p| p.field == PartField::Condition).expect("a condition part").note;
    assert!(note.contains("is the variable price"), "{note}");
    assert!(note.contains("“subsidy” names none of this project's variables (price, income)"), "{note}");
    assert_ne!(task.task_id, before, "the id follows what the task says");
}

#[test]
fn two_equally_good_names_are_a_question_for_the_analyst() {
    let mut task = parse("Will adoption pass 30% by 2031 if prices fall 20%?", day());
    resolve_variables(&mut task, &[var("price", &["gas_price"]), var("fuel", &["price"])]);
    assert_eq!(task.conditions[0].variable, None);
    let note = &task.understood.iter().find(|p| p.field == PartField::Condition).expect("a condition part").note;
    assert!(note.contains("could be fuel or price"), "{note}");
}

#[test]
fn the_horizon_is_counted_in_the_data_s_ticks() {
    let mut task = parse("Will adoption pass 30% by 2031?", day());
    let quarters = TimeAxis::from_labels(&["2018Q1", "2018Q2"]).expect("an axis");
    set_horizon_ticks(&mut task, Some(&quarters));
    assert_eq!(task.horizon.as_ref().and_then(|h| h.ticks), Some(55));
    let months = TimeAxis::from_labels(&["2032-01", "2032-02"]).expect("an axis");
    set_horizon_ticks(&mut task, Some(&months));
    assert_eq!(task.horizon.as_ref().and_then(|h| h.ticks), None, "before the data starts: no tick");
    set_horizon_ticks(&mut task, None);
    assert_eq!(task.horizon.as_ref().and_then(|h| h.ticks), None);
}
