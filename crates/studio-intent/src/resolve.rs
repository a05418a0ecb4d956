//! Conditions matched to the project's variables: "electricity prices" names `price` when the
//! variable's words (its name, and the names it is also known by, such as its data source's)
//! are all among the phrase's, singular or plural. A phrase that names none, or two equally
//! well, is left unresolved, and the condition's note says so.

use studio_model::{PartField, PredictionTask};

use crate::grammar::phrase_words;

/// A variable of the project and the other names it goes by (its data source, its column).
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub aliases: Vec<String>,
}

/// How well `phrase` names a variable: the most words of one of its names found in the
/// phrase, when all of that name's words are there.
fn score(phrase: &[String], v: &Variable) -> Option<usize> {
    std::iter::once(&v.name)
        .chain(&v.aliases)
        .filter_map(|name| {
            let words = phrase_words(name);
            (!words.is_empty() && words.iter().all(|w| phrase.contains(w))).then_some(words.len())
        })
        .max()
}

/// Sets each condition's variable where its phrase names one, and says in the condition's
/// part which it is, or why none is.
pub fn resolve_variables(task: &mut PredictionTask, variables: &[Variable]) {
    let mut notes = Vec::new();
    for condition in &mut task.conditions {
        let words = phrase_words(&condition.phrase);
        let mut scored: Vec<(usize, &Variable)> =
            variables.iter().filter_map(|v| score(&words, v).map(|s| (s, v))).collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        condition.variable = None;
        let note = match scored.as_slice() {
            [] if variables.is_empty() => format!("“{}”: this project has no variables yet", condition.phrase),
            [] => format!(
                "“{}” names none of this project's variables ({})",
                condition.phrase,
                variables.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
            [(a, first), (b, second), ..] if a == b => {
                format!("“{}” could be {} or {}: choose one", condition.phrase, first.name, second.name)
            }
            [(_, v), ..] => {
                condition.variable = Some(v.name.clone());
                format!("“{}” is the variable {}", condition.phrase, v.name)
            }
        };
        notes.push(note);
    }
    // The conditions' parts say which variable each names, in order.
    let mut notes = notes.into_iter();
    for part in task.understood.iter_mut().filter(|p| p.field == PartField::Condition) {
        let base = part.note.split(" — ").next().unwrap_or_default().to_string();
        let count = base.split("; ").count();
        let said: Vec<String> = notes.by_ref().take(count).collect();
        part.note = format!("{base} — {}", said.join("; "));
    }
    crate::task_id(task);
}
