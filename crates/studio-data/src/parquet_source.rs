//! Parquet, read row group by row group through the record reader: the file's own schema
//! gives the column types (the analyst's `column_types` still win), nested columns are shown as
//! text, and progress follows the rows read (the caller is asked whether to go on every 4,096
//! rows).

use std::fs::File;

use parquet::basic::{ConvertedType, LogicalType, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;

use crate::table::{Cell, ColumnType, MAX_COLUMNS, RowUnit, Table, unique_names};
use crate::{DataError, Scan, ScanOptions, SourceFormat};

fn failed(e: parquet::errors::ParquetError) -> DataError {
    DataError::Parquet(e.to_string())
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
        Field::Decimal(_) => field.to_string().parse::<f64>().map(Cell::Float).unwrap_or(Cell::Text(field.to_string())),
        other => Cell::Text(other.to_string().trim_matches('"').to_string()),
    }
}

pub(crate) fn scan_parquet(
    file: File,
    options: &ScanOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Scan, DataError> {
    let reader = SerializedFileReader::new(file).map_err(failed)?;
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
    let rows = reader.get_row_iter(None).map_err(failed)?;
    for (i, row) in (0u64..).zip(rows) {
        // Rows can be wide: asked often enough that a stop takes effect within ~100 ms.
        if i.is_multiple_of(4_096) && !progress(if total > 0 { (i as f64 / total as f64).min(1.0) } else { 0.0 }) {
            return Err(DataError::Cancelled);
        }
        let row = row.map_err(failed)?;
        let cells: Vec<Cell> = row.get_column_iter().map(|(_, field)| cell(field)).collect();
        table.push(i + 1, cells);
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
