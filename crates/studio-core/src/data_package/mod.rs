//! The resolved data package: every source read through (files hashed, custom tables typed),
//! filters and overrides applied, and the tables each role feeds — marginals, a microdata
//! sample, the outcome's history, variables — gathered in one value stored by hash. A source
//! that cannot be read is listed with its error; the rest still make a package.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use studio_data::scan_path;
use studio_engine::{Marginal, Microdata};
use studio_model::{FilterOp, Override, ProjectContent, SourceConfig};

use crate::error::{CoreError, Result};
use crate::source_config::{options, override_target, sources};

/// Most rows a source with a role may hold: roles feed whole tables into the population.
pub const MAX_ROLE_ROWS: usize = 200_000;
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackagedSource {
    pub source_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub kind: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// SHA-256 of the file's bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub rows: u64,
    /// `ok`, or `error` with a message saying what is wrong (a moved file, say).
    pub status: SourceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub bad_row_count: u64,
}

/// Where a source's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A file, linked or copied in.
    File,
    /// A table typed in by hand.
    Custom,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::File => "file",
            SourceKind::Custom => "custom",
        }
    }
}

/// Whether a source read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    Ok,
    Error,
}

impl PackagedSource {
    /// A source that could not be read at all, and why.
    fn failed(name: &str, kind: SourceKind, message: String) -> PackagedSource {
        PackagedSource {
            source_name: name.to_string(),
            role: None,
            kind,
            path: None,
            sha256: None,
            rows: 0,
            status: SourceStatus::Error,
            message: Some(message),
            bad_row_count: 0,
        }
    }
}

/// A named series over time: the outcome's history, or a variable such as a price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub source_name: String,
    /// `[time, value]`, in the source's order.
    pub points: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataPackage {
    pub format: u32,
    pub sources: Vec<PackagedSource>,
    pub overrides: Vec<Override>,
    pub marginals: Vec<Marginal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microdata: Option<Microdata>,
    pub time_series: Vec<Series>,
    pub variables: Vec<Series>,
}

