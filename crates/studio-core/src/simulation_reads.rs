//! Reads over simulated scenarios: `compare_scenarios` with their results side by side (final
//! value with its 90% interval, difference from the baseline, when each median crosses the
//! threshold, the threshold's probability), and `export_data`: the per-tick series overall,
//! by archetype and by every categorical attribute — or, with `simulation_config.agents`,
//! each agent's final state in one replicate — as CSV, JSON or Parquet, written to the
//! library's exports folder.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};
use studio_data::ParquetColumn;
use studio_engine::population;
use studio_engine::simulation::{Agents, NEVER, Variables};
use studio_model::{
    CalibrationFit, DataExport, Ensemble, EnsembleSummary, EnsembleVariables, ExportFormat, ProjectContent, ShockEvent,
    SimulationSettings, TimeAxis, compare_scenarios,
};

use crate::error::{CoreError, Result};
use crate::file_names::slug;
use crate::scenario_runs::{engine_shock, model_of};
use crate::scenarios::Scenarios;

/// A scenario's series for the console's charts: its summary, the fit it started from, the
/// means by archetype, its variables and the shocks injected by hand.
#[derive(Serialize)]
struct EnsembleSeries<'a> {
    #[serde(flatten)]
    summary: EnsembleSummary,
    calibration: &'a Option<CalibrationFit>,
    by_archetype: &'a BTreeMap<String, Vec<f64>>,
    variables: &'a EnsembleVariables,
    injected_shocks: &'a [ShockEvent],
}

/// A table to export, column by column.
pub type Columns = Vec<(String, ParquetColumn)>;

const BANDS: [&str; 5] = ["p5", "p25", "p50", "p75", "p95"];

/// The per-tick series of a stored ensemble in long form — scenario, series (`overall`,
/// `archetype` or the attribute), segment, tick, the tick's period when the data has a calendar
/// (`2026 Q1`), statistic (`mean`, `p5`…`p95`), value.
pub fn export_rows(ensemble: &Ensemble, axis: Option<&TimeAxis>) -> Columns {
    let (mut series_col, mut segment_col, mut tick_col, mut stat_col, mut value_col) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut push = |series: &str, segment: &str, statistic: &str, values: &mut dyn Iterator<Item = f64>| {
        for (t, v) in values.enumerate() {
            series_col.push(series.to_string());
            segment_col.push(segment.to_string());
            tick_col.push(t as i64);
            stat_col.push(statistic.to_string());
            value_col.push(v);
        }
    };
    push("overall", "all", "mean", &mut ensemble.mean.iter().copied());
    for (q, name) in BANDS.iter().enumerate() {
        push("overall", "all", name, &mut ensemble.bands.iter().map(|b| b[q]));
    }
    for (label, series) in &ensemble.by_archetype {
        push("archetype", label, "mean", &mut series.iter().copied());
    }
    for (dimension, categories) in &ensemble.by_segment {
        for (category, series) in categories {
            push(dimension, category, "mean", &mut series.iter().copied());
        }
    }
    let period = axis.map(|a| tick_col.iter().map(|&t| a.label(t.max(0) as u64)).collect::<Vec<_>>());
    let mut columns: Columns = vec![
        ("scenario".into(), ParquetColumn::Text(vec![ensemble.scenario_name.clone(); tick_col.len()])),
        ("series".into(), ParquetColumn::Text(series_col)),
        ("segment".into(), ParquetColumn::Text(segment_col)),
        ("tick".into(), ParquetColumn::Int(tick_col)),
    ];
    if let Some(period) = period {
        columns.push(("period".into(), ParquetColumn::Text(period)));
    }
    columns.push(("statistic".into(), ParquetColumn::Text(stat_col)));
    columns.push(("value".into(), ParquetColumn::Float(value_col)));
    columns
}

