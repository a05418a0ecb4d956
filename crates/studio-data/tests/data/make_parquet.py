#!/usr/bin/env python3
"""Writes the Parquet fixtures of tests/read.rs with pyarrow (pip install pyarrow), so the
reader is checked against files another implementation wrote:

  survey.snappy.parquet  5 rows: text, int64 with a null, double, bool, date32; snappy
  survey.gzip.parquet    the same table, gzip, in two row groups
"""
import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

here = Path(__file__).resolve().parent
table = pa.table({
    "region": ["North", "South", "South", "East", "Wést"],
    "age": pa.array([34, 51, None, 29, 62], type=pa.int64()),
    "income": [41000.5, 38000.0, 52000.25, 27000.0, 61000.0],
    "urban": [True, False, True, True, False],
    "surveyed": [datetime.date(2025, 3, d) for d in (1, 2, 3, 4, 5)],
})
pq.write_table(table, here / "survey.snappy.parquet", compression="snappy")
pq.write_table(table, here / "survey.gzip.parquet", compression="gzip", row_group_size=3)
