//! Reads over simulated scenarios: `compare_scenarios` with their results side by side (final
//! value with its 90% interval, difference from the baseline, when each median crosses the
//! threshold, the threshold's probability), and `export_data`: the per-tick series overall,
//! by archetype and by every categorical attribute, as CSV, JSON or Parquet, written to the
//! library's exports folder.

use std::path::PathBuf;

use serde_json::{Value, json};
use studio_model::{ProjectContent, SimulationConsolePayload, SimulationSettings, WorkbenchAction, compare_scenarios};

use crate::{CoreError, Result, Studio};

/// One row of an export: a statistic of a series at a tick.
pub struct ExportRow {
    pub scenario: String,
    /// `overall`, `archetype` or the categorical attribute's name.
    pub series: String,
    pub segment: String,
    pub tick: u32,
    /// `mean`, `p5`, `p25`, `p50`, `p75` or `p95`.
    pub statistic: &'static str,
    pub value: f64,
}

const BANDS: [&str; 5] = ["p5", "p25", "p50", "p75", "p95"];

/// The rows of a stored ensemble, in a stable order.
pub fn export_rows(report: &Value) -> Vec<ExportRow> {
    let scenario = report["scenario_name"].as_str().unwrap_or_default().to_string();
    let mut rows = Vec::new();
    let mut push = |series: &str, segment: &str, statistic: &'static str, values: &[Value]| {
        for (t, v) in values.iter().enumerate() {
            rows.push(ExportRow {
                scenario: scenario.clone(),
                series: series.to_string(),
                segment: segment.to_string(),
                tick: t as u32,
                statistic,
                value: v.as_f64().unwrap_or(f64::NAN),
            });
        }
    };
    let empty = Vec::new();
    push("overall", "all", "mean", report["mean"].as_array().unwrap_or(&empty));
    let bands = report["bands"].as_array().unwrap_or(&empty);
    for (q, name) in BANDS.iter().enumerate() {
        let column: Vec<Value> = bands.iter().map(|b| b[q].clone()).collect();
        push("overall", "all", name, &column);
    }
    for (label, series) in report["by_archetype"].as_object().into_iter().flatten() {
        push("archetype", label, "mean", series.as_array().unwrap_or(&empty));
    }
    for (dimension, categories) in report["by_segment"].as_object().into_iter().flatten() {
        for (category, series) in categories.as_object().into_iter().flatten() {
            push(dimension, category, "mean", series.as_array().unwrap_or(&empty));
        }
    }
    rows
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

pub fn to_csv(rows: &[ExportRow]) -> Vec<u8> {
    let mut out = String::from("scenario,series,segment,tick,statistic,value\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            csv_field(&r.scenario),
            csv_field(&r.series),
            csv_field(&r.segment),
            r.tick,
            r.statistic,
            r.value
        ));
    }
    out.into_bytes()
}

pub fn to_json(rows: &[ExportRow]) -> Vec<u8> {
    let list: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"scenario": r.scenario, "series": r.series, "segment": r.segment, "tick": r.tick,
                   "statistic": r.statistic, "value": r.value})
        })
        .collect();
    serde_json::to_vec_pretty(&list).unwrap_or_default()
}

pub fn to_parquet(rows: &[ExportRow]) -> Result<Vec<u8>> {
    let text = |f: fn(&ExportRow) -> &str| rows.iter().map(|r| f(r).to_string()).collect::<Vec<_>>();
    let columns = vec![
        ("scenario", studio_data::ParquetColumn::Text(text(|r| &r.scenario))),
        ("series", studio_data::ParquetColumn::Text(text(|r| &r.series))),
        ("segment", studio_data::ParquetColumn::Text(text(|r| &r.segment))),
        ("tick", studio_data::ParquetColumn::Int(rows.iter().map(|r| i64::from(r.tick)).collect())),
        ("statistic", studio_data::ParquetColumn::Text(text(|r| r.statistic))),
        ("value", studio_data::ParquetColumn::Float(rows.iter().map(|r| r.value).collect())),
    ];
    studio_data::write_parquet(&columns).map_err(|e| CoreError::internal(e.to_string()))
}

impl Studio {
    fn exports_dir(&self) -> PathBuf {
        self.config.db_path.parent().map(|p| p.join("exports")).unwrap_or_else(|| "exports".into())
    }

