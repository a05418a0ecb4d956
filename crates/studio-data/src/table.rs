//! Cells, column types and the statistics of a table read row by row: every reader turns its
//! rows into cells and pushes them here, so schemas, statistics, previews and bad-row reports
//! are the same whatever the format.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Integer,
    Float,
    Boolean,
    Text,
}

impl ColumnType {
    fn describe(self) -> &'static str {
        match self {
            ColumnType::Integer => "a whole number",
            ColumnType::Float => "a number",
            ColumnType::Boolean => "true or false",
            ColumnType::Text => "text",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

/// Values read as missing.
const NULLS: [&str; 7] = ["", "NA", "N/A", "na", "null", "NULL", "NaN"];

impl Cell {
    /// A cell from text: missing, a number, true/false, or text.
    pub fn parse(raw: &str) -> Cell {
        let s = raw.trim();
        if NULLS.contains(&s) {
            return Cell::Null;
        }
        if let Ok(i) = s.parse::<i64>() {
            return Cell::Int(i);
        }
        if let Ok(f) = s.parse::<f64>()
            && f.is_finite()
        {
            return Cell::Float(f);
        }
        match s.to_ascii_lowercase().as_str() {
            "true" | "yes" => Cell::Bool(true),
            "false" | "no" => Cell::Bool(false),
            _ => Cell::Text(s.to_string()),
        }
    }

    fn fits(&self, ty: ColumnType) -> bool {
        matches!(
            (self, ty),
            (Cell::Null, _)
                | (_, ColumnType::Text)
                | (Cell::Int(_), ColumnType::Integer | ColumnType::Float)
                | (Cell::Float(_), ColumnType::Float)
                | (Cell::Bool(_), ColumnType::Boolean)
        )
    }

    fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Float(f) => Some(*f),
            _ => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => f.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Text(t) => t.clone(),
        }
    }

    /// As a value of the column's type (a whole number in a text column stays text).
    fn to_json(&self, ty: ColumnType) -> Value {
        match (self, ty) {
            (Cell::Null, _) => Value::Null,
            (cell, ColumnType::Text) => Value::String(cell.text()),
            (Cell::Int(i), ColumnType::Float) => Value::from(*i as f64),
            (Cell::Int(i), _) => Value::from(*i),
            (Cell::Float(f), _) => Value::from(*f),
            (Cell::Bool(b), _) => Value::Bool(*b),
            (Cell::Text(t), _) => Value::String(t.clone()),
        }
    }
}

/// The votes of a column's values for its type, counted one value at a time: the type is the
/// one most values have, so a few values of another type are reported as bad rows rather
/// than turning a numeric column into text.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TypeVotes {
    present: u64,
    integer: u64,
    float: u64,
    boolean: u64,
}

impl TypeVotes {
    pub fn add(&mut self, cell: &Cell) {
        if matches!(cell, Cell::Null) {
            return;
        }
        self.present += 1;
        self.integer += u64::from(cell.fits(ColumnType::Integer));
        self.float += u64::from(cell.fits(ColumnType::Float));
        self.boolean += u64::from(cell.fits(ColumnType::Boolean));
    }

    /// The first of integer, float, boolean that 95% of the values present fit; else text.
    pub fn decide(&self) -> ColumnType {
        if self.present == 0 {
            return ColumnType::Text;
        }
        let votes =
            [(ColumnType::Integer, self.integer), (ColumnType::Float, self.float), (ColumnType::Boolean, self.boolean)];
        votes.into_iter().find(|(_, n)| *n as f64 / self.present as f64 >= 0.95).map_or(ColumnType::Text, |v| v.0)
    }
}

/// A column's schema and statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnStats {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// Values present (not missing) in the rows kept.
    pub count: u64,
    pub nulls: u64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub distinct: u64,
    /// False when there were more distinct values than are counted exactly ([`DISTINCT_CAP`]).
    pub distinct_exact: bool,
}

