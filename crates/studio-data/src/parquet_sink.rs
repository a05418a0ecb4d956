//! Writing a table as Parquet: flat, required columns of text, integers or floats, one row
//! group, in memory. Read back by the product's own reader and by pyarrow alike.

use std::sync::Arc;

use parquet::basic::{ConvertedType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::DataError;

/// One column's values.
pub enum ParquetColumn {
    Text(Vec<String>),
    Int(Vec<i64>),
    Float(Vec<f64>),
}

#[allow(clippy::len_without_is_empty)]
impl ParquetColumn {
    pub fn len(&self) -> usize {
        match self {
            ParquetColumn::Text(v) => v.len(),
            ParquetColumn::Int(v) => v.len(),
            ParquetColumn::Float(v) => v.len(),
        }
    }
}

fn failed(e: parquet::errors::ParquetError) -> DataError {
    DataError::Parquet(e.to_string())
}

/// The columns, named, as the bytes of a Parquet file.
pub fn write_parquet<S: AsRef<str>>(columns: &[(S, ParquetColumn)]) -> Result<Vec<u8>, DataError> {
    let rows = columns.first().map_or(0, |(_, c)| c.len());
    if let Some((name, _)) = columns.iter().find(|(_, c)| c.len() != rows) {
        return Err(DataError::Parquet(format!("column '{}' does not have {rows} values", name.as_ref())));
    }
    // Built field by field, so any column name (spaces, brackets) is taken as it is.
    let fields = columns
        .iter()
        .map(|(name, c)| {
            let (physical, text) = match c {
                ParquetColumn::Text(_) => (PhysicalType::BYTE_ARRAY, true),
                ParquetColumn::Int(_) => (PhysicalType::INT64, false),
                ParquetColumn::Float(_) => (PhysicalType::DOUBLE, false),
            };
            let mut field = Type::primitive_type_builder(name.as_ref(), physical).with_repetition(Repetition::REQUIRED);
            if text {
                field = field.with_converted_type(ConvertedType::UTF8);
            }
            field.build().map(Arc::new).map_err(failed)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Arc::new(Type::group_type_builder("table").with_fields(fields).build().map_err(failed)?);
    let mut out = Vec::new();
    let mut writer =
        SerializedFileWriter::new(&mut out, schema, Arc::new(WriterProperties::builder().build())).map_err(failed)?;
    let mut group = writer.next_row_group().map_err(failed)?;
    for (_, column) in columns {
        let Some(mut w) = group.next_column().map_err(failed)? else { break };
        match column {
            ParquetColumn::Text(v) => {
                let values: Vec<ByteArray> = v.iter().map(|s| ByteArray::from(s.as_str())).collect();
                w.typed::<ByteArrayType>().write_batch(&values, None, None).map_err(failed)?;
            }
            ParquetColumn::Int(v) => {
                w.typed::<Int64Type>().write_batch(v, None, None).map_err(failed)?;
            }
            ParquetColumn::Float(v) => {
                w.typed::<DoubleType>().write_batch(v, None, None).map_err(failed)?;
            }
        }
        w.close().map_err(failed)?;
    }
    group.close().map_err(failed)?;
    writer.close().map_err(failed)?;
    Ok(out)
}
