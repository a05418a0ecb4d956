//! Parquet, read row group by row group through the record reader: the file's own schema
//! gives the column types (the analyst's `column_types` still win), nested columns are shown as
//! text, and progress follows the rows read (the caller is asked whether to go on every 4,096
//! rows).
//!
//! The parquet crate panics on some corrupt files (an index out of bounds, an unwrap, an
//! assertion, a capacity overflow) where it should return an error, and when showing some
//! valid values as text (dates beyond chrono's years, a decimal whose scale is its precision):
//! every call into the reader is guarded, so a panic becomes an error naming a corrupt file,
//! and those values are converted here. (The panic hook still prints the panic's message; an
//! allocation the machine cannot give aborts, which no guard can catch.)

use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};

use parquet::basic::{ConvertedType, LogicalType, Type as Physical};
use parquet::data_type::Decimal;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;

use crate::table::{Cell, ColumnType, MAX_COLUMNS, RowUnit, Table, unique_names};
use crate::{DataError, Scan, ScanOptions, SourceFormat};

fn failed(e: parquet::errors::ParquetError) -> DataError {
    DataError::Parquet(e.to_string())
}

/// What a caught panic said.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied()).unwrap_or("")
}

/// Calls into the parquet crate, a panic becoming an error.
fn guarded<T>(call: impl FnOnce() -> Result<T, parquet::errors::ParquetError>) -> Result<T, DataError> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(result) => result.map_err(failed),
        Err(panic) => {
            Err(DataError::Parquet(format!("it is corrupt (the reader failed: {})", panic_message(panic.as_ref()))))
        }
    }
}

/// Days either side of 1970-01-01 that chrono, behind the parquet crate's text for dates and
/// timestamps, can show: ±100,000 years, well inside its ±262,000; beyond, it panics.
const SHOWN_DAYS: u64 = 36_524_250;

/// A decimal as a number. The parquet crate's text for it asserts that the scale is below the
/// precision (DECIMAL(2,2) is valid) and inserts zeros one at a time up to the scale (a
/// hostile scale of 2·10⁹ never ends), so it is used only for decimals within 38 digits.
fn decimal(d: &Decimal) -> Cell {
    if (0..d.precision()).contains(&d.scale()) && d.precision() <= 38 && d.data().len() <= 16 {
        let text = Field::Decimal(d.clone()).to_string();
        return text.parse::<f64>().map_or(Cell::Text(text), Cell::Float);
    }
    // Big-endian two's complement, then scaled.
    let negative = d.data().first().is_some_and(|b| b & 0x80 != 0);
    let magnitude = d.data().iter().fold(0.0f64, |x, &b| x * 256.0 + f64::from(if negative { !b } else { b }));
    let unscaled = if negative { -(magnitude + 1.0) } else { magnitude };
    let x = unscaled / 10f64.powi(d.scale());
    if x.is_finite() {
        Cell::Float(x)
    } else {
        Cell::Text(format!("a decimal of {} bytes at scale {}", d.data().len(), d.scale()))
    }
}

/// The column type a Parquet field maps to.
fn column_type(field: &Type) -> ColumnType {
    if !field.is_primitive() {
        return ColumnType::Text;
    }
    let info = field.get_basic_info();
    let decimal = matches!(info.logical_type_ref(), Some(LogicalType::Decimal { .. }))
        || info.converted_type() == ConvertedType::DECIMAL;
    let dated = matches!(
        info.logical_type_ref(),
        Some(LogicalType::Date | LogicalType::Timestamp { .. } | LogicalType::Time { .. })
    ) || matches!(
        info.converted_type(),
        ConvertedType::DATE | ConvertedType::TIMESTAMP_MILLIS | ConvertedType::TIMESTAMP_MICROS
    );
    match field.get_physical_type() {
        _ if decimal => ColumnType::Float,
        _ if dated => ColumnType::Text,
        Physical::BOOLEAN => ColumnType::Boolean,
        Physical::INT32 | Physical::INT64 => ColumnType::Integer,
        Physical::FLOAT | Physical::DOUBLE => ColumnType::Float,
        _ => ColumnType::Text,
    }
}

