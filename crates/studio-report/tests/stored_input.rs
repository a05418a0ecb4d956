//! A report input stored before the ensemble type was shared with the model (and before the
//! input had a `format`) still reads and still builds a report: a stored report can be
//! exported again in another format after an upgrade. The fixture is the bundled example's
//! `report_input` artifact as the previous version wrote it.

use studio_report::{Block, REPORT_INPUT_FORMAT, ReportInput, build, html};

const STORED: &str = include_str!("fixtures/report-input-before-format.json");

#[test]
fn an_input_stored_by_the_previous_version_reads_as_format_1() {
    let old: serde_json::Value = serde_json::from_str(STORED).unwrap();
    assert!(old.get("format").is_none(), "the fixture predates the field");
    let input: ReportInput = serde_json::from_str(STORED).expect("the stored input reads");
    assert_eq!(input.format, 1);
    assert_eq!(REPORT_INPUT_FORMAT, 1);
    assert_eq!(input.scenarios.len(), 2);
    let baseline = &input.scenarios[0].ensemble;
    assert_eq!(baseline.bands.len(), 41);
    assert_eq!(baseline.by_archetype.len(), 6);
    assert!(baseline.calibration.as_ref().is_some_and(|c| c.fit_points > 0));
    // Fields the old input did not keep read as their defaults.
    assert!(baseline.run_digests.is_empty() && baseline.by_segment.is_empty());
}

#[test]
fn an_input_stored_by_the_previous_version_still_builds_its_report() {
    let input: ReportInput = serde_json::from_str(STORED).unwrap();
    let report = build(&input).expect("the report builds");
    let charts = report.sections.iter().flat_map(|s| &s.blocks).filter(|b| matches!(b, Block::Chart(_))).count();
    assert!(charts >= 3, "{charts} charts");
    let page = html::html(&report).unwrap();
    assert!(page.contains(&input.project_name));
    assert!(page.contains("Calibration") || page.contains("calibrat"));
}

#[test]
fn an_input_written_today_reads_back_the_same() {
    let input: ReportInput = serde_json::from_str(STORED).unwrap();
    let again: ReportInput = serde_json::from_slice(&serde_json::to_vec(&input).unwrap()).unwrap();
    assert_eq!(again.format, REPORT_INPUT_FORMAT);
    assert_eq!(again, input);
}
