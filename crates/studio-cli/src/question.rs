//! `studio question PROJECT [--set TEXT] [--confirm]`: the project's question read into a
//! prediction task, each part beside the words it came from; `--set` changes the question,
//! `--confirm` confirms the task (its conditions' scenario and the threshold follow).

use anyhow::Result;
use studio_core::model::{PartField, PredictionTask, ProjectState};
use studio_core::{MetadataUpdate, Request, Studio};

use crate::call::call;
use crate::output::Printer;

fn field(f: PartField) -> &'static str {
    match f {
        PartField::Outcome => "outcome",
        PartField::Comparison => "comparison",
        PartField::Target => "target",
        PartField::Horizon => "horizon",
        PartField::Condition => "condition",
        PartField::Unknown => "not understood",
    }
}

/// The task as lines: each part, its words and what they were taken for.
pub fn describe(task: &PredictionTask) -> String {
    let mut lines = vec![format!("Question: {}", task.question)];
    for p in &task.understood {
        lines.push(format!("  {:<15}“{}” — {}", field(p.field), p.text, p.note));
    }
    if let Some(ticks) = task.horizon.as_ref().and_then(|h| h.ticks) {
        lines.push(format!("  {:<15}tick {ticks} of the data's calendar", ""));
    }
    for p in &task.not_understood {
        lines.push(format!("  {:<15}“{}” — {}", field(p.field), p.text, p.note));
    }
    let missing: Vec<&str> = [
        ("an outcome", task.outcome.is_none()),
        ("a target", task.target.is_none()),
        ("a horizon", task.horizon.is_none()),
    ]
    .iter()
    .filter(|(_, m)| *m)
    .map(|(w, _)| *w)
    .collect();
    if !missing.is_empty() {
        lines.push(format!("  missing: {}", missing.join(", ")));
    }
    let state = if task.confirmed { "confirmed" } else { "not confirmed" };
    lines.push(format!("{} ({state})", task.task_id));
    lines.join("\n")
}

pub async fn question(
    studio: &Studio,
    user: &str,
    project_id: &str,
    set: Option<String>,
    confirm: bool,
    out: &Printer,
) -> Result<()> {
    if let Some(text) = set {
        let update = MetadataUpdate { initial_query: Some(text), ..Default::default() };
        let _: ProjectState =
            call(studio, Request::UpdateProject { project_id: project_id.into(), user_id: user.into(), update })
                .await?;
    }
    let task: PredictionTask =
        call(studio, Request::ParseQuestion { project_id: project_id.into(), user_id: user.into(), question: None })
            .await?;
    if confirm {
        let state: ProjectState =
            call(studio, Request::ConfirmPredictionTask { project_id: project_id.into(), user_id: user.into(), task })
                .await?;
        let confirmed =
            state.prediction_task.ok_or_else(|| anyhow::anyhow!("the project {project_id} kept no prediction task"))?;
        return out.emit(&confirmed, || describe(&confirmed));
    }
    out.emit(&task, || describe(&task))
}