fn cell(field: &Field) -> Cell {
    match field {
        Field::Null => Cell::Null,
        Field::Bool(b) => Cell::Bool(*b),
        Field::Byte(v) => Cell::Int(i64::from(*v)),
        Field::Short(v) => Cell::Int(i64::from(*v)),
        Field::Int(v) => Cell::Int(i64::from(*v)),
        Field::Long(v) => Cell::Int(*v),
        Field::UByte(v) => Cell::Int(i64::from(*v)),
        Field::UShort(v) => Cell::Int(i64::from(*v)),
        Field::UInt(v) => Cell::Int(i64::from(*v)),
        Field::ULong(v) => i64::try_from(*v).map(Cell::Int).unwrap_or(Cell::Float(*v as f64)),
        Field::Float16(v) => Cell::Float(f64::from(f32::from(*v))),
        Field::Float(v) => Cell::Float(f64::from(*v)),
        Field::Double(v) => Cell::Float(*v),
        Field::Str(s) => Cell::Text(s.clone()),
        Field::Decimal(d) => decimal(d),
        Field::Date(days) if u64::from(days.unsigned_abs()) > SHOWN_DAYS => {
            Cell::Text(format!("{days} days from 1970-01-01"))
        }
        Field::TimestampMillis(ms) if ms.unsigned_abs() > SHOWN_DAYS * 86_400_000 => {
            Cell::Text(format!("{ms} ms from 1970-01-01 00:00 UTC"))
        }
        Field::TimestampMicros(us) if us.unsigned_abs() > SHOWN_DAYS * 86_400_000_000 => {
            Cell::Text(format!("{us} µs from 1970-01-01 00:00 UTC"))
        }
        other => Cell::Text(other.to_string().trim_matches('"').to_string()),
    }
}

pub(crate) fn scan_parquet(
    file: File,
    options: &ScanOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Scan, DataError> {
    let reader = guarded(|| SerializedFileReader::new(file))?;
    let meta = reader.metadata().file_metadata();
    let total = meta.num_rows().max(0) as u64;
    let fields = meta.schema_descr().root_schema().get_fields().to_vec();
    if fields.is_empty() {
        return Err(DataError::Empty);
    }
    if fields.len() > MAX_COLUMNS {
        return Err(DataError::TooManyColumns { limit: MAX_COLUMNS, found: fields.len() as u64 });
    }
    let names = unique_names(fields.iter().map(|f| f.name().to_string()).collect());
    let types: Vec<ColumnType> = fields
        .iter()
        .zip(&names)
        .map(|(f, name)| options.column_types.get(name).copied().unwrap_or_else(|| column_type(f)))
        .collect();
    let mut table = Table::new(names, types, RowUnit::Row, options.preview_rows);
    let mut rows = guarded(|| reader.get_row_iter(None))?;
    for i in 0u64.. {
        // Rows can be wide: asked often enough that a stop takes effect within ~100 ms.
        if i.is_multiple_of(4_096) && !progress(if total > 0 { (i as f64 / total as f64).min(1.0) } else { 0.0 }) {
            return Err(DataError::Cancelled);
        }
        let Some(row) = guarded(|| rows.next().transpose())? else { break };
        // Nested values are shown with the parquet crate's text, which may still panic on one.
        match catch_unwind(|| row.get_column_iter().map(|(_, field)| cell(field)).collect::<Vec<Cell>>()) {
            Ok(cells) => table.push(i + 1, cells),
            Err(panic) => table.bad(i + 1, format!("a value cannot be shown: {}", panic_message(panic.as_ref()))),
        }
    }
    if !progress(1.0) {
        return Err(DataError::Cancelled);
    }
    Scan::from_table(
        SourceFormat::Parquet { row_groups: reader.metadata().num_row_groups() as u64 },
        table,
        options.max_bad_share,
    )
}
