//! The bundled example: heat-pump adoption in Valdoria, a fictional region. Its data (made by
//! `examples/make_example.py` with a fixed seed) is imported into a new project, which is
//! walked through every action that works today: sources with roles, an override with its
//! reason, the data refreshed and the population synthesised as tasks, scenarios, the report
//! settings; the baseline calibrated to the adoption history and played, a price scenario
//! simulated, a detailed report generated and exported as PDF, PPTX, HTML and DOCX; then
//! written to a .studio file.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use serde_json::{Value, json};
use studio_core::model::{ProjectCreate, ProjectLoad, ProjectState, Workbench, WorkbenchAction, WorkbenchResponse};
use studio_core::task_engine::{Task, TaskStatus};
use studio_core::{CoreError, HistoryResponse, Request, Studio};

use crate::call::call;
use crate::output::{Printer, describe};

/// One workbench action through the core's dispatch.
async fn act(studio: &Studio, request: &WorkbenchAction) -> Result<WorkbenchResponse, CoreError> {
    call(studio, Request::WorkbenchAction(request.clone())).await
}

/// The example's data files, built into the program so it runs from anywhere.
const FILES: [(&str, &str); 4] = [
    ("marginals.csv", include_str!("../../../examples/heat-pumps/marginals.csv")),
    ("household_survey.csv", include_str!("../../../examples/heat-pumps/household_survey.csv")),
    ("adoption_history.csv", include_str!("../../../examples/heat-pumps/adoption_history.csv")),
    ("electricity_price.csv", include_str!("../../../examples/heat-pumps/electricity_price.csv")),
];

/// Runs a stage task started by `request` and waits for it, saying how it goes.
/// An ensemble's answer in a line: the final share with its 90% interval, the threshold's odds.
fn headline(ensemble: &Value) -> String {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN) * 100.0;
    let last = &ensemble["final"];
    let t = &ensemble["threshold"];
    format!(
        "adoption at tick {}: {:.2}% (90% interval {:.2}–{:.2}%); P(≥ {:.0}% by tick {}) = {:.2}; digest {}",
        ensemble["ticks"],
        f(&last["p50"]),
        f(&last["p5"]),
        f(&last["p95"]),
        f(&t["share"]),
        t["tick"],
        t["probability"].as_f64().unwrap_or(0.0),
        &ensemble["digest"].as_str().unwrap_or("?")[..12.min(ensemble["digest"].as_str().map_or(1, str::len))]
    )
}

async fn run_task(studio: &Studio, request: &WorkbenchAction, say: &dyn Fn(String)) -> Result<Value> {
    let started = act(studio, request).await?;
    let id = started.result["task_id"].as_str().unwrap_or_default().to_string();
    let mut last = String::new();
    let done = studio
        .wait_task(&id, |t| {
            if let Some(p) = &t.progress
                && p.message != last
            {
                last = p.message.clone();
                say(format!("    {:>3.0}% {}", p.fraction * 100.0, p.message));
            }
        })
        .await?;
    if done.status != TaskStatus::Completed {
        let reason = done.reason().unwrap_or("-").to_string();
        return Err(CoreError::new("task_failed", format!("{}: {reason}", done.name)).into());
    }
    Ok(done.result.map(|r| serde_json::to_value(r.outputs).unwrap_or_default()).unwrap_or_default())
}

/// What the walk made: the project, its report, the report's files and the .studio file.
pub struct Walked {
    pub project_id: String,
    pub report_id: String,
    pub written: Vec<(&'static str, String)>,
    pub file: std::path::PathBuf,
}

pub async fn run(studio: &Arc<Studio>, user: &str, out_dir: &Path, out: &Printer) -> Result<()> {
    let say = |line: String| {
        if !out.json {
            crate::outln!("{line}");
        }
    };
    let Walked { project_id: id, report_id, written, file } = walk(studio, user, out_dir, &say).await?;
    let load = ProjectLoad { project_id: id.clone(), user_id: user.into(), version: None };
    let state: ProjectState = call(studio, Request::GetProject(load)).await?;
    if out.json {
        let reports: serde_json::Map<String, Value> = written.iter().map(|(f, p)| (f.to_string(), json!(p))).collect();
        let summary = json!({"project": state, "studio_file": file, "report_id": report_id, "reports": reports});
        crate::outln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        crate::outln!("\n{}", describe(&state));
        let studio_bin = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "studio".into());
        crate::outln!("\nWrote {}", file.display());
        for (format, path) in &written {
            crate::outln!("Report ({}): {path}", format.to_uppercase());
        }
        crate::outln!("Bring it into another library with: {studio_bin} import {}", file.display());
        crate::outln!("See the project with: {studio_bin} project show {id}");
    }
    Ok(())
}

