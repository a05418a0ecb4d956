//! The seed's `GeneratedReport`: what a rendered report holds and where its exports are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeneratedReport {
    pub report_id: String,
    pub project_id: String,
    pub generated_at: String,
    pub content: ReportContent,
    /// `pdf`, `pptx`, `html` (and `docx`) → path of the exported file.
    pub export_urls: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportContent {
    pub title: String,
    pub sections: Vec<ReportSection>,
    pub appendix: ReportAppendix,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportSection {
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub content_html: String,
    pub charts: Vec<ReportChart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportChart {
    pub chart_type: String,
    pub data: Value,
    pub config: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportAppendix {
    pub methodology: String,
    pub data_sources: Vec<String>,
    pub calibration_metrics: Value,
    pub caveats: Vec<String>,
}
