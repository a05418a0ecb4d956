//! The project's question and its prediction task, kept in the `meta` section (so versioned and
//! undone like any edit): set with the question, and confirmed by the analyst together with
//! what it implies — the scenario its conditions make and the simulation's threshold.

use serde_json::{Value, json};

use crate::apply::{Change, Outcome, finish};
use crate::content::{ProjectContent, ScenarioRecord, ScenarioStatus};
use crate::payload::{ScenarioConfig, VariableOverride};
use crate::state::next_position;
use crate::{ActionContext, MAX_NAME_LEN, MAX_SCENARIOS, ModelError, PredictionTask, SimulationSettings, Workbench};

/// The meta key of the prediction task.
pub const PREDICTION_TASK: &str = "prediction_task";
/// The meta key of the scenario the confirmed task's conditions made.
pub const QUESTION_SCENARIO: &str = "question_scenario";

impl ProjectContent {
    /// The question's prediction task, when there is one.
    pub fn prediction_task(&self) -> Option<PredictionTask> {
        self.meta(PREDICTION_TASK).and_then(|t| serde_json::from_str(t).ok())
    }
}

/// Writes the question and its task into `meta` (or removes both for an empty question).
pub(crate) fn put_question(content: &mut ProjectContent, question: &str, task: Option<&PredictionTask>) {
    if question.trim().is_empty() {
        content.meta.remove("initial_query");
        content.meta.remove(PREDICTION_TASK);
        return;
    }
    content.meta.insert("initial_query".into(), question.to_string());
    match task.and_then(|t| serde_json::to_string(t).ok()) {
        Some(text) => content.meta.insert(PREDICTION_TASK.into(), text),
        None => content.meta.remove(PREDICTION_TASK),
    };
}

/// What confirming a task changes besides the task itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskPlan {
    /// The scenario the conditions make (none when there are none).
    pub overrides: Vec<VariableOverride>,
    /// The scenario's name: the conditions in a few words.
    pub scenario_name: String,
    /// The threshold event the target and horizon make, when they make one.
    pub threshold: Option<crate::Threshold>,
    /// The run's length when the horizon needs more ticks than the settings have.
    pub ticks: Option<u64>,
    /// What the task could not set, and why (said in the log).
    pub notes: Vec<String>,
}

/// Stores `task` as confirmed, makes (or updates) the scenario of its conditions and sets the
/// simulation's threshold: one change in the log, undone at once.
pub fn confirm_prediction_task(
    content: &ProjectContent,
    task: &PredictionTask,
    plan: &TaskPlan,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    let mut next = content.clone();
    let mut task = task.clone();
    task.confirmed = true;
    let question = content.meta("initial_query").unwrap_or(&task.question).to_string();
    put_question(&mut next, &question, Some(&task));
    let mut said = vec!["Confirmed the question's prediction task".to_string()];
    let mut scenario_id = None;
    if !plan.overrides.is_empty() {
        let existing = content.meta(QUESTION_SCENARIO).filter(|id| content.scenarios.contains_key(*id));
        let name: String = plan.scenario_name.chars().take(MAX_NAME_LEN).collect();
        let config = ScenarioConfig {
            name: name.clone(),
            description: format!("The conditions of the question: {question}"),
            variable_overrides: plan.overrides.clone(),
            population_adjustments: None,
            shock_events: None,
        };
        let record = match existing {
            Some(id) => {
                let mut record = content.scenarios[id].clone();
                if record.config != config
                    && let Some(run) = next.runs.get_mut(id)
                {
                    run.status = ScenarioStatus::Defined;
                }
                record.name = name.clone();
                record.description = config.description.clone();
                record.config = config;
                record
            }
            None => {
                if content.scenarios.len() >= MAX_SCENARIOS {
                    return Err(ModelError::Limit(format!(
                        "a project holds at most {MAX_SCENARIOS} scenarios; delete one so the question's conditions can make theirs"
                    )));
                }
                ScenarioRecord {
                    scenario_id: ctx.fresh_id.clone(),
                    name: name.clone(),
                    description: config.description.clone(),
                    status: ScenarioStatus::Defined,
                    simulation_id: None,
                    ensemble_id: None,
                    position: next_position(content),
                    config,
                }
            }
        };
        next.meta.insert(QUESTION_SCENARIO.into(), record.scenario_id.clone());
        scenario_id = Some(record.scenario_id.clone());
        said.push(format!("scenario '{name}'"));
        next.scenarios.insert(record.scenario_id.clone(), record);
    }
    if plan.threshold.is_some() || plan.ticks.is_some() {
        let mut settings = SimulationSettings::of(content)?;
        if let Some(ticks) = plan.ticks {
            settings.ticks = settings.ticks.max(ticks);
        }
        if let Some(threshold) = plan.threshold {
            settings.threshold = threshold;
            said.push(format!("threshold {:.4} by tick {}", threshold.share, threshold.tick));
        }
        settings.check()?;
        next.simulation.insert(crate::simulation_settings::SETTINGS.into(), settings.to_raw());
    }
    said.extend(plan.notes.iter().cloned());
    let change = Change {
        workbench: Some(Workbench::Scenario),
        action: "confirm_prediction_task",
        summary: said.join(", "),
        reversible: true,
        result: json!({"task_id": task.task_id, "scenario_id": scenario_id}),
        status: None,
    };
    let mut outcome = finish(content, next, change, ctx);
    outcome.entry.workbench = crate::apply::PROJECT.into();
    Ok(outcome)
}

/// The task's fields the analyst may not leave wrong: the target's value, the horizon's date.
pub fn check_prediction_task(task: &PredictionTask) -> Result<(), ModelError> {
    if let Some(t) = &task.target {
        let ok = match t.unit {
            crate::TargetUnit::Share => (0.0..=1.0).contains(&t.value),
            crate::TargetUnit::Factor | crate::TargetUnit::Count { .. } => t.value.is_finite() && t.value > 0.0,
        };
        if !ok {
            return Err(ModelError::invalid(format!(
                "target.value is {}: a share is 0 to 1, a count or a multiple above 0",
                t.value
            )));
        }
    }
    if let Some(h) = &task.horizon
        && crate::Day::parse(&h.date).is_none()
    {
        return Err(ModelError::invalid(format!("horizon.date is {:?}: it must be a YYYY-MM-DD date", h.date)));
    }
    if task.question.chars().count() > 10_000 {
        return Err(ModelError::invalid("question is over 10,000 characters"));
    }
    Ok(())
}

/// The condition scenario's overrides as JSON numbers.
pub fn override_of(variable: &str, value: f64) -> VariableOverride {
    VariableOverride { variable: variable.to_string(), value: Value::from(value) }
}