/// Walks the example through the workbenches (saying each step), writes its report's files
/// and its .studio file under `out_dir`.
pub async fn walk(studio: &Arc<Studio>, user: &str, out_dir: &Path, say: &dyn Fn(String)) -> Result<Walked> {
    let created: ProjectState = call(
        studio,
        Request::CreateProject(ProjectCreate {
            user_id: user.into(),
            team_id: None,
            project_name: "Heat-pump adoption (example)".into(),
            description: Some("Will heat-pump adoption pass 30% in five years if electricity prices fall 20%?".into()),
            initial_query: Some("heat pump adoption > 30% by 2031 given electricity price -20%".into()),
            template_id: None,
        }),
    )
    .await?;
    let id = created.project_id.clone();
    say(format!("Created {} ({id})", created.project_name));

    let save = |id: &str| Request::SaveProject { project_id: id.to_string(), user_id: user.into(), background: false };
    let action = |workbench: Workbench, action: &str, payload: Value| WorkbenchAction {
        project_id: id.clone(),
        user_id: user.into(),
        workbench,
        action: action.into(),
        payload,
    };
    let scenario = |name: &str, price: f64| {
        json!({"scenario_config": {
            "name": name,
            "description": format!("Electricity price index at {price}, a further 0.1 lower from tick 24"),
            "variable_overrides": [{"variable": "price", "value": price}],
            "shock_events": [{"tick": 24, "variable": "price", "magnitude": -0.1}]
        }})
    };
    let data_dir = std::path::absolute(out_dir.join("data"))?;
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| CoreError::new("io_error", format!("{}: {e}", data_dir.display())))?;
    for (name, text) in FILES {
        std::fs::write(data_dir.join(name), text)
            .map_err(|e| CoreError::new("io_error", format!("{}: {e}", data_dir.display())))?;
    }
    let source = |name: &str, file: &str, config: Value| {
        let mut config = config;
        config["path"] = json!(data_dir.join(file));
        config["import"] = json!(true);
        action(Workbench::Data, "configure_source", json!({"source_name": name, "configuration": config}))
    };
    let steps = vec![
        source("marginals", "marginals.csv", json!({"role": "marginal"})),
        source(
            "household_survey",
            "household_survey.csv",
            json!({"role": "microdata", "columns": ["age_band", "income_band", "household_size", "area"],
                   "weight_column": "weight"}),
        ),
        source(
            "adoption_history",
            "adoption_history.csv",
            json!({"role": "time_series", "time_column": "quarter", "value_column": "adoption",
                   "outcome": "heat_pump_adoption", "units": {"adoption": "share of households"}}),
        ),
        source(
            "electricity_price",
            "electricity_price.csv",
            json!({"role": "variables", "time_column": "quarter", "units": {"price": "index, 2018Q1 = 1"}}),
        ),
        action(
            Workbench::Data,
            "override_value",
            json!({"override": {"field": "adoption_history.adoption[3]",
            "value": 0.0035, "reason": "2018Q3 revised by the statistics office (March 2026 release)"}}),
        ),
        action(
            Workbench::Data,
            "add_custom_source",
            json!({"source_name": "price_path",
            "configuration": {"type": "table", "columns": [{"name": "year", "type": "integer"},
            {"name": "index", "type": "number"}], "rows": [[2026, 1.0], [2027, 0.93], [2028, 0.86]]}}),
        ),
        action(Workbench::Scenario, "create_scenario", scenario("Prices fall 20%", 0.994)),
        action(
            Workbench::Report,
            "customize",
            json!({"report_config": {"template": "detailed_analysis",
            "sections": [], "include_charts": true, "include_methodology": true}}),
        ),
        action(
            Workbench::Report,
            "add_annotation",
            json!({"annotation": {"section": "summary",
            "text": "Check against the 2025 installer survey", "author": "example"}}),
        ),
    ];
    let mut last = None;
    for step in &steps {
        let response = act(studio, step).await?;
        let entry = response.updated_project_state.modification_log.last().cloned();
        say(format!("  {}/{}: {}", step.workbench, step.action, entry.map(|e| e.summary).unwrap_or_default()));
        for warning in &response.state_changes.warnings {
            say(format!("    warning: {warning}"));
        }
        last = Some(response);
    }
    say("  data/refresh_data (a task):".into());
    let package = run_task(studio, &action(Workbench::Data, "refresh_data", json!({})), say).await?;
    for s in package["sources"].as_array().into_iter().flatten() {
        say(format!(
            "    {}: {} rows, {} ({})",
            s["source_name"].as_str().unwrap_or("?"),
            s["rows"],
            s["role"].as_str().unwrap_or("-"),
            s["status"].as_str().unwrap_or("?")
        ));
    }
    say("  population/resize_population: 100,000 agents".into());
    act(studio, &action(Workbench::Population, "resize_population", json!({"target_size": 100_000}))).await?;
    say("  population/regenerate (a task):".into());
    let settings =
        json!({"edits": {"seed": 42, "archetypes": 6, "network": {"degree": 10, "rewiring": 0.1, "homophily": 0.3}}});
    let population = run_task(studio, &action(Workbench::Population, "regenerate", settings), say).await?;
    say(format!("    {} agents, digest {}", population["size"], population["digest"].as_str().unwrap_or("?")));
    for fit in population["fit"].as_array().into_iter().flatten() {
        say(format!(
            "    fit {:<15} TAE {:>6.0}  SRMSE {:.4}",
            fit["dimension"].as_str().unwrap_or("?"),
            fit["tae"].as_f64().unwrap_or(0.0),
            fit["srmse"].as_f64().unwrap_or(0.0)
        ));
    }
    for a in population["archetypes"].as_array().into_iter().flatten() {
        say(format!(
            "    {} {:<34} {:>5.1}%",
            a["archetype_id"].as_str().unwrap_or("?"),
            a["label"].as_str().unwrap_or("?"),
            a["share"].as_f64().unwrap_or(0.0) * 100.0
        ));
    }
    let network = act(studio, &action(Workbench::Population, "view_network", json!({}))).await?.result;
    let summary = &network["summary"];
    say(format!(
        "  population/view_network: {} ties, clustering {:.3}, mean path length {:.2}, same-archetype ties {:.0}%",
        summary["edges"],
        summary["clustering_coefficient"].as_f64().unwrap_or(0.0),
        summary["mean_path_length"].as_f64().unwrap_or(0.0),
        summary["same_archetype_ties"].as_f64().unwrap_or(0.0) * 100.0
    ));

    let second = last
        .as_ref()
        .and_then(|r| r.updated_project_state.scenarios.get(1))
        .map(|s| s.scenario_id.clone())
        .ok_or_else(|| CoreError::internal("the example's second scenario is missing"))?;
    let duplicated =
        act(studio, &action(Workbench::Scenario, "duplicate_scenario", json!({"scenario_id": second}))).await?;
    say("  scenario/duplicate_scenario: copied 'Prices fall 20%'".into());
    let copy = duplicated.updated_project_state.scenarios.last().map(|s| s.scenario_id.clone()).unwrap_or_default();
    act(studio, &action(Workbench::Scenario, "delete_scenario", json!({"scenario_id": copy}))).await?;
    say("  scenario/delete_scenario: removed the copy".into());

    let saved: ProjectState = call(studio, save(&id)).await?;
    say(format!("Saved version {}", saved.version));
    let undone: HistoryResponse = call(studio, Request::Undo { project_id: id.clone(), user_id: user.into() }).await?;
    say(format!("Undid: {}", undone.entry.summary));
    let redone: HistoryResponse = call(studio, Request::Redo { project_id: id.clone(), user_id: user.into() }).await?;
    say(format!("Redid: {}", redone.entry.summary));
    let saved: ProjectState = call(studio, save(&id)).await?;
    say(format!("Saved version {}", saved.version));

    // Quarters: spontaneous adoption c − 0.001 · price, neighbours' weight w, the market
    // potential m; their posterior fitted to the history (ABC-SMC), the runs forecasts from
    // the history's end (2025Q4, tick 31) to tick 40.
    let settings = json!({"simulation_config": {"ticks": 40, "replicates": 20, "seed": 42,
        "model": {"kind": "diffusion", "spontaneous": {"constant": 0.004, "variables": {"price": -0.001}},
                  "influence": {"constant": 0.15}},
        "threshold": {"share": 0.12, "tick": 40},
        "calibration": {"series": "heat_pump_adoption", "replicates": 1, "max_evaluations": 800, "parameters": [
            {"path": "spontaneous.constant", "lower": 0.0015, "upper": 0.02},
            {"path": "influence.constant", "lower": 0.0, "upper": 0.5},
            {"path": "potential", "lower": 0.05, "upper": 1.0}]}}});
    say("  simulation/run (a task: the baseline):".into());
    let baseline = run_task(studio, &action(Workbench::Simulation, "run", settings), say).await?;
    say(format!("    {}", headline(&baseline)));
    say("  scenario/run_scenario (a task: 'Prices fall 20%'):".into());
    let cheaper =
        run_task(studio, &action(Workbench::Scenario, "run_scenario", json!({"scenario_id": second})), say).await?;
    say(format!("    {}", headline(&cheaper)));

    say("  report/generate (a task: the detailed analysis):".into());
    let report = run_task(studio, &action(Workbench::Report, "generate", json!({})), say).await?;
    let report_id = report["report_id"].as_str().unwrap_or_default().to_string();
    say(format!(
        "    '{}': {} sections",
        report["title"].as_str().unwrap_or("?"),
        report["sections"].as_array().map_or(0, Vec::len)
    ));
    let reports = out_dir.join("reports");
    let mut written = Vec::new();
    for format in studio_core::model::ReportFormat::ALL.map(|f| f.as_str()) {
        let path = reports.join(format!("heat-pump-adoption.{format}"));
        let request = Request::ExportReport {
            project_id: id.clone(),
            report_id: report_id.clone(),
            user_id: user.into(),
            format: format.to_string(),
            path: Some(path),
        };
        let task: Task = call(studio, request).await?;
        let done = studio.wait_task(&task.id, |_| {}).await?;
        if done.status != TaskStatus::Completed {
            let reason = done.reason().unwrap_or("-").to_string();
            return Err(CoreError::new("export_failed", format!("exporting the report as {format}: {reason}")).into());
        }
        let receipt = done.result.map(|r| r.outputs).unwrap_or_default();
        let path = receipt.get("path").and_then(Value::as_str).unwrap_or_default().to_string();
        say(format!(
            "  report/export {format}: {path} ({} bytes)",
            receipt.get("bytes").and_then(Value::as_u64).unwrap_or(0)
        ));
        written.push((format, path));
    }

    std::fs::create_dir_all(out_dir).map_err(|e| CoreError::new("io_error", format!("{}: {e}", out_dir.display())))?;
    let file = out_dir.join("heat-pump-adoption.studio");
    let request = Request::ExportProject { project_id: id.clone(), path: file.clone(), with_artifacts: true };
    let task: Task = call(studio, request).await?;
    let done = studio.wait_task(&task.id, |_| {}).await?;
    if done.status != TaskStatus::Completed {
        let reason = done.reason().unwrap_or("-").to_string();
        return Err(CoreError::new("export_failed", format!("writing {}: {reason}", file.display())).into());
    }
    let file = std::fs::canonicalize(&file).unwrap_or(file);
    Ok(Walked { project_id: id, report_id, written, file })
}
