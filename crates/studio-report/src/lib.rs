//! Reports of FutureOS Studio. A project's results go in (`ReportInput`); a `Report` comes out
//! (narrative, tables, charts, appendix, provenance), and each renderer turns it into the bytes
//! of one format. No IO beyond returning bytes, no global state: the same input gives the same
//! bytes.

pub mod charts;
mod document;
mod error;
pub mod fonts;
pub mod sample;

pub use document::{
    Block, Brand, Chart, ChartKind, Logo, LogoFormat, NativeKind, Provenance, Report, Rgb, RunRef, Section, Series,
    Table, short,
};
pub use error::ReportError;
