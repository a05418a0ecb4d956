//! The project's question read with what the project knows: the variables its data and its
//! simulation settings name (for the conditions) and its data's time axis (for the horizon in
//! ticks). Made when the question is set, and again on request (`parse_question`) once the
//! data has changed.

use studio_intent::Variable;
use studio_model::{Day, PredictionTask, ProjectContent, SimulationSettings, TimeAxis};

use crate::actor::Actor;
use crate::data_package::DataPackage;
use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::projects_service::Projects;

/// The longest question read, in characters.
pub const MAX_QUESTION: usize = 10_000;

/// The variables a condition may name: the settings' and the data's, each data series known by
/// its source's name too.
pub(crate) fn variables(content: &ProjectContent, package: Option<&DataPackage>) -> Vec<Variable> {
    let settings = SimulationSettings::of(content).unwrap_or_default();
    let mut out: Vec<Variable> =
        settings.variables.keys().map(|name| Variable { name: name.clone(), aliases: Vec::new() }).collect();
    for series in package.map(|p| p.variables.as_slice()).unwrap_or_default() {
        match out.iter_mut().find(|v| v.name == series.name) {
            Some(v) => v.aliases.push(series.source_name.clone()),
            None => out.push(Variable { name: series.name.clone(), aliases: vec![series.source_name.clone()] }),
        }
    }
    out
}

/// The data's time axis: the history's labels, else a variable's.
pub(crate) fn time_axis(package: Option<&DataPackage>) -> Option<TimeAxis> {
    let package = package?;
    let series = package.time_series.first().or(package.variables.first())?;
    let labels: Vec<&str> = series.points.iter().map(|(t, _)| t.as_str()).collect();
    TimeAxis::from_labels(&labels)
}

/// The day of an ISO 8601 timestamp.
pub(crate) fn day_of(timestamp: &str) -> Day {
    timestamp.get(..10).and_then(Day::parse).unwrap_or(Day { year: 1970, month: 1, day: 1 })
}

/// `question` read as asked on `asked_on`, with the project's variables and time axis.
pub(crate) fn understand(
    content: &ProjectContent,
    package: Option<&DataPackage>,
    question: &str,
    asked_on: Day,
) -> PredictionTask {
    let mut task = studio_intent::parse(question, asked_on);
    studio_intent::resolve_variables(&mut task, &variables(content, package));
    studio_intent::set_horizon_ticks(&mut task, time_axis(package).as_ref());
    task
}

impl Projects {
    /// `question` (else the project's own) read with the project's variables and calendar, as
    /// asked today; nothing is stored.
    pub async fn parse_question(&self, actor: &Actor, question: Option<&str>) -> Result<PredictionTask> {
        let content = {
            let open = self.project(&actor.project_id).await?;
            Library::check_permission(&open, &actor.user_id, studio_model::Permission::Read)?;
            open.doc.content().clone()
        };
        let question = question
            .map(str::to_string)
            .or_else(|| content.meta("initial_query").map(str::to_string))
            .filter(|q| !q.trim().is_empty())
            .ok_or_else(|| CoreError::invalid("the project has no question: give one in `question`"))?;
        if question.chars().count() > MAX_QUESTION {
            return Err(CoreError::invalid(format!("question is over {MAX_QUESTION} characters")));
        }
        let package = self.data.stored_package(&content).await;
        Ok(understand(&content, package.as_ref(), &question, day_of(&studio_store::now())))
    }
}
