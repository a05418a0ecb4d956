//! The seed's workflow rules, project status and validation, table-driven.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use studio_model::*;

fn ctx() -> ActionContext {
    ActionContext { user_id: "u1".into(), now: "2026-11-22T10:00:00Z".into(), fresh_id: "id-1".into() }
}

fn project() -> ProjectContent {
    let meta = BTreeMap::from([("project_name".to_string(), "Heat pumps".to_string())]);
    ProjectContent::new(meta, "u1", "2026-11-22T09:00:00Z")
}

/// A project whose every stage is complete.
fn complete_project() -> ProjectContent {
    let mut content = project();
    for w in Workbench::ALL {
        content.stage_mut(w).status = StageStatus::Complete;
    }
    content
}

fn apply(content: &ProjectContent, workbench: Workbench, action: &str, payload: Value) -> Result<Outcome, ModelError> {
    Action::parse(workbench, action, &payload).and_then(|a| apply_action(content, &a, &ctx()))
}

/// `tests/data/seed_workflow.json` is the "Workflow Dependency Graph" block of the contract
/// `shared/seeds/001_32961859af27b25c.txt`, copied verbatim.
#[test]
fn workflow_is_the_seeds_json() {
    let fixture = include_str!("data/seed_workflow.json");
    let from_seed: Value = serde_json::from_str(fixture).expect("fixture parses");
    let ours: Value = serde_json::from_str(WORKFLOW_JSON).expect("our JSON parses");
    assert_eq!(from_seed, ours);
    let w = DependencyGraph::seed();
    assert_eq!(w.stages, Workbench::ALL.to_vec());
    assert_eq!(w.dependencies[&Workbench::Report], vec![Workbench::Simulation]);
    // Where the contract itself is beside the checkout (CI, developers), the copy must match it.
    let seed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds/001_32961859af27b25c.txt");
    if let Ok(seed) = std::fs::read_to_string(seed_path) {
        let start = seed.find("```json").expect("seed has a json block") + "```json".len();
        let end = start + seed[start..].find("```").expect("json block ends");
        let live: Value = serde_json::from_str(&seed[start..end]).expect("seed JSON parses");
        assert_eq!(live, from_seed, "tests/data/seed_workflow.json no longer matches the contract");
    }
}

#[test]
fn every_invalidation_rule() {
    use Workbench::*;
    let table: [(Workbench, &[Workbench]); 5] = [
        (Data, &[Population, Scenario, Simulation, Report]),
        (Population, &[Scenario, Simulation, Report]),
        (Scenario, &[Simulation, Report]),
        (Simulation, &[Report]),
        (Report, &[]),
    ];
    for (changed, expected) in table {
        assert_eq!(invalidated_by(changed), expected, "{changed}_changed");
    }
}

#[test]
fn each_document_action_invalidates_its_downstream_with_warnings() {
    use Workbench::*;
    let scenario = json!({"scenario_config": {"name": "Low prices", "description": "", "variable_overrides": []}});
    type Case = (Workbench, &'static str, Value, Vec<Workbench>, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (
            Data,
            "configure_source",
            json!({"source_name": "census", "configuration": {"role": "marginal"}}),
            vec![Population, Scenario, Simulation, Report],
            vec![
                "Population must be re-generated after data changes",
                "Scenarios must be re-validated after data changes",
                "Simulations must be re-run after data changes",
                "Report must be re-generated after data changes",
            ],
        ),
        (
            Data,
            "override_value",
            json!({"override": {"field": "income.mean", "value": 41000, "reason": "2025 survey"}}),
            vec![Population, Scenario, Simulation, Report],
            vec!["Population must be re-generated after data changes"],
        ),
        (
            Data,
            "add_custom_source",
            json!({"source_name": "prices", "configuration": {"type": "table", "rows": []}}),
            vec![Population, Scenario, Simulation, Report],
            vec![],
        ),
        (
            Scenario,
            "create_scenario",
            scenario.clone(),
            vec![Simulation, Report],
            vec!["Simulations must be re-run after scenario changes"],
        ),
        (
            Report,
            "customize",
            json!({"report_config": {"template": "custom", "sections": ["summary"], "include_charts": true, "include_methodology": false}}),
            vec![],
            vec![],
        ),
        (
            Report,
            "add_annotation",
            json!({"annotation": {"section": "summary", "text": "Check", "author": "Ana"}}),
            vec![],
            vec![],
        ),
        (
            Report,
            "schedule",
            json!({"schedule": {"frequency": "weekly", "recipients": ["ana@example.org"]}}),
            vec![],
            vec![],
        ),
    ];
    for (workbench, action, payload, invalidated, warnings) in cases {
        let out = apply(&complete_project(), workbench, action, payload).unwrap_or_else(|e| panic!("{action}: {e}"));
        assert_eq!(out.state_changes.downstream_invalidated, invalidated, "{action}");
        for w in &warnings {
            assert!(
                out.state_changes.warnings.contains(&w.to_string()),
                "{action}: {w} in {:?}",
                out.state_changes.warnings
            );
        }
        assert_eq!(out.state_changes.warnings.len(), invalidated.len(), "{action}");
        for stage in &invalidated {
            assert!(!out.content.stage(*stage).status.has_results(), "{action} leaves {stage} with results");
        }
        assert_eq!(out.entry.action, action);
        assert_eq!(out.entry.workbench, workbench.as_str());
        assert!(out.entry.reversible);
        assert!(!out.edits.is_empty(), "{action} made no edit");
    }
}

