//! The report as a document: what every format renders. It is built once from a project's
//! results (`build`), and the renderers (HTML, PDF, PPTX, DOCX) only lay it out: they make
//! no decisions about content, so the four formats always say the same thing.

use serde::Serialize;
use studio_model::ReportTemplate;

/// A colour, `#rrggbb` in branding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `rrggbb`, lower case, without `#`.
    pub fn hex(self) -> String {
        format!("{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Reads `#rrggbb` or `rrggbb`.
    pub fn parse(text: &str) -> Option<Rgb> {
        let t = text.trim().trim_start_matches('#');
        if t.len() != 6 || !t.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&t[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogoFormat {
    Png,
    Svg,
}

/// The organisation's logo, read by the caller (the report crate does no IO) and made ready by
/// `raster::prepare_logo`, once: what every format embeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logo {
    pub format: LogoFormat,
    /// The logo as the formats that take vectors embed it (PDF, HTML): an SVG as given; a PNG
    /// as given when at most 1024 pixels on its long side, else scaled down to that.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// The logo as a PNG, for the formats that take only pictures (DOCX, PPTX): a PNG's
    /// `bytes`, or an SVG rasterised at twice its size (at most 1024 pixels a side).
    #[serde(skip)]
    pub png: Vec<u8>,
    /// Width and height in pixels (of the PNG as prepared) or user units (SVG), for the aspect
    /// ratio.
    pub width: u32,
    pub height: u32,
}

/// Colours and logo, applied to every format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brand {
    /// Headings, title page, table headers.
    pub primary: Rgb,
    /// Highlights: the headline numbers, rules.
    pub accent: Rgb,
    /// Body text.
    pub text: Rgb,
    /// Series colours, in order (scenario 1, 2, …).
    pub palette: Vec<Rgb>,
    pub logo: Option<Logo>,
}

impl Brand {
    /// The product's own colours, no logo: what a report without branding uses.
    pub fn standard() -> Brand {
        Brand {
            primary: Rgb(0x1f, 0x3a, 0x5f),
            accent: Rgb(0xd9, 0x77, 0x06),
            text: Rgb(0x22, 0x22, 0x22),
            palette: vec![Rgb(0x1f, 0x77, 0xb4), Rgb(0xd9, 0x77, 0x06), Rgb(0x2c, 0xa0, 0x2c), Rgb(0x94, 0x67, 0xbd)],
            logo: None,
        }
    }
}

/// Where the report's numbers come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub project_id: String,
    pub project_name: String,
    /// The project's saved version the report was generated from.
    pub version: u64,
    pub engine_version: String,
    pub runs: Vec<RunRef>,
}

/// One scenario's ensemble, as every chart and table that uses it names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRef {
    pub scenario: String,
    pub ensemble_id: String,
    pub seed: u64,
    pub replicates: u32,
    pub ticks: u64,
    /// The digest of the ensemble's output.
    pub digest: String,
    /// The hash of everything the run was computed from.
    pub input_hash: String,
    /// Something upstream changed since the run.
    pub stale: bool,
}

impl RunRef {
    /// "run 3f2a9c1e (seed 42, 20 replicates, digest 9ab0c3d4)"
    pub fn label(&self) -> String {
        format!(
            "run {} (seed {}, {} replicates, digest {})",
            short(&self.ensemble_id),
            self.seed,
            self.replicates,
            short(&self.digest)
        )
    }
}

/// The first 8 characters of an id or hash.
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub title: String,
    /// "Project · Executive summary · 30 November 2026"
    pub subtitle: String,
    pub template: ReportTemplate,
    pub generated_at: String,
    pub brand: Brand,
    /// Shown on the first page when any result used is stale.
    pub stale_notice: Option<String>,
    /// The answer to the project's question, one sentence on the first page.
    pub answer: Option<String>,
    pub provenance: Provenance,
    /// Body sections, then the appendix's (`Section::appendix`), in reading order.
    pub sections: Vec<Section>,
    /// A contents page after the title (the detailed report).
    pub contents_page: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// The section's kind: `summary`, `results`, `calibration`, `methodology`, …
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
    /// Part of the appendix.
    pub appendix: bool,
    /// Notes for the presenter (PPTX speaker notes): how the section's numbers were made.
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Plain text: no markup, the renderer escapes it.
    Paragraph {
        text: String,
    },
    /// A prominent figure: "Baseline" / "42.1%" / "90% interval 38.0%–46.3%".
    Headline {
        label: String,
        value: String,
        detail: String,
    },
    Bullets {
        items: Vec<String>,
    },
    Table(Table),
    Chart(Chart),
    /// A drawing that is not a chart of numbers (the model's causal graph).
    Figure(Figure),
    /// An analyst's note on the section.
    Annotation {
        author: String,
        text: String,
    },
}

/// A drawing as SVG, `width` × `height` units, with its title and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub title: String,
    pub source: String,
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Right-aligned columns (numbers).
    pub numeric: Vec<bool>,
    /// The run(s) or input the table came from.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// The ensemble's bands over time per scenario.
    Fan,
    /// Final value with its 90% interval per scenario.
    Comparison,
    /// Histogram of the replicates' final values.
    Distribution,
    /// Final value by archetype.
    Archetypes,
    /// Observed history, fitted mean and held-out points.
    Calibration,
    /// Population shares against their targets.
    Marginals,
    /// Agents by number of ties.
    Degrees,
    /// An output with each factor in the low and the high quarter of its range.
    Sensitivity,
}

impl ChartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Fan => "fan",
            ChartKind::Comparison => "comparison",
            ChartKind::Distribution => "distribution",
            ChartKind::Archetypes => "archetypes",
            ChartKind::Calibration => "calibration",
            ChartKind::Marginals => "marginals",
            ChartKind::Degrees => "degrees",
            ChartKind::Sensitivity => "sensitivity",
        }
    }

    /// How the chart is drawn as a native (editable) office chart.
    pub fn native(self) -> NativeKind {
        match self {
            ChartKind::Fan | ChartKind::Calibration => NativeKind::Line,
            _ => NativeKind::Bar,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NativeKind {
    Line,
    /// Clustered columns.
    Bar,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub kind: ChartKind,
    pub title: String,
    /// The run(s) or input the chart was drawn from.
    pub source: String,
    pub x_label: String,
    pub y_label: String,
    /// Values are shares (0–1) shown as percentages.
    pub percent: bool,
    /// One value per category per series: what a native chart holds.
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    /// `None` where the series has no value (a gap).
    pub values: Vec<Option<f64>>,
    pub color: Rgb,
    /// Drawn as a band's edge (thin, light) rather than a main line; two faint series of the
    /// same colour bound a band (line charts) or an interval whisker (bar charts).
    pub faint: bool,
    /// Drawn as points (observations) rather than a line.
    pub points: bool,
}
