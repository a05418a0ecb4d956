//! Stored results read back as their types, including records written before the types were
//! shared: `fixtures/ensemble-format1.json` and `fixtures/calibration-before-format.json` are
//! the bundled example's ensemble and calibration as the previous writers (`json!` literals in
//! the core) stored them.

use serde_json::Value;
use studio_model::{CALIBRATION_FORMAT, CalibrationFit, ENSEMBLE_FORMAT, Ensemble};

const ENSEMBLE: &str = include_str!("fixtures/ensemble-format1.json");
const CALIBRATION: &str = include_str!("fixtures/calibration-before-format.json");

#[test]
fn an_ensemble_written_by_the_previous_writer_reads_and_writes_back_the_same() {
    let ensemble: Ensemble = serde_json::from_str(ENSEMBLE).expect("the stored ensemble reads");
    assert_eq!(ensemble.format, ENSEMBLE_FORMAT);
    assert_eq!(ensemble.scenario_name, "Baseline");
    assert_eq!((ensemble.replicates, ensemble.ticks, ensemble.seed), (20, 40, 42));
    assert_eq!(ensemble.bands.len(), 41);
    assert_eq!(ensemble.runs.len(), 20);
    assert_eq!(ensemble.run_digests.len(), 20);
    assert_eq!(ensemble.by_archetype.len(), 6);
    assert_eq!(ensemble.by_segment.len(), 4);
    assert_eq!(ensemble.variables.initial["price"], 1.243);
    assert!(ensemble.last.p5 <= ensemble.last.p50 && ensemble.last.p50 <= ensemble.last.p95);
    let fit = ensemble.calibration.as_ref().expect("the example is calibrated");
    assert_eq!(fit.series, "heat_pump_adoption");

    // Written back, it is the record it was read from, field for field; only the calibration
    // inside now says its format.
    let mut old: Value = serde_json::from_str(ENSEMBLE).unwrap();
    old["calibration"]["format"] = CALIBRATION_FORMAT.into();
    assert_eq!(serde_json::to_value(&ensemble).unwrap(), old);
}

#[test]
fn a_calibration_stored_without_a_format_reads_as_the_first() {
    let fit: CalibrationFit = serde_json::from_str(CALIBRATION).expect("the stored fit reads");
    assert_eq!(fit.format, 1);
    assert_eq!(fit.fitted.len(), 2);
    assert_eq!(fit.observed.len(), fit.fit_points + fit.holdout_points);
    assert_eq!(fit.model["kind"], "diffusion");
    let mut old: Value = serde_json::from_str(CALIBRATION).unwrap();
    old["format"] = 1.into();
    assert_eq!(serde_json::to_value(&fit).unwrap(), old);
}

#[test]
fn a_record_missing_a_result_is_an_error_naming_it() {
    let mut old: Value = serde_json::from_str(ENSEMBLE).unwrap();
    old.as_object_mut().unwrap().remove("bands");
    let error = serde_json::from_value::<Ensemble>(old).unwrap_err().to_string();
    assert!(error.contains("bands"), "{error}");
}

#[test]
fn a_summary_carries_the_headline_numbers() {
    let ensemble: Ensemble = serde_json::from_str(ENSEMBLE).unwrap();
    let summary = serde_json::to_value(ensemble.summary("e1")).unwrap();
    assert_eq!(summary["ensemble_id"], "e1");
    assert_eq!(summary["final"]["p50"], ensemble.last.p50);
    assert_eq!(summary["bands"].as_array().map(Vec::len), Some(41));
}