#[test]
fn nothing_to_invalidate_in_a_fresh_project() {
    let out = apply(
        &project(),
        Workbench::Data,
        "override_value",
        json!({"override": {"field": "x", "value": 1, "reason": "typo in source"}}),
    )
    .unwrap();
    assert!(out.state_changes.downstream_invalidated.is_empty());
    assert!(out.state_changes.warnings.is_empty());
    assert!(!out.state_changes.project_status_changed);
    assert_eq!(out.content.stage(Workbench::Data).status, StageStatus::InProgress);
}

#[test]
fn project_status_follows_the_pipeline() {
    use ProjectStatus::*;
    let expected = [Draft, DataReady, PopulationReady, ScenariosDefined, Simulated, Complete];
    for (complete_count, status) in expected.into_iter().enumerate() {
        let mut content = project();
        for w in &Workbench::ALL[..complete_count] {
            content.stage_mut(*w).status = StageStatus::Complete;
        }
        assert_eq!(project_status(&content), status, "{complete_count} stages complete");
    }
    // A complete stage after an incomplete one does not count.
    let mut content = project();
    content.stage_mut(Workbench::Population).status = StageStatus::Complete;
    assert_eq!(project_status(&content), Draft);
}

#[test]
fn status_moves_back_when_a_stage_is_invalidated() {
    use ProjectStatus::*;
    let cases = [
        (Workbench::Data, "override_value", json!({"override": {"field": "f", "value": 2, "reason": "r"}}), Draft),
        (
            Workbench::Scenario,
            "create_scenario",
            json!({"scenario_config": {"name": "S", "description": "d", "variable_overrides": []}}),
            ScenariosDefined,
        ),
        (
            Workbench::Report,
            "add_annotation",
            json!({"annotation": {"section": "s", "text": "t", "author": "a"}}),
            Simulated,
        ),
    ];
    for (workbench, action, payload, status) in cases {
        let before = complete_project();
        assert_eq!(project_status(&before), Complete);
        let out = apply(&before, workbench, action, payload).unwrap();
        assert_eq!(project_status(&out.content), status, "{action}");
        assert!(out.state_changes.project_status_changed);
    }
}