    /// `simulation/export_data`: a scenario's series (`simulation_config.scenario_id`, else the
    /// console's) written as a file, the answer naming it, its format, rows and bytes; without
    /// `export_format`, the ensemble's summary itself (bands, final value, calibration).
    pub(crate) async fn export_data(&self, req: &WorkbenchAction, content: &ProjectContent) -> Result<Value> {
        let p: SimulationConsolePayload = serde_json::from_value(req.payload.clone())
            .map_err(|e| CoreError::invalid(format!("simulation/export_data payload is not valid: {e}")))?;
        let settings = SimulationSettings::of(content)?;
        let named = p.simulation_config.as_ref().and_then(|c| c.get("scenario_id")).and_then(Value::as_str);
        let scenario_id = match named.map(str::to_string).or(settings.scenario_id) {
            Some(id) if content.scenarios.contains_key(&id) => id,
            Some(id) => return Err(CoreError::new("not_found", format!("scenario not found: {id}"))),
            None => content.scenarios_in_order().first().map(|s| s.scenario_id.clone()).unwrap_or_default(),
        };
        let report = self.ensemble_of(content, &scenario_id).await?;
        let Some(format) = p.export_format.as_deref() else {
            // No format: the data itself, for the console's charts.
            let id = content.runs.get(&scenario_id).and_then(|r| r.ensemble_id.clone()).unwrap_or_default();
            let mut summary = crate::scenario_runs::ensemble_summary(&report, &id);
            summary["calibration"] = report["calibration"].clone();
            summary["by_archetype"] = report["by_archetype"].clone();
            summary["variables"] = report["variables"].clone();
            summary["injected_shocks"] = report["injected_shocks"].clone();
            return Ok(summary);
        };
        let rows = export_rows(&report);
        let bytes = match format {
            "csv" => to_csv(&rows),
            "json" => to_json(&rows),
            "parquet" => to_parquet(&rows)?,
            other => {
                return Err(CoreError::invalid(format!("export_format '{other}' is not one of: csv, json, parquet")));
            }
        };
        let dir = self.exports_dir();
        std::fs::create_dir_all(&dir).map_err(|e| CoreError::new("io", format!("{}: {e}", dir.display())))?;
        let name = format!(
            "{}-{}-series.{format}",
            slug(content.meta("project_name").unwrap_or("project")),
            slug(report["scenario_name"].as_str().unwrap_or("scenario"))
        );
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(|e| CoreError::new("io", format!("{}: {e}", path.display())))?;
        Ok(json!({"path": path, "format": format, "rows": rows.len(), "bytes": bytes.len(),
                  "scenario_id": scenario_id, "digest": report["digest"]}))
    }

    /// `compare_scenarios`: the configuration differences, and the results of those simulated.
    pub(crate) async fn compare_with_results(&self, content: &ProjectContent, payload: &Value) -> Result<Value> {
        let mut answer = compare_scenarios(content, payload)?;
        let ids: Vec<String> = answer["scenarios"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["scenario_id"].as_str().map(str::to_string))
            .collect();
        let baseline = content.scenarios_in_order().first().map(|s| s.scenario_id.clone());
        let baseline_final = match &baseline {
            Some(id) => self.ensemble_of(content, id).await.ok().and_then(|r| r["final"]["p50"].as_f64()),
            None => None,
        };
        let mut results = Vec::new();
        for id in &ids {
            let Ok(report) = self.ensemble_of(content, id).await else {
                results.push(json!({"scenario_id": id, "simulated": false}));
                continue;
            };
            let median = report["final"]["p50"].as_f64();
            results.push(json!({
                "scenario_id": id,
                "simulated": true,
                "stale": content.runs.get(id).is_some_and(|r| r.status != "completed"),
                "final": report["final"],
                "interval_90": [report["final"]["p5"], report["final"]["p95"]],
                "difference_from_baseline": median.zip(baseline_final).map(|(m, b)| m - b),
                "median_crossing": report["median_crossing"],
                "threshold": report["threshold"],
                "digest": report["digest"],
            }));
        }
        answer["baseline_id"] = json!(baseline);
        answer["results"] = json!(results);
        Ok(answer)
    }
}

/// A file-name-safe form of a name.
fn slug(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.is_empty() { "untitled".into() } else { s }
}
