//! Every action of the seed parses from its wire form into one typed value, once; what it
//! needs, what it makes stale and who may ask for it are questions asked of that value.

use serde_json::{Value, json};
use studio_model::*;

/// The least payload each of the seed's actions takes.
fn minimal(workbench: Workbench, action: &str) -> Value {
    let scenario = json!({"name": "S", "description": "", "variable_overrides": []});
    let report =
        json!({"template": "custom", "sections": ["summary"], "include_charts": true, "include_methodology": false});
    match (workbench, action) {
        (Workbench::Data, "configure_source") => json!({"source_name": "a", "configuration": {"path": "/a.csv"}}),
        (Workbench::Data, "preview_data") => json!({"source_name": "a"}),
        (Workbench::Data, "override_value") => json!({"override": {"field": "f", "value": 1, "reason": "r"}}),
        (Workbench::Data, "add_custom_source") => json!({"source_name": "t", "configuration": {"type": "table"}}),
        (Workbench::Population, "adjust_distribution") => {
            json!({"adjustment": {"dimension": "age", "target": {"shift": 0.1}}})
        }
        (Workbench::Population, "edit_archetype") => json!({"archetype_id": "A1", "edits": {"share": 0.2}}),
        (Workbench::Population, "resize_population") => json!({"target_size": 1000}),
        (Workbench::Scenario, "create_scenario") => json!({"scenario_config": scenario}),
        (Workbench::Scenario, "edit_scenario") => json!({"scenario_id": "s", "scenario_config": scenario}),
        (Workbench::Scenario, "compare_scenarios") => json!({"compare_ids": ["a", "b"]}),
        (Workbench::Scenario, _) => json!({"scenario_id": "s"}),
        (Workbench::Simulation, "replay") => json!({"tick": 3}),
        (Workbench::Simulation, "inject_shock") => json!({"shock": {"variable": "price", "magnitude": -0.1}}),
        (Workbench::Report, "customize") => json!({"report_config": report}),
        (Workbench::Report, "export") => json!({"export_format": "pdf"}),
        (Workbench::Report, "schedule") => json!({"schedule": {"frequency": "daily", "recipients": ["a@example.org"]}}),
        (Workbench::Report, "add_annotation") => json!({"annotation": {"section": "s", "text": "t", "author": "a"}}),
        _ => Value::Null,
    }
}

#[test]
fn every_seed_action_parses_into_its_own_variant() {
    let mut count = 0;
    for workbench in Workbench::ALL {
        for &name in workbench.actions() {
            let action = Action::parse(workbench, name, &minimal(workbench, name))
                .unwrap_or_else(|e| panic!("{workbench}/{name}: {e}"));
            assert_eq!((action.workbench(), action.name()), (workbench, name));
            count += 1;
        }
    }
    assert_eq!(count, 32, "the seed names 32 workbench actions");
}

#[test]
fn availability_invalidation_and_permission_are_the_actions() {
    let parse = |w: Workbench, a: &str| Action::parse(w, a, &minimal(w, a)).unwrap();
    let read = parse(Workbench::Data, "explore_sources");
    assert_eq!(
        (read.availability(), read.permission(), read.invalidates()),
        (Availability::Read, Permission::Read, &[][..])
    );
    let edit = parse(Workbench::Population, "resize_population");
    assert_eq!(edit.availability(), Availability::Document);
    assert_eq!(edit.permission(), Permission::Edit);
    assert_eq!(edit.invalidates(), &[Workbench::Scenario, Workbench::Simulation, Workbench::Report]);
    let task = parse(Workbench::Data, "refresh_data");
    assert_eq!((task.availability(), task.records_settings()), (Availability::Task, false));
    assert_eq!(task.invalidates().len(), 4);
    let control = parse(Workbench::Simulation, "pause");
    assert_eq!((control.availability(), control.invalidates()), (Availability::Control, &[][..]));
    let with_settings = Action::parse(Workbench::Population, "regenerate", &json!({"edits": {"seed": 7}})).unwrap();
    assert!(with_settings.records_settings());
    let run = Action::parse(Workbench::Simulation, "run", &json!({"simulation_config": {"ticks": 10}})).unwrap();
    assert!(run.records_settings());
    let Action::Simulation(SimulationAction::Run { settings: Some(settings) }) = run else { panic!("{run:?}") };
    assert_eq!((settings.ticks, settings.threshold.tick), (10, 10), "the settings are parsed when given");
}

#[test]
fn roles_grant_what_they_should() {
    use Permission::*;
    assert!(Role::Viewer.allows(Read) && !Role::Viewer.allows(Edit) && !Role::Viewer.allows(Own));
    assert!(Role::Editor.allows(Edit) && !Role::Editor.allows(Own));
    assert!(Role::Owner.allows(Own));
}

