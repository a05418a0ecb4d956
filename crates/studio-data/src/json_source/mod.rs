//! JSON sources: an array of records (`[{"age": 31, ...}, ...]`) or an object of columns
//! (`{"age": [31, ...], ...}`), parsed from memory.
//!
//! Records are never held as a tree: they are parsed twice, one record at a time. The first
//! pass finds the columns (keys in order of first appearance; the keys new in a record in key
//! order, as serde_json's map gave them) and counts the votes for their types; the second
//! pushes each record's values. Memory is the file plus one record, and the work is what the
//! records hold: a key a record lacks costs nothing (it is counted as missing at the end).
//! Keys are limited to [`MAX_KEYS`]. Columns are read into compact cells, since a row needs
//! every column at once.
//!
//! Bad rows are numbered by record (from 1) in an array of records, by row in an object of
//! columns ([`RowUnit`]): a JSON file's lines say nothing of where its records are.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::table::{Cell, ColumnType, MAX_COLUMNS, RowUnit, Table, TypeVotes, unique_names};
use crate::{DataError, JsonShape, Scan, ScanOptions, SourceFormat};

/// The most distinct keys read from JSON records. Records become a table's columns, and real
/// tables have tens of them; thousands of distinct keys mean the keys are data (ids, dates): an
/// object keyed by ids, not a list of records. What grows with the keys stays small under it:
/// ~200 bytes of statistics a column, and each preview row, which holds every column (a
/// missing key as null) — without a limit, 8,000 one-key records of 134 KB held 64 million.
/// (CSV needs no limit: its columns are in every line, so rows × columns is bounded by the
/// file.)
pub(crate) const MAX_KEYS: usize = 1_000;

/// The caller is asked whether to go on every this many records or rows.
const CHECK_ROWS: u64 = 4_096;