impl DataPackage {
    /// The stored bytes and their hash, which is the package's id.
    pub fn to_bytes(&self) -> (Vec<u8>, String) {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        let hash = hex::encode(Sha256::digest(&bytes));
        (bytes, hash)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<DataPackage> {
        serde_json::from_slice(bytes).map_err(|e| CoreError::internal(format!("the stored data package: {e}")))
    }

    pub fn failed(&self) -> impl Iterator<Item = &PackagedSource> {
        self.sources.iter().filter(|s| s.status != SourceStatus::Ok)
    }
}

type Rows = Vec<Map<String, Value>>;

/// Builds the package from the project's content and files. Blocking: reads every file, and
/// stops reading (the sources unread say so) once `stopped` answers true.
pub fn resolve(
    content: &ProjectContent,
    progress: &mut dyn FnMut(f64, &str),
    stopped: &dyn Fn() -> bool,
) -> DataPackage {
    let configured = sources(content);
    let total = (configured.len() + content.custom_sources.len()).max(1) as f64;
    let mut package = DataPackage {
        format: FORMAT,
        sources: Vec::new(),
        overrides: content.overrides.values().cloned().collect(),
        marginals: Vec::new(),
        microdata: None,
        time_series: Vec::new(),
        variables: Vec::new(),
    };
    let mut tables: Vec<(String, SourceConfig, Rows)> = Vec::new();
    for (i, (name, config)) in configured.into_iter().enumerate() {
        progress(i as f64 / total, &format!("reading {name}"));
        let config = match config {
            Ok(config) => config,
            Err(message) => {
                package.sources.push(PackagedSource::failed(&name, SourceKind::File, message));
                continue;
            }
        };
        let role = config.role.clone();
        let path = config.path.clone();
        let mut entry = PackagedSource {
            source_name: name.clone(),
            role: role.clone(),
            kind: SourceKind::File,
            path: path.clone(),
            sha256: None,
            rows: 0,
            status: SourceStatus::Ok,
            message: None,
            bad_row_count: 0,
        };
        let step = |f: f64| (i as f64 + f) / total;
        let mut within = |f: f64| {
            progress(step(f), &format!("reading {name}"));
            !stopped()
        };
        match path.as_deref().map(|p| read_file(Path::new(p), &config, role.is_some(), &mut within)) {
            None => {
                entry.status = SourceStatus::Error;
                entry.message = Some("no file: give the source a `path` with configure_source".into());
            }
            Some(Err(message)) => {
                entry.status = SourceStatus::Error;
                entry.message = Some(message);
            }
            Some(Ok((sha, rows, count, bad))) => {
                entry.sha256 = Some(sha);
                entry.rows = count;
                entry.bad_row_count = bad;
                if role.is_some() {
                    tables.push((name.clone(), config.clone(), rows));
                }
            }
        }
        package.sources.push(entry);
    }
    for (name, custom) in &content.custom_sources {
        let config = match SourceConfig::of_value(&custom.config.to_value()) {
            Ok(config) => config,
            Err(message) => {
                package.sources.push(PackagedSource::failed(name, SourceKind::Custom, message));
                continue;
            }
        };
        let role = config.role.clone();
        let CustomRows { rows, bad } = custom_rows(&config);
        let total = rows.len() + bad.len();
        // As for files: a few malformed rows are skipped and reported; more fail the source.
        let failed = total > 0 && bad.len() as f64 / total as f64 > MAX_BAD_CUSTOM_SHARE;
        let message = (!bad.is_empty()).then(|| {
            let first: Vec<&str> = bad.iter().take(5).map(String::as_str).collect();
            format!("{} of {total} rows are malformed: {}", bad.len(), first.join("; "))
        });
        package.sources.push(PackagedSource {
            source_name: name.clone(),
            role: role.clone(),
            kind: SourceKind::Custom,
            path: None,
            sha256: None,
            rows: rows.len() as u64,
            status: if failed { SourceStatus::Error } else { SourceStatus::Ok },
            message,
            bad_row_count: bad.len() as u64,
        });
        if role.is_some() && !failed {
            tables.push((name.clone(), config, rows));
        }
    }
    for (name, config, mut rows) in tables {
        apply_overrides(&mut rows, &name, &package.overrides);
        let rows = filtered(rows, &config);
        if let Err(message) = feed(&mut package, &name, &config, &rows)
            && let Some(s) = package.sources.iter_mut().find(|s| s.source_name == name)
        {
            s.status = SourceStatus::Error;
            s.message = Some(message);
        }
    }
    progress(1.0, "package resolved");
    package
}

/// Hashes the file and, for a source with a role, reads its rows. Only a regular file is read
/// (a pipe or a device would never end); `progress` answers false to stop.
fn read_file(
    path: &Path,
    config: &SourceConfig,
    with_rows: bool,
    progress: &mut dyn FnMut(f64) -> bool,
) -> std::result::Result<(String, Rows, u64, u64), String> {
    let shown = path.display();
    let size = studio_data::regular_file_size(path).map_err(|e| match std::fs::metadata(path) {
        Err(missing) if missing.kind() == std::io::ErrorKind::NotFound => {
            format!("the file {shown} is missing: was it moved or deleted?")
        }
        _ => e.to_string(),
    })?;
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot open {shown}: {e}"))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut read = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(|e| format!("cannot read {shown}: {e}"))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        read += n as u64;
        // Hashing is the first half of the work; a stop is heard between megabytes.
        if !progress(0.5 * read as f64 / size.max(1) as f64) {
            return Err(studio_data::DataError::Cancelled.to_string());
        }
    }
    let sha = hex::encode(hasher.finalize());
    let mut opts = options(config).map_err(|e| e.message)?;
    opts.preview_rows = if with_rows { MAX_ROLE_ROWS } else { 0 };
    let scan = scan_path(path, &opts, &mut |f| progress(0.5 + 0.5 * f)).map_err(|e| format!("{shown}: {e}"))?;
    if with_rows && scan.rows as usize > MAX_ROLE_ROWS {
        return Err(format!("{} rows, more than the {MAX_ROLE_ROWS} a source with a role may hold", scan.rows));
    }
    if with_rows && (scan.preview.len() as u64) < scan.rows {
        return Err(format!(
            "{} rows of {} columns are more than a source with a role may hold ({} values)",
            scan.rows,
            scan.columns.len(),
            studio_data::MAX_PREVIEW_CELLS
        ));
    }
    Ok((sha, scan.preview, scan.rows, scan.bad_row_count))
}

/// A custom table's rows (`columns: [{name, type}]`, `rows: [[...]]`) and, for each row that
/// is not a list of one value per column, why it was skipped.
struct CustomRows {
    rows: Rows,
    bad: Vec<String>,
}

