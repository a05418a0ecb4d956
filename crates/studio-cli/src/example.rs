//! The bundled example: a heat-pump adoption project walked through every action that works
//! today, saved, undone and redone, and written to a .studio file.

use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};
use studio_core::model::{ProjectCreate, Workbench, WorkbenchAction};
use studio_core::{CoreError, Studio};

use crate::output::{Printer, describe};

pub async fn run(studio: &Studio, user: &str, out_dir: &Path, out: &Printer) -> Result<()> {
    let say = |line: String| {
        if !out.json {
            println!("{line}");
        }
    };
    let created = studio
        .create_project(&ProjectCreate {
            user_id: user.into(),
            team_id: None,
            project_name: "Heat-pump adoption (example)".into(),
            description: Some("Will heat-pump adoption pass 30% in five years if electricity prices fall 20%?".into()),
            initial_query: Some("heat pump adoption > 30% by 2031 given electricity price -20%".into()),
            template_id: None,
        })
        .await?;
    let id = created.project_id.clone();
    say(format!("Created {} ({id})", created.project_name));

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
            "description": format!("Electricity price index at {price}"),
            "variable_overrides": [{"variable": "electricity_price_index", "value": price}],
            "shock_events": [{"tick": 24, "variable": "subsidy", "magnitude": 0.1}]
        }})
    };
    let steps = vec![
        action(
            Workbench::Data,
            "configure_source",
            json!({"source_name": "household_survey",
            "configuration": {"role": "microdata", "columns": {"income": "number", "region": "category"}}}),
        ),
        action(
            Workbench::Data,
            "override_value",
            json!({"override": {"field": "households.total",
            "value": 28_100_000, "reason": "2025 census revision"}}),
        ),
        action(
            Workbench::Data,
            "add_custom_source",
            json!({"source_name": "price_path",
            "configuration": {"type": "table", "columns": [{"name": "year", "type": "integer"},
            {"name": "index", "type": "number"}], "rows": [[2026, 1.0], [2027, 0.93], [2028, 0.86]]}}),
        ),
        action(Workbench::Scenario, "create_scenario", scenario("Baseline", 1.0)),
        action(Workbench::Scenario, "create_scenario", scenario("Prices fall 20%", 0.8)),
        action(
            Workbench::Report,
            "customize",
            json!({"report_config": {"template": "executive_summary",
            "sections": ["headline", "drivers", "scenarios"], "include_charts": true, "include_methodology": true}}),
        ),
        action(
            Workbench::Report,
            "add_annotation",
            json!({"annotation": {"section": "headline",
            "text": "Check against the 2025 installer survey", "author": "example"}}),
        ),
    ];
    let mut last = None;
    for step in &steps {
        let response = studio.workbench_action(step).await?;
        let entry = response.updated_project_state.modification_log.last().cloned();
        say(format!("  {}/{}: {}", step.workbench, step.action, entry.map(|e| e.summary).unwrap_or_default()));
        for warning in &response.state_changes.warnings {
            say(format!("    warning: {warning}"));
        }
        last = Some(response);
    }
    let second = last
        .as_ref()
        .and_then(|r| r.updated_project_state.scenarios.get(1))
        .map(|s| s.scenario_id.clone())
        .ok_or_else(|| CoreError::internal("the example's second scenario is missing"))?;
    let duplicated = studio
        .workbench_action(&action(Workbench::Scenario, "duplicate_scenario", json!({"scenario_id": second})))
        .await?;
    say("  scenario/duplicate_scenario: copied 'Prices fall 20%'".into());
    let copy = duplicated.updated_project_state.scenarios.last().map(|s| s.scenario_id.clone()).unwrap_or_default();
    studio.workbench_action(&action(Workbench::Scenario, "delete_scenario", json!({"scenario_id": copy}))).await?;
    say("  scenario/delete_scenario: removed the copy".into());

    let saved = studio.save(&id, user).await?;
    say(format!("Saved version {}", saved.version));
    let undone = studio.undo(&id, user).await?;
    say(format!("Undid: {}", undone.entry.summary));
    let redone = studio.redo(&id, user).await?;
    say(format!("Redid: {}", redone.entry.summary));
    let saved = studio.save(&id, user).await?;
    say(format!("Saved version {}", saved.version));

    let unavailable = studio.workbench_action(&action(Workbench::Simulation, "run", json!({}))).await;
    if let Err(e) = unavailable {
        say(format!("  simulation/run: {e}"));
    }

    std::fs::create_dir_all(out_dir).map_err(|e| CoreError::new("io_error", format!("{}: {e}", out_dir.display())))?;
    let file = out_dir.join("heat-pump-adoption.studio");
    let receipt = studio.export_project(&id, &file, false).await?;
    let file = std::fs::canonicalize(&receipt.path).unwrap_or(receipt.path.clone());
    let state = studio
        .get_project(&studio_core::model::ProjectLoad { project_id: id.clone(), user_id: user.into(), version: None })
        .await?;
    if out.json {
        println!("{}", serde_json::to_string_pretty(&json!({"project": state, "studio_file": file}))?);
    } else {
        println!("\n{}", describe(&state));
        let studio_bin = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "studio".into());
        println!("\nWrote {}", file.display());
        println!("Bring it into another library with: {studio_bin} import {}", file.display());
        println!("See the project with: {studio_bin} project show {id}");
    }
    Ok(())
}