#[test]
fn payloads_become_typed_values() {
    let shares = json!({"adjustment": {"dimension": " income ", "target": {"shares": {"low": 1, "high": 3}}}});
    let Action::Population(PopulationAction::AdjustDistribution(a)) =
        Action::parse(Workbench::Population, "adjust_distribution", &shares).unwrap()
    else {
        panic!()
    };
    assert_eq!(a.dimension, "income");
    assert_eq!(a.target, DistributionChange::Shares([("high".into(), 3.0), ("low".into(), 1.0)].into()));
    let export =
        json!({"export_format": "parquet", "simulation_config": {"scenario_id": "s", "agents": true, "replicate": 2}});
    let Action::Simulation(SimulationAction::ExportData(e)) =
        Action::parse(Workbench::Simulation, "export_data", &export).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        e,
        DataExport { scenario_id: Some("s".into()), format: Some(ExportFormat::Parquet), agents: true, replicate: 2 }
    );
    let off = json!({"schedule": {"frequency": "off", "recipients": []}});
    assert_eq!(
        Action::parse(Workbench::Report, "schedule", &off).unwrap(),
        Action::Report(ReportAction::Schedule(ScheduleChange::Off))
    );
}

#[test]
fn malformed_payloads_name_the_field() {
    let cases: Vec<(Workbench, &str, Value, &str)> = vec![
        (Workbench::Data, "preview_data", json!({}), "data/preview_data needs payload.source_name"),
        (Workbench::Simulation, "replay", json!({}), "simulation/replay needs payload.tick"),
        (Workbench::Simulation, "inject_shock", json!({"shock": {"variable": "p"}}), "missing field `magnitude`"),
        (
            Workbench::Simulation,
            "export_data",
            json!({"export_format": "xlsx"}),
            "'xlsx' is not one of: csv, json, parquet",
        ),
        (
            Workbench::Simulation,
            "export_data",
            json!({"simulation_config": {"agents": "yes"}}),
            "simulation_config.agents must be true or false",
        ),
        (
            Workbench::Simulation,
            "export_data",
            json!({"simulation_config": {"colour": 1}}),
            "simulation_config.colour is unknown",
        ),
        (Workbench::Simulation, "run", json!({"simulation_config": {"ticks": 0}}), "simulation_config.ticks is 0"),
        (Workbench::Report, "export", json!({}), "report/export needs payload.export_format"),
        (
            Workbench::Report,
            "export",
            json!({"export_format": "odt"}),
            "export_format 'odt' is not one of: pdf, pptx, html, docx",
        ),
        (Workbench::Scenario, "run_scenario", json!({}), "scenario/run_scenario needs payload.scenario_id"),
        (Workbench::Scenario, "compare_scenarios", json!({"compare_ids": ["a", "a"]}), "names scenario 'a' twice"),
        (Workbench::Population, "regenerate", json!({"edits": {"colour": 1}}), "regenerate cannot set 'colour'"),
        (Workbench::Report, "generate", json!("now"), "must be a JSON object, not a string"),
    ];
    for (workbench, action, payload, message) in cases {
        let err = Action::parse(workbench, action, &payload).unwrap_err();
        assert_eq!(err.code(), "invalid_request", "{action}");
        assert!(err.to_string().contains(message), "{action}: '{err}' lacks '{message}'");
    }
}

#[test]
fn a_source_configuration_is_typed_when_parsed() {
    let payload = json!({"source_name": "survey", "configuration": {"path": "/d/s.csv", "delimiter": ";", "kept": 1}});
    let Action::Data(DataAction::ConfigureSource { configuration, .. }) =
        Action::parse(Workbench::Data, "configure_source", &payload).unwrap()
    else {
        panic!("not configure_source");
    };
    assert_eq!((configuration.path.as_deref(), configuration.delimiter.as_deref()), (Some("/d/s.csv"), Some(";")));
    assert_eq!(configuration.other["kept"], 1);
    let bad = json!({"source_name": "survey", "configuration": {"has_header": "yes"}});
    let error = Action::parse(Workbench::Data, "configure_source", &bad).unwrap_err().to_string();
    assert!(error.contains("data/configure_source: configuration.has_header must be true or false"), "{error}");
    let bad = json!({"source_name": "t", "configuration": {"type": "table", "filters": {"column": "x"}}});
    let error = Action::parse(Workbench::Data, "add_custom_source", &bad).unwrap_err().to_string();
    assert!(error.contains("configuration.filters must be a list"), "{error}");
}
