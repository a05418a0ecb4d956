//! Reports of FutureOS Studio. A project's results go in (`ReportInput`); a `Report` comes out
//! (narrative, tables, charts, appendix, provenance), and each renderer turns it into the bytes
//! of one format. No IO beyond returning bytes: the same input gives the same bytes. (Plotters'
//! font registry and Typst's memo cache are process-wide; neither changes an output.)

mod answer;
mod build;
pub mod causal_svg;
mod caveats;
pub mod charts;
mod columns;
mod content;
mod context;
mod document;
pub mod docx;
mod error;
mod figures;
pub mod fonts;
pub mod html;
mod input;
mod metrics;
mod narrative;
pub mod pdf;
pub mod pptx;
pub mod raster;
pub mod sample;
mod sections;
mod sensitivity;

pub use build::{APPENDIX, SECTIONS, build, template_name, template_sections};
pub use content::content;
pub use document::{
    Block, Brand, Chart, ChartKind, Figure, Logo, LogoFormat, NativeKind, Provenance, Report, Rgb, RunRef, Section,
    Series, Table, short,
};
pub use error::ReportError;
pub use input::{
    ArchetypeFacts, MarginalFacts, OverrideFacts, PopulationFacts, REPORT_INPUT_FORMAT, ReportInput, ScenarioResult,
    SourceFacts,
};