/// Share of a custom table's rows that may be malformed before the source fails.
const MAX_BAD_CUSTOM_SHARE: f64 = 0.05;

fn custom_rows(config: &SourceConfig) -> CustomRows {
    let names: Vec<String> = config
        .columns
        .iter()
        .flatten()
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let mut out = CustomRows { rows: Vec::new(), bad: Vec::new() };
    for (i, row) in config.rows.iter().flatten().enumerate() {
        match row.as_array() {
            Some(values) if values.len() == names.len() => {
                out.rows.push(names.iter().cloned().zip(values.iter().cloned()).collect());
            }
            Some(_) if names.is_empty() => {
                out.bad.push(format!("row {} has values but the table names no columns (configuration.columns)", i + 1))
            }
            Some(values) => out.bad.push(format!(
                "row {} has {} value{} for {} column{} ({})",
                i + 1,
                values.len(),
                if values.len() == 1 { "" } else { "s" },
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )),
            None => out.bad.push(format!("row {} is not a list of values", i + 1)),
        }
    }
    out
}

pub fn apply_overrides(rows: &mut [Map<String, Value>], source: &str, overrides: &[Override]) {
    for o in overrides {
        let Some((column, row)) = override_target(&o.field, source) else { continue };
        for (i, r) in rows.iter_mut().enumerate() {
            if row.is_none_or(|n| n == i) && r.contains_key(&column) {
                r.insert(column.clone(), o.value.clone());
            }
        }
    }
}

