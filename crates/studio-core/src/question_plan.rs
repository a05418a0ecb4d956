//! Confirming the question's prediction task: what it implies for the project — the scenario
//! its conditions make (each condition's variable moved from its baseline) and the simulation's
//! threshold (the target as a share, by the horizon's tick) — worked out with the project's
//! data, then applied as one undoable change.

use studio_model::{
    Change, PredictionTask, ProjectContent, ProjectState, SimulationSettings, TargetUnit, TaskPlan, Threshold,
    check_prediction_task, confirm_prediction_task, override_of,
};

use crate::actor::Actor;
use crate::data_package::DataPackage;
use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::scenario_runs::baseline_variables;
use crate::scenarios::Scenarios;

/// The plan a task makes. A condition naming no variable of the project is an error naming it;
/// what the target and horizon cannot set (a count, no calendar yet) is said in the plan's
/// notes. Nothing is guessed.
pub(crate) fn plan(task: &PredictionTask, content: &ProjectContent, package: Option<&DataPackage>) -> Result<TaskPlan> {
    let settings = SimulationSettings::of(content)?;
    let baseline = baseline_variables(&settings, package);
    let mut plan = TaskPlan::default();
    let mut names = Vec::new();
    for c in &task.conditions {
        let Some(variable) = c.variable.as_deref() else {
            return Err(CoreError::invalid(format!(
                "the condition “{}” names no variable of this project: choose one ({})",
                c.phrase,
                baseline.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        };
        let Some(&base) = baseline.get(variable) else {
            return Err(CoreError::invalid(format!(
                "the condition “{}” names the variable '{variable}', which this project does not have; variables: {}",
                c.phrase,
                baseline.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        };
        let value = match &c.change {
            Change::Relative { fraction } => base * (1.0 + fraction),
            Change::Shift { amount, .. } => base + amount,
            Change::SetTo { value, .. } => *value,
        };
        if !value.is_finite() {
            return Err(CoreError::invalid(format!("the condition “{}” gives {variable} no finite value", c.phrase)));
        }
        plan.overrides.push(override_of(variable, value));
        names.push(format!("{variable} {}", describe(&c.change)));
    }
    plan.scenario_name = format!("Question: {}", names.join(", "));
    let ticks = task.horizon.as_ref().and_then(|h| h.ticks);
    plan.ticks = ticks;
    plan.threshold = match (&task.target, ticks) {
        (Some(t), Some(tick)) => match &t.unit {
            TargetUnit::Share => Some(Threshold { share: t.value, tick }),
            TargetUnit::Factor => {
                // A multiple of where the history ends.
                let last = package.and_then(|p| p.time_series.first()).and_then(|s| s.points.last().map(|(_, v)| *v));
                match last {
                    Some(last) => Some(Threshold { share: (last * t.value).clamp(0.0, 1.0), tick }),
                    None => {
                        plan.notes.push(
                            "threshold not set: a target said as a multiple needs the outcome's history in the data"
                                .into(),
                        );
                        None
                    }
                }
            }
            TargetUnit::Count { .. } => {
                plan.notes.push(
                    "threshold not set: a target said as a count needs the population's real size; say it as a share"
                        .into(),
                );
                None
            }
        },
        (Some(_), None) if task.horizon.is_some() => {
            plan.notes.push(
                "threshold not set: the horizon is not on the data's calendar yet (no dated history, or before it starts)"
                    .into(),
            );
            None
        }
        (Some(_), None) => {
            plan.notes.push("threshold not set: the question has no horizon".into());
            None
        }
        (None, _) => None,
    };
    Ok(plan)
}

fn describe(change: &Change) -> String {
    match change {
        Change::Relative { fraction } => format!("{:+.0}%", fraction * 100.0),
        Change::Shift { amount, .. } => format!("{amount:+}"),
        Change::SetTo { value, .. } => format!("= {value}"),
    }
}

impl Scenarios {
    /// Stores the analyst's task (as parsed or corrected) as confirmed and applies its plan.
    pub async fn confirm_prediction_task(&self, actor: &Actor, task: &PredictionTask) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        check_prediction_task(task)?;
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, studio_model::Permission::Edit)?;
        let content = open.doc.content().clone();
        let package = self.data.stored_package(&content).await;
        let mut task = task.clone();
        // The horizon's tick follows its date on the data's calendar, whatever the analyst typed.
        studio_intent::set_horizon_ticks(&mut task, crate::question::time_axis(package.as_ref()).as_ref());
        let plan = plan(&task, &content, package.as_ref())?;
        let ctx = self.context(user_id);
        let outcome = confirm_prediction_task(&content, &task, &plan, &ctx)?;
        self.commit_outcome(project_id, &mut open, user_id, &outcome).await
    }
}