/// The most columns a source may have. As many as a spreadsheet holds (Excel's limit): wider
/// files are matrices, not tables of attributes. What grows with the columns stays in
/// proportion: each costs ~200 bytes of statistics and ~100 bytes in every preview row, and a
/// line of commas is as many columns as bytes — a 50 MB one took 20 GB and 7 minutes.
pub const MAX_COLUMNS: usize = 16_384;

/// Column names are cut to this many characters: a name is copied into every preview row, and
/// a header may be one field of many megabytes.
pub const MAX_NAME_CHARS: usize = 256;

/// Distinct values are counted exactly up to this many.
pub const DISTINCT_CAP: usize = 100_000;

/// What a bad row's number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowUnit {
    /// The line of the file where the row starts (CSV).
    #[default]
    Line,
    /// The record's place in a JSON array of records, from 1.
    Record,
    /// The row's place, from 1 (a JSON object of columns, Parquet).
    Row,
}

impl fmt::Display for RowUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RowUnit::Line => "line",
            RowUnit::Record => "record",
            RowUnit::Row => "row",
        })
    }
}

/// A row that was skipped, and why; shown as "line 12: …", "record 12: …" or "row 12: …".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadRow {
    /// Where the row is, counted in `unit`s. The field kept its first name, from when every
    /// source was CSV, for the readers of scans (the UI reads `bad_rows[].line`).
    pub line: u64,
    /// Absent from scans saved before it was added: those were all CSV lines.
    #[serde(default)]
    pub unit: RowUnit,
    pub reason: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.unit, self.line, self.reason)
    }
}

/// Bad rows kept with their reasons; more are only counted.
pub const BAD_ROWS_KEPT: usize = 100;

struct Column {
    stats: ColumnStats,
    sum: f64,
    seen: HashSet<u64>,
}

pub(crate) struct Table {
    columns: Vec<Column>,
    /// What the numbers given to `push` and `bad` count.
    unit: RowUnit,
    pub rows: u64,
    pub bad_rows: Vec<BadRow>,
    pub bad_count: u64,
    pub preview: Vec<Map<String, Value>>,
    preview_rows: usize,
    /// Cells in the preview so far.
    preview_cells: usize,
}

/// Most cells the preview of one read holds, whatever `preview_rows` asks: a caller asking for
/// every row of a source (the core does, for sources that feed the population) must get a
/// preview in proportion to the file, not rows × a sparse source's every key. Past it the
/// preview stops short of `rows`, which the caller can see.
pub const MAX_PREVIEW_CELLS: usize = 4_000_000;

impl Table {
    pub fn new(names: Vec<String>, types: Vec<ColumnType>, unit: RowUnit, preview_rows: usize) -> Table {
        let columns = names
            .into_iter()
            .zip(types)
            .map(|(name, column_type)| Column {
                stats: ColumnStats {
                    name,
                    column_type,
                    count: 0,
                    nulls: 0,
                    min: None,
                    max: None,
                    mean: None,
                    distinct: 0,
                    distinct_exact: true,
                },
                sum: 0.0,
                seen: HashSet::new(),
            })
            .collect();
        Table {
            columns,
            unit,
            rows: 0,
            bad_rows: Vec::new(),
            bad_count: 0,
            preview: Vec::new(),
            preview_rows,
            preview_cells: 0,
        }
    }

    /// Whether the next row kept goes into the preview (and counts it if so).
    fn previews_next(&mut self) -> bool {
        let width = self.columns.len();
        let fits = self.preview.len() < self.preview_rows && self.preview_cells + width <= MAX_PREVIEW_CELLS;
        if fits {
            self.preview_cells += width;
        }
        fits
    }

    pub fn bad(&mut self, line: u64, reason: String) {
        self.bad_count += 1;
        if self.bad_rows.len() < BAD_ROWS_KEPT {
            self.bad_rows.push(BadRow { line, unit: self.unit, reason });
        }
    }

    /// Reports a row of `found` fields, not as many as there are columns.
    pub fn bad_width(&mut self, line: u64, found: usize) {
        let reason = format!("expected {} fields, found {found}", self.columns.len());
        self.bad(line, reason);
    }