#[test]
fn validation_names_the_problem() {
    let long = "x".repeat(256);
    let cases: Vec<(Workbench, &str, Value, &str)> = vec![
        (Workbench::Data, "frobnicate", json!({}), "valid actions are: explore_sources, configure_source"),
        (Workbench::Data, "override_value", json!({}), "needs payload.override"),
        (Workbench::Data, "override_value", json!({"override": {"field": "f", "value": 1}}), "missing field `reason`"),
        (
            Workbench::Data,
            "override_value",
            json!({"override": {"field": "f", "value": 1, "reason": " "}}),
            "override.reason",
        ),
        (Workbench::Data, "configure_source", json!({"source_name": "a"}), "needs payload.configuration"),
        (Workbench::Data, "configure_source", json!([1, 2]), "must be a JSON object, not an array"),
        (Workbench::Data, "configure_source", json!({"sorce_name": "a"}), "unknown field `sorce_name`"),
        (Workbench::Data, "add_custom_source", json!({"source_name": "t", "configuration": {}}), "configuration.type"),
        (
            Workbench::Data,
            "add_custom_source",
            json!({"source_name": "t", "configuration": {"type": "table", "columns": [{"name": "year"}, {"name": "index"}],
                   "rows": [[2026, 1.0], [2027]]}}),
            "configuration.rows[1] has 1 value for 2 columns (year, index)",
        ),
        (
            Workbench::Data,
            "add_custom_source",
            json!({"source_name": "t", "configuration": {"type": "table", "rows": [[2026]]}}),
            "configuration.rows needs configuration.columns",
        ),
        (
            Workbench::Data,
            "add_custom_source",
            json!({"source_name": "t", "configuration": {"type": "table", "columns": [{"name": "year"}], "rows": [2026]}}),
            "configuration.rows[0] must be a list of values, not a number",
        ),
        (
            Workbench::Scenario,
            "create_scenario",
            json!({"scenario_config": {"name": long, "description": "", "variable_overrides": []}}),
            "256 characters long; the limit is 255",
        ),
        (
            Workbench::Scenario,
            "create_scenario",
            json!({"scenario_config": {"name": "", "description": "", "variable_overrides": []}}),
            "must not be empty",
        ),
        (
            Workbench::Scenario,
            "create_scenario",
            json!({"scenario_config": {"name": "a"}}),
            "missing field `description`",
        ),
        (
            Workbench::Scenario,
            "edit_scenario",
            json!({"scenario_id": "nope", "scenario_config": {"name": "a", "description": "", "variable_overrides": []}}),
            "scenario 'nope' does not exist",
        ),
        (
            Workbench::Scenario,
            "create_scenario",
            json!({"action": "delete_scenario"}),
            "payload.action is 'delete_scenario'",
        ),
        (
            Workbench::Report,
            "customize",
            json!({"report_config": {"template": "poster", "sections": [], "include_charts": true, "include_methodology": true}}),
            "unknown variant `poster`",
        ),
        (Workbench::Simulation, "run", json!({}), "is not an edit of the document"),
        (Workbench::Report, "schedule", json!({}), "needs payload.schedule ({frequency, recipients})"),
        (
            Workbench::Report,
            "schedule",
            json!({"schedule": {"frequency": "fortnightly", "recipients": ["ana@example.org"]}}),
            "'fortnightly' is not understood",
        ),
        (
            Workbench::Report,
            "schedule",
            json!({"schedule": {"frequency": "daily", "recipients": ["ana@example.org", "bo"]}}),
            "recipients[1] 'bo' is not an email address",
        ),
        (
            Workbench::Report,
            "schedule",
            json!({"schedule": {"frequency": "daily", "recipients": "ana@example.org"}}),
            "invalid type",
        ),
        (Workbench::Population, "regenerate", json!({}), "needs payload.edits"),
        (Workbench::Population, "resize_population", json!({"target_size": 0}), "between 1 and 5000000"),
        (Workbench::Population, "resize_population", json!({"target_size": "big"}), "invalid type"),
        (
            Workbench::Population,
            "adjust_distribution",
            json!({"adjustment": {"dimension": "income", "target": {"shift": 2}}}),
            "between -1 and 1",
        ),
        (
            Workbench::Population,
            "adjust_distribution",
            json!({"adjustment": {"dimension": "income", "target": {"scale": 2}}}),
            "must be {\"shares\"",
        ),
        (Workbench::Population, "edit_archetype", json!({"archetype_id": "X", "edits": {"share": 0.1}}), "like A1"),
        (
            Workbench::Population,
            "edit_archetype",
            json!({"archetype_id": "A1", "edits": {"share": 3}}),
            "between 0 and 1",
        ),
        (
            Workbench::Population,
            "edit_archetype",
            json!({"archetype_id": "A1", "edits": {"age": 3}}),
            "cannot change 'age'",
        ),
        (Workbench::Population, "regenerate", json!({"edits": {"network": {"degree": 5}}}), "even number"),
        (Workbench::Population, "view_network", json!({}), "the core answers it"),
        (Workbench::Data, "refresh_data", json!({}), "is not an edit of the document"),
    ];
    for (workbench, action, payload, message) in cases {
        let err = apply(&project(), workbench, action, payload).err().unwrap_or_else(|| panic!("{action} accepted"));
        assert!(err.to_string().contains(message), "{action}: '{err}' lacks '{message}'");
    }
    let err = "nowhere".parse::<Workbench>().unwrap_err();
    assert!(err.to_string().contains("valid workbenches are: data, population, scenario, simulation, report"));
    assert!(validate_name("project_name", "").is_err());
    assert!(validate_name("project_name", &"é".repeat(255)).is_ok());
    assert_eq!(validate_snapshot_size(MAX_SNAPSHOT_BYTES + 1).unwrap_err().code(), "snapshot_too_large");
}

