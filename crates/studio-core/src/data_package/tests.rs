//! The data package against hostile tables: short rows and missing columns.

use studio_model::{CustomSource, RawJson};

use super::*;

fn with_custom(name: &str, config: Value) -> ProjectContent {
    let mut content = ProjectContent::default();
    let source = CustomSource { name: name.into(), kind: "table".into(), config: RawJson::from_value(&config) };
    content.custom_sources.insert(name.into(), source);
    content
}

/// A short row in a custom table (possible in documents made before rows were checked
/// at `add_custom_source`) is that source's bad row, not a panic of the whole refresh.
#[test]
fn a_short_custom_row_is_reported_on_its_source() {
    let mut content = with_custom(
        "prices",
        json!({"role": "variables", "columns": [{"name": "year"}, {"name": "index"}],
               "rows": [[2026, 1.0], [2027], [2028, 0.9]]}),
    );
    let marginal = with_custom(
        "ages",
        json!({"role": "marginal", "columns": [{"name": "dimension"}, {"name": "category"}, {"name": "share"}],
               "rows": [["age", "young", 0.4], ["age", "old"]]}),
    );
    content.custom_sources.extend(marginal.custom_sources);
    let package = resolve(&content, &mut |_, _| {}, &|| false);
    let prices = package.sources.iter().find(|s| s.source_name == "prices").unwrap();
    assert_eq!((prices.status, prices.rows, prices.bad_row_count), (SourceStatus::Error, 2, 1));
    let message = prices.message.as_deref().unwrap();
    assert!(message.contains("row 2 has 1 value for 2 columns (year, index)"), "{message}");
    let ages = package.sources.iter().find(|s| s.source_name == "ages").unwrap();
    assert_eq!(ages.status, SourceStatus::Error, "half its rows are malformed");
    assert!(package.marginals.is_empty() && package.variables.is_empty(), "failed sources feed nothing");
}

/// Rows that miss a column another row has are read as missing values, never indexed.
#[test]
fn rows_missing_a_column_do_not_panic_the_package() {
    let rows: Rows = vec![
        serde_json::from_value(json!({"dimension": "age", "category": "young", "share": 0.4})).unwrap(),
        serde_json::from_value(json!({"category": "old", "share": 0.6})).unwrap(),
    ];
    let config = SourceConfig::of_value(&json!({"role": "marginal"})).unwrap();
    let mut package = resolve(&ProjectContent::default(), &mut |_, _| {}, &|| false);
    assert!(feed(&mut package, "m", &config, &rows).is_ok());
    let series = SourceConfig::of_value(&json!({"role": "variables", "time_column": "year"})).unwrap();
    let rows: Rows = vec![
        serde_json::from_value(json!({"year": 2026, "price": 1.0})).unwrap(),
        serde_json::from_value(json!({"year": 2027})).unwrap(),
    ];
    let err = feed(&mut package, "p", &series, &rows).unwrap_err();
    assert!(err.contains("no numeric column besides 'year'"), "{err}");
}