    /// Adds a row, or reports it as bad (wrong number of fields, a value of the wrong type).
    pub fn push(&mut self, line: u64, cells: Vec<Cell>) {
        if cells.len() != self.columns.len() {
            return self.bad_width(line, cells.len());
        }
        if let Some((column, cell)) = self.columns.iter().zip(&cells).find(|(c, cell)| !cell.fits(c.stats.column_type))
        {
            return self.bad(line, wrong_type(column, cell));
        }
        self.rows += 1;
        if self.previews_next() {
            let row =
                self.columns.iter().zip(&cells).map(|(c, v)| (c.stats.name.clone(), v.to_json(c.stats.column_type)));
            self.preview.push(row.collect());
        }
        for (column, cell) in self.columns.iter_mut().zip(cells) {
            column.add(&cell);
        }
    }

    /// Adds a row given by the values it has, as (column index, value), each column at most
    /// once; the columns not given are missing. Costs what the row holds, not the table's
    /// width (but for rows kept in the preview, which show every column), so a sparse source
    /// — JSON records each with a few of many keys — is read in time proportional to its size.
    pub fn push_sparse(&mut self, line: u64, cells: Vec<(usize, Cell)>) {
        let wrong = cells
            .iter()
            .filter_map(|(i, cell)| Some((*i, self.columns.get(*i)?, cell)))
            .filter(|(_, column, cell)| !cell.fits(column.stats.column_type))
            .min_by_key(|(i, ..)| *i);
        if let Some((_, column, cell)) = wrong {
            return self.bad(line, wrong_type(column, cell));
        }
        self.rows += 1;
        if self.previews_next() {
            let mut values = vec![Value::Null; self.columns.len()];
            for (i, cell) in &cells {
                if let (Some(value), Some(column)) = (values.get_mut(*i), self.columns.get(*i)) {
                    *value = cell.to_json(column.stats.column_type);
                }
            }
            let row = self.columns.iter().zip(values).map(|(c, v)| (c.stats.name.clone(), v));
            self.preview.push(row.collect());
        }
        for (i, cell) in cells {
            if let Some(column) = self.columns.get_mut(i) {
                column.add(&cell);
            }
        }
    }

    pub fn finish(self) -> Vec<ColumnStats> {
        let rows = self.rows;
        self.columns
            .into_iter()
            .map(|mut c| {
                // Every row kept has a value or not in each column (a sparse row says nothing
                // of the columns it lacks).
                c.stats.nulls = rows - c.stats.count;
                if c.stats.count > 0 && c.stats.min.is_some() {
                    c.stats.mean = Some(c.sum / c.stats.count as f64);
                }
                c.stats.distinct = c.seen.len() as u64;
                c.stats
            })
            .collect()
    }
}

fn wrong_type(column: &Column, cell: &Cell) -> String {
    format!("'{}' in column '{}' is not {}", cell.text(), column.stats.name, column.stats.column_type.describe())
}

impl Column {
    /// Counts a value of a row kept; missing values are counted at the end, from the rows.
    fn add(&mut self, cell: &Cell) {
        if matches!(cell, Cell::Null) {
            return;
        }
        self.stats.count += 1;
        if let Some(x) =
            cell.number().filter(|_| matches!(self.stats.column_type, ColumnType::Integer | ColumnType::Float))
        {
            self.sum += x;
            self.stats.min = Some(self.stats.min.map_or(x, |m| m.min(x)));
            self.stats.max = Some(self.stats.max.map_or(x, |m| m.max(x)));
        }
        if self.seen.len() < DISTINCT_CAP {
            let mut hasher = DefaultHasher::new();
            cell.text().hash(&mut hasher);
            self.seen.insert(hasher.finish());
        } else {
            self.stats.distinct_exact = false;
        }
    }
}