#[test]
fn at_most_twenty_scenarios() {
    let mut content = project();
    for i in 0..20 {
        let c = ActionContext { fresh_id: format!("s{i}"), ..ctx() };
        let payload =
            json!({"scenario_config": {"name": format!("S{i}"), "description": "", "variable_overrides": []}});
        content = apply_action(&content, &Action::parse(Workbench::Scenario, "create_scenario", &payload).unwrap(), &c)
            .unwrap()
            .content;
    }
    let payload = json!({"scenario_config": {"name": "one too many", "description": "", "variable_overrides": []}});
    let err = apply(&content, Workbench::Scenario, "create_scenario", payload).unwrap_err();
    assert_eq!(err.code(), "limit_reached");
    let err = apply(&content, Workbench::Scenario, "duplicate_scenario", json!({"scenario_id": "s0"})).unwrap_err();
    assert!(err.to_string().contains("at most 20 scenarios"));
}

#[test]
fn state_round_trips_to_content() {
    let mut content = complete_project();
    for (w, a, p) in [
        (Workbench::Data, "override_value", json!({"override": {"field": "f", "value": [1, 2], "reason": "r"}})),
        (
            Workbench::Scenario,
            "create_scenario",
            json!({"scenario_config": {"name": "S", "description": "d", "variable_overrides": [{"variable": "price", "value": 0.8}], "shock_events": [{"tick": 3, "variable": "price", "magnitude": -0.2}]}}),
        ),
        (Workbench::Report, "add_annotation", json!({"annotation": {"section": "s", "text": "t", "author": "a"}})),
        (
            Workbench::Report,
            "schedule",
            json!({"schedule": {"frequency": "every 2 hours", "recipients": ["a@example.org"]}}),
        ),
    ] {
        content = apply(&content, w, a, p).unwrap().content;
    }
    let header = ProjectHeader { project_id: "p".into(), version: 3, ..Default::default() };
    let state = ProjectState::assemble(&header, &content, vec![], vec![]);
    let json = serde_json::to_string(&state).unwrap();
    let back: ProjectState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, state);
    assert_eq!(back.content(), content);
    assert_eq!(ProjectContent::from_tree(&content.to_tree()).unwrap(), content);
}

#[test]
fn a_schedule_is_set_replaced_and_stopped() {
    let schedule = |frequency: &str, to: &[&str]| json!({"schedule": {"frequency": frequency, "recipients": to}});
    let set =
        apply(&project(), Workbench::Report, "schedule", schedule("Daily", &["ana@example.org", "ANA@example.org"]))
            .unwrap();
    assert_eq!(set.entry.summary, "Scheduled the report daily to 1 recipient");
    let s = &set.content.schedules["report"];
    assert_eq!((s.frequency.as_str(), s.recipients.clone()), ("daily", vec!["ana@example.org".to_string()]));
    assert_eq!((s.set_by.as_str(), s.set_at.as_str()), ("u1", "2026-11-22T10:00:00Z"));
    assert_eq!(set.edits.len(), 1, "one record: undo restores it");
    assert_eq!(set.edits[0].section, Section::Schedules);

    let weekly =
        apply(&set.content, Workbench::Report, "schedule", schedule("every week", &["a@example.org", "b@example.org"]))
            .unwrap();
    assert_eq!(weekly.entry.summary, "Scheduled the report weekly to 2 recipients");
    // New recipients a day later keep the weekly beat.
    let later = ActionContext { now: "2026-11-23T10:00:00Z".into(), user_id: "u2".into(), ..ctx() };
    let more = apply_action(
        &weekly.content,
        &Action::parse(Workbench::Report, "schedule", &schedule("weekly", &["a@example.org", "c@example.org"]))
            .unwrap(),
        &later,
    )
    .unwrap();
    let s = &more.content.schedules["report"];
    assert_eq!((s.set_at.as_str(), s.set_by.as_str()), ("2026-11-22T10:00:00Z", "u2"));
    let off = apply(&weekly.content, Workbench::Report, "schedule", schedule("off", &[])).unwrap();
    assert_eq!(off.entry.summary, "Stopped the scheduled report");
    assert!(off.content.schedules.is_empty());
    let state = ProjectState::assemble(&ProjectHeader::default(), &weekly.content, vec![], vec![]);
    assert_eq!(state.workbench_states.report.schedule.as_ref().map(|s| s.frequency.as_str()), Some("weekly"));

    let undone = apply_edits(&off.content, &off.edits, true, &off.entry, &ctx()).unwrap();
    assert_eq!(undone.content.schedules, weekly.content.schedules);
}
