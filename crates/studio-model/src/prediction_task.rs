//! The question a project asks, understood: what is forecast, against which target, by when and
//! under which conditions, each linked to the words it came from, and the words that were not
//! understood, with why. `studio-intent` makes it from the project's `initial_query`; the
//! analyst confirms or corrects it. Kept in the document's `meta` section (`prediction_task`),
//! so it is versioned and undone like any edit.

use serde::{Deserialize, Serialize};

/// A parsed question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PredictionTask {
    /// `task-` and the first 16 hex digits of the SHA-256 of the task without its id: the same
    /// question understood alike has the same id everywhere.
    pub task_id: String,
    /// The question as asked.
    pub question: String,
    /// What is forecast, in the question's words ("heat-pump adoption").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<Horizon>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Every part understood, with the words it came from, in the question's order.
    #[serde(default)]
    pub understood: Vec<Part>,
    /// Words that were not understood, with why.
    #[serde(default)]
    pub not_understood: Vec<Part>,
    /// Whether the analyst confirmed the task (as parsed or corrected).
    #[serde(default)]
    pub confirmed: bool,
}

/// How the outcome is compared with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Passes, exceeds, goes above (`>`).
    Above,
    /// Reaches, hits, is at least (`≥`).
    AtLeast,
    /// Stays or falls below (`<`).
    Below,
    /// Is at most, does not exceed (`≤`).
    AtMost,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Above => ">",
            Comparison::AtLeast => "≥",
            Comparison::Below => "<",
            Comparison::AtMost => "≤",
        }
    }
}

/// What the target's value means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TargetUnit {
    /// A share of the population, 0 to 1 (30% → 0.3).
    Share,
    /// A number of things, named as the question names them ("homes").
    Count { noun: String },
    /// A multiple of the outcome's value when the forecast starts (double → 2).
    Factor,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Target {
    pub value: f64,
    pub unit: TargetUnit,
}

/// A length of time in the question's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Days,
    Weeks,
    Months,
    Quarters,
    Years,
}

/// By when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Horizon {
    /// The last day the question counts, `YYYY-MM-DD`.
    pub date: String,
    /// For a relative horizon ("in five years"): its length, counted from the question's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Duration>,
    /// The horizon in the model's ticks, once the data's time axis is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticks: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Duration {
    pub amount: f64,
    pub unit: TimeUnit,
}

/// How a condition changes a variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Change {
    /// By a fraction of its value (fall 20% → −0.2).
    Relative { fraction: f64 },
    /// By an amount in the variable's own terms (fall by €0.05 → −0.05).
    Shift {
        amount: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// To a value, in the question's unit when it names one (€, kWh).
    SetTo {
        value: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
}

/// "If electricity prices fall 20%": a change to one of the project's variables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Condition {
    /// The variable in the question's words ("electricity prices").
    pub phrase: String,
    /// The project's variable it names, when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    pub change: Change,
}

/// Which part of the task some words made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartField {
    Outcome,
    Comparison,
    Target,
    Horizon,
    Condition,
    /// Words the parser did not understand.
    Unknown,
}

/// Some words of the question, what they were taken for and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Part {
    pub field: PartField,
    /// The words, as asked.
    pub text: String,
    /// Where they are in the question, in characters: `start..end`.
    pub start: usize,
    pub end: usize,
    /// What they were taken to mean, or why they were not understood.
    pub note: String,
}

impl PredictionTask {
    /// Whether every part needed for a forecast is there: an outcome, how it is compared, a
    /// target and a horizon.
    pub fn is_complete(&self) -> bool {
        self.outcome.is_some() && self.comparison.is_some() && self.target.is_some() && self.horizon.is_some()
    }
}