/// Keeps the rows every filter `{column, op, value}` accepts.
fn filtered(rows: Rows, config: &SourceConfig) -> Rows {
    let Some(filters) = &config.filters else { return rows };
    rows.into_iter()
        .filter(|row| {
            filters.iter().all(|f| {
                let want = &f.value;
                let have = row.get(&f.column).unwrap_or(&Value::Null);
                let (a, b) = (have.as_f64(), want.as_f64());
                match f.op {
                    FilterOp::Eq => have == want,
                    FilterOp::Ne => have != want,
                    FilterOp::Lt => matches!((a, b), (Some(a), Some(b)) if a < b),
                    FilterOp::Le => matches!((a, b), (Some(a), Some(b)) if a <= b),
                    FilterOp::Gt => matches!((a, b), (Some(a), Some(b)) if a > b),
                    FilterOp::Ge => matches!((a, b), (Some(a), Some(b)) if a >= b),
                    FilterOp::In => want.as_array().is_some_and(|list| list.contains(have)),
                }
            })
        })
        .collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The column the configuration names, else the first of `defaults` the rows have.
fn column(given: &Option<String>, rows: &Rows, defaults: &[&str]) -> Option<String> {
    if let Some(given) = given {
        return Some(given.clone());
    }
    let first = rows.first()?;
    defaults.iter().find(|d| first.contains_key(**d)).map(|d| d.to_string())
}

fn numeric_columns(rows: &Rows, except: &[&str]) -> Vec<String> {
    let Some(first) = rows.first() else { return Vec::new() };
    first
        .keys()
        .filter(|k| !except.contains(&k.as_str()) && rows.iter().all(|r| r.get(*k).is_some_and(Value::is_number)))
        .cloned()
        .collect()
}

/// Adds a role table's contents to the package.
fn feed(package: &mut DataPackage, name: &str, config: &SourceConfig, rows: &Rows) -> std::result::Result<(), String> {
    let role = config.role.as_deref().unwrap_or_default();
    match role {
        "marginal" => {
            let category = column(&config.category_column, rows, &["category", "band", "value_label"])
                .ok_or("a marginal needs a category column (`category`, or say which with category_column)")?;
            let value =
                column(&config.value_column, rows, &["share", "count", "value", "target", "proportion", "percent"])
                    .ok_or(
                        "a marginal needs a share or count column (`share`, `count`, or say which with value_column)",
                    )?;
            let fixed = config.dimension.as_deref();
            let dim_col = column(&config.dimension_column, rows, &["dimension", "attribute", "variable"]);
            let mut by_dim: BTreeMap<String, (Vec<String>, Vec<f64>)> = BTreeMap::new();
            let mut order: Vec<String> = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                let dimension = match (fixed, &dim_col) {
                    (Some(d), _) => d.to_string(),
                    (None, Some(c)) => text(row.get(c).unwrap_or(&Value::Null)),
                    (None, None) => return Err("a marginal needs a dimension column or configuration.dimension".into()),
                };
                let label = text(row.get(&category).unwrap_or(&Value::Null));
                let target = row.get(&value).and_then(Value::as_f64).ok_or_else(|| {
                    format!(
                        "row {}: '{value}' is {} — a share or count must be a number",
                        i + 1,
                        row.get(&value).cloned().unwrap_or(Value::Null)
                    )
                })?;
                if !order.contains(&dimension) {
                    order.push(dimension.clone());
                }
                let (cats, targets) = by_dim.entry(dimension).or_default();
                match cats.iter().position(|c| *c == label) {
                    Some(at) => targets[at] += target,
                    None => {
                        cats.push(label);
                        targets.push(target);
                    }
                }
            }
            for dimension in order {
                if package.marginals.iter().any(|m| m.dimension == dimension) {
                    return Err(format!("the marginal of '{dimension}' is given by two sources"));
                }
                let (categories, targets) = by_dim.remove(&dimension).unwrap_or_default();
                package.marginals.push(Marginal { dimension, categories, targets });
            }
        }
        "microdata" => {
            let weight = column(&config.weight_column, rows, &["weight"]);
            let first = rows.first().ok_or("the microdata sample has no rows")?;
            let dimensions: Vec<String> = match &config.columns {
                Some(list) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                None => first.keys().filter(|k| Some(*k) != weight.as_ref()).cloned().collect(),
            };
            let records = rows
                .iter()
                .map(|r| dimensions.iter().map(|d| text(r.get(d).unwrap_or(&Value::Null))).collect())
                .collect();
            let weights = match &weight {
                Some(w) => rows.iter().map(|r| r.get(w).and_then(Value::as_f64).unwrap_or(0.0)).collect(),
                None => Vec::new(),
            };
            package.microdata = Some(Microdata { dimensions, records, weights });
        }
        "time_series" | "variables" => {
            let time =
                column(&config.time_column, rows, &["time", "date", "quarter", "period", "year", "month", "tick"])
                    .or_else(|| rows.first().and_then(|r| r.keys().next().cloned()))
                    .ok_or("a series needs a time column")?;
            let values: Vec<String> = match (role, config.value_column.as_deref()) {
                (_, Some(v)) => vec![v.to_string()],
                ("time_series", None) => numeric_columns(rows, &[&time]).into_iter().take(1).collect(),
                _ => numeric_columns(rows, &[&time]),
            };
            if values.is_empty() {
                return Err(format!("no numeric column besides '{time}' to read as a series"));
            }
            for v in values {
                let points = rows.iter().filter_map(|r| Some((text(r.get(&time)?), r.get(&v)?.as_f64()?))).collect();
                let series_name = if role == "time_series" {
                    config.outcome.as_deref().unwrap_or(name).to_string()
                } else {
                    v.clone()
                };
                let series = Series { name: series_name, source_name: name.to_string(), points };
                if role == "time_series" { package.time_series.push(series) } else { package.variables.push(series) }
            }
        }
        other => {
            return Err(format!(
                "role '{other}' is unknown; a source is a marginal, microdata, time_series or variables"
            ));
        }
    }
    Ok(())
}

/// A one-line account of a package for the log.
pub fn describe(package: &DataPackage) -> String {
    let failed = package.failed().count();
    let mut text = format!(
        "{} source{}, {} marginal{}{}{}",
        package.sources.len(),
        if package.sources.len() == 1 { "" } else { "s" },
        package.marginals.len(),
        if package.marginals.len() == 1 { "" } else { "s" },
        if package.microdata.is_some() { ", a microdata sample" } else { "" },
        if package.time_series.is_empty() { String::new() } else { format!(", {} history", package.time_series.len()) },
    );
    if failed > 0 {
        text.push_str(&format!("; {failed} in error"));
    }
    text
}

/// The package as the analyst sees it after a refresh.
pub fn summary(package: &DataPackage, hash: &str) -> Value {
    json!({
        "data_package_id": hash,
        "sources": package.sources,
        "marginals": package.marginals.iter().map(|m| json!({"dimension": m.dimension, "categories": m.categories})).collect::<Vec<_>>(),
        "microdata_records": package.microdata.as_ref().map(|m| m.records.len()),
        "time_series": package.time_series.iter().map(|s| json!({"name": s.name, "points": s.points.len()})).collect::<Vec<_>>(),
        "variables": package.variables.iter().map(|s| json!({"name": s.name, "points": s.points.len()})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests;