/// Each agent's final state in one replicate of a stored ensemble, re-run from its recorded
/// inputs and checked against the replicate's digest: agent, archetype, every attribute, and
/// the tick it adopted at (−1: never) or, in an opinion model, its opinion.
pub fn agent_rows(population: &[u8], ensemble: &Ensemble, replicate: u32) -> Result<Columns> {
    let settings = &ensemble.settings;
    let variables = Variables {
        initial: ensemble.variables.initial.clone(),
        shocks: ensemble.variables.shocks.iter().map(engine_shock).collect(),
    };
    let digests = &ensemble.run_digests;
    let Some(expected) = digests.get(replicate as usize) else {
        return Err(CoreError::invalid(format!(
            "replicate {replicate} is out of range: the ensemble has 0 to {}",
            digests.len().saturating_sub(1)
        )));
    };
    let (header, pop) = population::decode(population).map_err(|e| CoreError::internal(e.to_string()))?;
    if ensemble.population_digest != header.digest {
        return Err(CoreError::new(
            "not_ready",
            "the population changed since this run: run the scenario again to export its agents",
        ));
    }
    let agents = Agents::from_population(pop, &header.digest).map_err(|e| CoreError::internal(e.to_string()))?;
    let sim = agents.simulation(model_of(settings)?, variables, settings.ticks as u32, settings.initial_share);
    let run = sim.run(settings.seed, replicate).map_err(|e| CoreError::invalid(e.to_string()))?;
    if run.digest != *expected {
        return Err(CoreError::internal("the re-run does not match the stored replicate (its digest differs)"));
    }
    let n = agents.groups.len();
    let label = |g: u8| agents.group_names.get(usize::from(g)).cloned().unwrap_or_default();
    let mut columns: Columns = vec![
        ("agent".into(), ParquetColumn::Int((0..n as i64).collect())),
        ("archetype".into(), ParquetColumn::Text(agents.groups.iter().map(|&g| label(g)).collect())),
    ];
    for segment in &agents.segments {
        let values = segment.codes.iter().map(|&c| segment.categories.get(usize::from(c)).cloned().unwrap_or_default());
        columns.push((segment.name.clone(), ParquetColumn::Text(values.collect())));
    }
    if run.opinion.is_empty() {
        let at = run.adopted_at.iter().map(|&t| if t == NEVER { -1 } else { i64::from(t) });
        columns.push(("adopted_at".into(), ParquetColumn::Int(at.collect())));
    } else {
        columns.push(("opinion".into(), ParquetColumn::Float(run.opinion.iter().map(|&x| f64::from(x)).collect())));
    }
    Ok(columns)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn cell(column: &ParquetColumn, row: usize) -> Value {
    match column {
        ParquetColumn::Text(v) => json!(v[row]),
        ParquetColumn::Int(v) => json!(v[row]),
        ParquetColumn::Float(v) => json!(v[row]),
    }
}

fn rows_of(columns: &Columns) -> usize {
    columns.first().map_or(0, |(_, c)| c.len())
}

pub fn to_csv(columns: &Columns) -> Vec<u8> {
    let mut out = columns.iter().map(|(n, _)| csv_field(n)).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in 0..rows_of(columns) {
        let fields: Vec<String> = columns
            .iter()
            .map(|(_, c)| match cell(c, row) {
                Value::String(s) => csv_field(&s),
                other => other.to_string(),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

pub fn to_json(columns: &Columns) -> Vec<u8> {
    let list: Vec<Value> = (0..rows_of(columns))
        .map(|row| Value::Object(columns.iter().map(|(n, c)| (n.clone(), cell(c, row))).collect()))
        .collect();
    serde_json::to_vec_pretty(&list).unwrap_or_default()
}

pub fn to_parquet(columns: &Columns) -> Result<Vec<u8>> {
    studio_data::write_parquet(columns).map_err(|e| CoreError::internal(e.to_string()))
}

impl Scenarios {
    /// `simulation/export_data`: a scenario's series (`simulation_config.scenario_id`, else the
    /// console's) written as a file, the answer naming it, its format, rows and bytes; without
    /// `export_format`, the ensemble's summary itself (bands, final value, calibration).
    pub(crate) async fn export_data(&self, export: &DataExport, content: &ProjectContent) -> Result<Value> {
        let settings = SimulationSettings::of(content)?;
        let scenario_id = match export.scenario_id.clone().or(settings.scenario_id) {
            Some(id) if content.scenarios.contains_key(&id) => id,
            Some(id) => return Err(CoreError::new("not_found", format!("scenario not found: {id}"))),
            None => content.scenarios_in_order().first().map(|s| s.scenario_id.clone()).unwrap_or_default(),
        };
        let report = self.ensemble_of(content, &scenario_id).await?;
        let Some(format) = export.format else {
            // No format: the data itself, for the console's charts.
            let id = content.runs.get(&scenario_id).and_then(|r| r.ensemble_id.clone()).unwrap_or_default();
            let series = EnsembleSeries {
                summary: report.summary(&id),
                calibration: &report.calibration,
                by_archetype: &report.by_archetype,
                variables: &report.variables,
                injected_shocks: &report.injected_shocks,
            };
            return serde_json::to_value(series).map_err(CoreError::internal);
        };
        let rows = if export.agents {
            let replicate = export.replicate;
            let bytes = match content.scenarios.get(&scenario_id).and_then(|s| s.config.population_adjustments.as_ref())
            {
                Some(adjustments) if !adjustments.is_empty() => {
                    let name = content.scenarios[&scenario_id].name.clone();
                    self.population.adjusted_population(content, &name, adjustments).await?
                }
                _ => self.population.population_bytes(content).await?,
            };
            let report = report.clone();
            tokio::task::spawn_blocking(move || agent_rows(&bytes, &report, replicate))
                .await
                .map_err(CoreError::internal)??
        } else {
            let package = self.data.stored_package(content).await;
            export_rows(&report, crate::question::time_axis(package.as_ref()).as_ref())
        };
        if let Some((name, column)) = rows.iter().find(|(_, c)| c.len() != rows_of(&rows)) {
            return Err(CoreError::internal(format!(
                "export column '{name}' has {} values, not {}",
                column.len(),
                rows_of(&rows)
            )));
        }
        let bytes = match format {
            ExportFormat::Csv => to_csv(&rows),
            ExportFormat::Json => to_json(&rows),
            ExportFormat::Parquet => to_parquet(&rows)?,
        };
        let format = format.as_str();
        let dir = self.config.exports_dir();
        std::fs::create_dir_all(&dir).map_err(|e| CoreError::new("io", format!("{}: {e}", dir.display())))?;
        let name = format!(
            "{}-{}-{}.{format}",
            slug(content.meta("project_name").unwrap_or("project")),
            slug(if report.scenario_name.is_empty() { "scenario" } else { &report.scenario_name }),
            if export.agents { "agents" } else { "series" }
        );
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(|e| CoreError::new("io", format!("{}: {e}", path.display())))?;
        Ok(json!({"path": path, "format": format, "rows": rows_of(&rows), "bytes": bytes.len(),
                  "scenario_id": scenario_id, "digest": report.digest}))
    }

    /// `compare_scenarios`: the configuration differences, and the results of those simulated.
    pub(crate) async fn compare_with_results(&self, content: &ProjectContent, ids: &[String]) -> Result<Value> {
        let mut answer = compare_scenarios(content, ids)?;
        let ids: Vec<String> = answer["scenarios"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["scenario_id"].as_str().map(str::to_string))
            .collect();
        let baseline = content.scenarios_in_order().first().map(|s| s.scenario_id.clone());
        let baseline_final = match &baseline {
            Some(id) => self.ensemble_of(content, id).await.ok().map(|r| r.last.p50),
            None => None,
        };
        let mut results = Vec::new();
        for id in &ids {
            let Ok(report) = self.ensemble_of(content, id).await else {
                results.push(json!({"scenario_id": id, "simulated": false}));
                continue;
            };
            let median = Some(report.last.p50);
            results.push(json!({
                "scenario_id": id,
                "simulated": true,
                "stale": content.runs.get(id).is_some_and(|r| r.status != studio_model::ScenarioStatus::Completed),
                "final": report.last,
                "interval_90": [report.last.p5, report.last.p95],
                "difference_from_baseline": median.zip(baseline_final).map(|(m, b)| m - b),
                "median_crossing": report.median_crossing,
                "threshold": report.threshold,
                "digest": report.digest,
            }));
        }
        answer["baseline_id"] = json!(baseline);
        answer["results"] = json!(results);
        Ok(answer)
    }
}