/// A value as read: a cell, or a nested array or object (not read: skipped unparsed).
enum Field {
    Flat(Cell),
    Nested,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Field, E> {
        Ok(Field::Flat(Cell::Null))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Field, E> {
        Ok(Field::Flat(Cell::Bool(b)))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Field, E> {
        Ok(Field::Flat(Cell::Int(i)))
    }
    // Beyond i64, a float, as serde_json's `Number::as_i64` then `as_f64` gave.
    fn visit_u64<E>(self, u: u64) -> Result<Field, E> {
        Ok(Field::Flat(i64::try_from(u).map_or(Cell::Float(u as f64), Cell::Int)))
    }
    fn visit_f64<E>(self, x: f64) -> Result<Field, E> {
        Ok(Field::Flat(Cell::Float(x)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Field, E> {
        Ok(Field::Flat(Cell::Text(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Field, E> {
        Ok(Field::Flat(Cell::Text(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Nested)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Nested)
    }
}

/// An element of the array of records: its fields, or what it is when it is not an object.
enum Record {
    Fields(Vec<(String, Field)>),
    Not(&'static str),
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Record, D::Error> {
        deserializer.deserialize_any(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let mut fields = Vec::new();
        while let Some(entry) = map.next_entry::<String, Field>()? {
            fields.push(entry);
        }
        Ok(Record::Fields(fields))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Record, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Record::Not("an array"))
    }
    fn visit_unit<E>(self) -> Result<Record, E> {
        Ok(Record::Not("null"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Record, E> {
        Ok(Record::Not("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Record, E> {
        Ok(Record::Not("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Record, E> {
        Ok(Record::Not("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Record, E> {
        Ok(Record::Not("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Record, E> {
        Ok(Record::Not("a string"))
    }
}

/// Hands each record of a top-level array to `visit`, in order, without keeping any.
struct EachRecord<'v> {
    visit: &'v mut dyn FnMut(Record) -> Result<(), DataError>,
    /// Why `visit` stopped the parse, which serde only knows as a custom error.
    stopped: Option<DataError>,
}

impl<'de> Visitor<'de> for &mut EachRecord<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record>()? {
            if let Err(e) = (self.visit)(record) {
                self.stopped = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

fn each_record(bytes: &[u8], visit: &mut dyn FnMut(Record) -> Result<(), DataError>) -> Result<(), DataError> {
    let mut each = EachRecord { visit, stopped: None };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = (&mut de).deserialize_seq(&mut each).and_then(|()| de.end());
    match (each.stopped, parsed) {
        (Some(e), _) => Err(e),
        (None, Err(e)) => Err(DataError::Json(e.to_string())),
        (None, Ok(())) => Ok(()),
    }
}

/// A record's fields as serde_json's map held them: by key, the last of a repeated key.
fn by_key(fields: &mut Vec<(String, Field)>) {
    fields.reverse();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    fields.dedup_by(|a, b| a.0 == b.0);
}

/// A column of an object of columns: its values, or what it is when it is not an array.
struct ColumnValues(Result<Vec<Field>, &'static str>);

impl<'de> Deserialize<'de> for ColumnValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ColumnValues, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ColumnValues;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ColumnValues, A::Error> {
                let mut values = Vec::new();
                while let Some(field) = seq.next_element::<Field>()? {
                    values.push(field);
                }
                Ok(ColumnValues(Ok(values)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColumnValues, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ColumnValues(Err("an object")))
            }
            fn visit_unit<E>(self) -> Result<ColumnValues, E> {
                Ok(ColumnValues(Err("null")))
            }
            fn visit_bool<E>(self, _: bool) -> Result<ColumnValues, E> {
                Ok(ColumnValues(Err("a boolean")))
            }
            fn visit_i64<E>(self, _: i64) -> Result<ColumnValues, E> {
                Ok(ColumnValues(Err("a number")))
            }
            fn visit_u64<E>(self, _: u64) -> Result<ColumnValues, E> {
                Ok(ColumnValues(Err("a number")))
            }
            fn visit_f64<E>(self, _: f64) -> Result<ColumnValues, E> {
                Ok(ColumnValues(Err("a number")))
            }
            fn visit_str<E>(self, _: &str) -> Result<ColumnValues, E> {
                Ok(ColumnValues(Err("a string")))
            }
        }
        deserializer.deserialize_any(V)
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A key as shown in a message: long keys cut.
fn shown(key: &str) -> String {
    const SHOWN: usize = 60;
    match key.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &key[..cut]),
        None => key.to_string(),
    }
}

/// Reads JSON from memory. `progress` is asked whether to go on every [`CHECK_ROWS`] records
/// or rows; records report 0 in the first pass, which cannot know how far it is, then from 0.5
/// in the second.
pub(crate) fn scan_json(
    bytes: &[u8],
    options: &ScanOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Scan, DataError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::Empty);
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => scan_records(bytes, options, progress),
        Some(b'{') => scan_columns(bytes, options, progress),
        _ => match serde_json::from_slice::<Value>(bytes) {
            Err(e) => Err(DataError::Json(e.to_string())),
            Ok(other) => Err(DataError::Json(format!(
                "expected an array of records or an object of columns, found {}",
                kind(&other)
            ))),
        },
    }
}

fn types(names: &[String], votes: &[TypeVotes], options: &ScanOptions) -> Vec<ColumnType> {
    names
        .iter()
        .zip(votes)
        .map(|(name, votes)| options.column_types.get(name).copied().unwrap_or(votes.decide()))
        .collect()
}

fn scan_records(bytes: &[u8], options: &ScanOptions, progress: &mut dyn FnMut(f64) -> bool) -> Result<Scan, DataError> {
    // First pass: the columns and their types.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();
    let mut votes: Vec<TypeVotes> = Vec::new();
    let mut records = 0u64;
    each_record(bytes, &mut |record| {
        records += 1;
        if records.is_multiple_of(CHECK_ROWS) && !progress(0.0) {
            return Err(DataError::Cancelled);
        }
        let Record::Fields(mut fields) = record else { return Ok(()) };
        by_key(&mut fields);
        for (key, _) in &fields {
            if !index.contains_key(key) {
                if keys.len() == MAX_KEYS {
                    return Err(DataError::TooManyKeys { limit: MAX_KEYS, key: shown(key), record: records });
                }
                index.insert(key.clone(), keys.len());
                keys.push(key.clone());
                votes.push(TypeVotes::default());
            }
        }
        // A record with a nested value is a bad row: none of its values vote.
        if fields.iter().all(|(_, f)| matches!(f, Field::Flat(_))) {
            for (key, field) in &fields {
                if let (Some(votes), Field::Flat(cell)) = (index.get(key).and_then(|&i| votes.get_mut(i)), field) {
                    votes.add(cell);
                }
            }
        }
        Ok(())
    })?;
    if keys.is_empty() {
        return Err(DataError::Empty);
    }
    let names = unique_names(keys);
    let types = types(&names, &votes, options);

    // Second pass: every record's values.
    let mut table = Table::new(names, types, RowUnit::Record, options.preview_rows);
    let total = records as f64;
    let mut record = 0u64;
    each_record(bytes, &mut |fields| {
        record += 1;
        if record.is_multiple_of(CHECK_ROWS) && !progress(0.5 + 0.5 * record as f64 / total) {
            return Err(DataError::Cancelled);
        }
        let mut fields = match fields {
            Record::Fields(fields) => fields,
            Record::Not(what) => {
                table.bad(record, format!("not a record: {what}, where an object of fields was expected"));
                return Ok(());
            }
        };
        by_key(&mut fields);
        let mut cells = Vec::with_capacity(fields.len());
        for (key, field) in fields {
            match (index.get(&key), field) {
                (Some(&i), Field::Flat(cell)) => cells.push((i, cell)),
                // The first pass saw every key: not missing.
                (None, Field::Flat(_)) => {}
                (_, Field::Nested) => {
                    table.bad(record, "not a flat record: nested arrays and objects are not read".into());
                    return Ok(());
                }
            }
        }
        table.push_sparse(record, cells);
        Ok(())
    })?;
    if !progress(1.0) {
        return Err(DataError::Cancelled);
    }
    Scan::from_table(SourceFormat::Json { shape: JsonShape::Records }, table, options.max_bad_share)
}

fn scan_columns(bytes: &[u8], options: &ScanOptions, progress: &mut dyn FnMut(f64) -> bool) -> Result<Scan, DataError> {
    // A repeated column keeps its last values; columns are in name order (as serde_json's map
    // gave them).
    let parsed: HashMap<String, ColumnValues> =
        serde_json::from_slice(bytes).map_err(|e| DataError::Json(e.to_string()))?;
    if parsed.len() > MAX_COLUMNS {
        return Err(DataError::TooManyColumns { limit: MAX_COLUMNS, found: parsed.len() as u64 });
    }
    let mut parsed: Vec<(String, ColumnValues)> = parsed.into_iter().collect();
    parsed.sort_by(|a, b| a.0.cmp(&b.0));
    let (mut names, mut columns) = (Vec::with_capacity(parsed.len()), Vec::with_capacity(parsed.len()));
    for (name, ColumnValues(values)) in parsed {
        match values {
            Ok(values) => columns.push(values),
            Err(what) => return Err(DataError::Json(format!("column '{name}' is {what}, not an array of values"))),
        }
        names.push(name);
    }
    let (Some(first), Some(rows)) = (names.first(), columns.first().map(Vec::len)) else {
        return Err(DataError::Empty);
    };
    if let Some((name, values)) = names.iter().zip(&columns).find(|(_, values)| values.len() != rows) {
        let len = values.len();
        return Err(DataError::Json(format!(
            "columns differ in length: '{first}' has {rows} values, '{name}' has {len}"
        )));
    }
    let mut votes = vec![TypeVotes::default(); columns.len()];
    for i in 0..rows {
        // A row with a nested value is a bad row: none of its values vote.
        if columns.iter().all(|values| matches!(values.get(i), Some(Field::Flat(_)))) {
            for (votes, values) in votes.iter_mut().zip(&columns) {
                if let Some(Field::Flat(cell)) = values.get(i) {
                    votes.add(cell);
                }
            }
        }
    }
    let names = unique_names(names);
    let types = types(&names, &votes, options);
    let mut table = Table::new(names, types, RowUnit::Row, options.preview_rows);
    for (i, row) in (0..rows).zip(1u64..) {
        if row.is_multiple_of(CHECK_ROWS) && !progress(i as f64 / rows as f64) {
            return Err(DataError::Cancelled);
        }
        let cells: Option<Vec<Cell>> = columns
            .iter_mut()
            .map(|values| match values.get_mut(i).map(|field| std::mem::replace(field, Field::Nested)) {
                Some(Field::Flat(cell)) => Some(cell),
                _ => None,
            })
            .collect();
        match cells {
            Some(cells) => table.push(row, cells),
            None => table.bad(row, "not a flat row: nested arrays and objects are not read".into()),
        }
    }
    if !progress(1.0) {
        return Err(DataError::Cancelled);
    }
    Scan::from_table(SourceFormat::Json { shape: JsonShape::Columns }, table, options.max_bad_share)
}

#[cfg(test)]
mod tests;