/// Column names made usable: trimmed, cut to [`MAX_NAME_CHARS`], never empty, never repeated
/// (a repeat gets the first free `_2`, `_3`, …). The next suffix to try is remembered per name, so a header of 20,000 `a`s
/// takes two probes per name, not 200 million probes in all.
pub fn unique_names(raw: Vec<String>) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::with_capacity(raw.len());
    let mut next_suffix: HashMap<String, u64> = HashMap::new();
    raw.into_iter()
        .enumerate()
        .map(|(i, name)| {
            let base = match name.trim() {
                "" => format!("column_{}", i + 1),
                name => match name.char_indices().nth(MAX_NAME_CHARS) {
                    Some((cut, _)) => format!("{}…", &name[..cut]),
                    None => name.to_string(),
                },
            };
            if seen.insert(base.clone()) {
                return base;
            }
            // Suffixes below the remembered one were all taken, and names are never freed.
            let n = next_suffix.entry(base.clone()).or_insert(2);
            let mut name = format!("{base}_{n}");
            while !seen.insert(name.clone()) {
                *n += 1;
                name = format!("{base}_{n}");
            }
            *n += 1;
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse_and_columns_take_the_type_most_values_have() {
        assert_eq!(Cell::parse(" 42 "), Cell::Int(42));
        assert_eq!(Cell::parse("4.5e3"), Cell::Float(4500.0));
        assert_eq!(Cell::parse("NA"), Cell::Null);
        assert_eq!(Cell::parse("Yes"), Cell::Bool(true));
        assert_eq!(Cell::parse("inf"), Cell::Text("inf".into()));
        let infer = |cells: &[Cell]| {
            let mut votes = TypeVotes::default();
            cells.iter().for_each(|c| votes.add(c));
            votes.decide()
        };
        let ints: Vec<Cell> = (0..40).map(Cell::Int).chain([Cell::Text("n/a?".into()), Cell::Null]).collect();
        assert_eq!(infer(&ints), ColumnType::Integer);
        assert_eq!(infer(&ints[30..]), ColumnType::Text, "one text value in 11 is more than 5%");
        assert_eq!(infer(&[Cell::Int(1), Cell::Float(1.5)]), ColumnType::Float);
        assert_eq!(infer(&[Cell::Int(1), Cell::Text("a".into())]), ColumnType::Text);
        assert_eq!(infer(&[Cell::Bool(true), Cell::Null]), ColumnType::Boolean);
        assert_eq!(infer(&[Cell::Null]), ColumnType::Text);
    }

    #[test]
    fn bad_rows_say_what_their_number_counts() {
        let record = BadRow { line: 3, unit: RowUnit::Record, reason: "not a flat record".into() };
        assert_eq!(record.to_string(), "record 3: not a flat record");
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json, serde_json::json!({"line": 3, "unit": "record", "reason": "not a flat record"}));
        // Scans saved before the unit was added were all CSV.
        let old: BadRow = serde_json::from_value(serde_json::json!({"line": 7, "reason": "x"})).unwrap();
        assert_eq!((old.unit, old.to_string()), (RowUnit::Line, "line 7: x".to_string()));
    }

    #[test]
    fn names_are_made_unique() {
        let names = unique_names(vec!["a".into(), " ".into(), "a".into(), "a_2".into()]);
        assert_eq!(names, ["a", "column_2", "a_2", "a_2_2"]);
        let names = unique_names(vec!["a_2".into(), "a".into(), "a".into(), "a".into(), "".into(), "column_5".into()]);
        assert_eq!(names, ["a_2", "a", "a_3", "a_4", "column_5", "column_5_2"]);
    }

    /// 100,000 columns all named `a`: trying `a`, `a_2`, … `a_k` for the k-th took about
    /// 5·10⁹ probes (hours in a debug build; 20,000 columns took 13 s per read in release).
    /// Remembering the next suffix per name makes it one probe each.
    #[test]
    fn many_repeated_names_are_made_unique_in_linear_time() {
        let names = unique_names(vec!["a".to_string(); 100_000]);
        assert_eq!((names[0].as_str(), names[1].as_str(), names[99_999].as_str()), ("a", "a_2", "a_100000"));
        assert_eq!(names.iter().collect::<HashSet<_>>().len(), 100_000);
    }
}
