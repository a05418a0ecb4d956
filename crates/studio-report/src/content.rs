//! The report as the seed's `GeneratedReport.content`: each section's HTML and its charts'
//! data, and the appendix's methodology, sources, calibration metrics and caveats.

use serde_json::{Value, json};
use studio_model::{ReportAppendix, ReportChart, ReportContent, ReportSection};

use crate::context::Context;
use crate::input::ReportInput;
use crate::{Block, Report, ReportError, html};

fn chart(c: &crate::Chart) -> ReportChart {
    ReportChart {
        chart_type: c.kind.as_str().into(),
        data: json!({
            "categories": c.categories,
            "series": c.series.iter().map(|s| json!({"name": s.name, "values": s.values})).collect::<Vec<_>>(),
        }),
        config: json!({
            "title": c.title,
            "source": c.source,
            "x_label": c.x_label,
            "y_label": c.y_label,
            "percent": c.percent,
            "native": c.kind.native(),
            "colors": c.series.iter().map(|s| format!("#{}", s.color.hex())).collect::<Vec<_>>(),
        }),
    }
}

pub fn content(report: &Report, input: &ReportInput) -> Result<ReportContent, ReportError> {
    let sections = report
        .sections
        .iter()
        .map(|s| {
            Ok(ReportSection {
                title: html::heading(s),
                kind: s.id.clone(),
                content_html: html::section_body(s, &report.brand)?,
                charts: s
                    .blocks
                    .iter()
                    .filter_map(|b| if let Block::Chart(c) = b { Some(chart(c)) } else { None })
                    .collect(),
            })
        })
        .collect::<Result<Vec<ReportSection>, ReportError>>()?;
    let mut sections = sections;
    // The out-of-date notice heads the first section, as it heads the first page; the answer to
    // the question comes before it.
    if let (Some(notice), Some(first)) = (&report.stale_notice, sections.first_mut()) {
        first.content_html =
            format!("<p class=\"stale\" role=\"alert\">{}</p>{}", html::escape(notice), first.content_html);
    }
    if let (Some(answer), Some(first)) = (&report.answer, sections.first_mut()) {
        first.content_html = format!("<p class=\"answer\">{}</p>{}", html::escape(answer), first.content_html);
    }
    let ctx = Context {
        input,
        brand: &report.brand,
        runs: report.provenance.runs.clone(),
        charts: false,
        metrics_in_appendix: report.sections.iter().any(|s| s.id == "calibration_metrics"),
    };
    let metrics: Value = input
        .scenarios
        .iter()
        .filter_map(|s| {
            let c = s.ensemble.calibration.as_ref()?;
            Some((
                s.name.clone(),
                json!({"series": c.series, "fit_points": c.fit_points, "holdout_points": c.holdout_points,
                       "fit_rmse": c.fit_rmse, "holdout_rmse": c.holdout_rmse, "holdout_mape": c.holdout_mape,
                       "coverage_90": c.coverage_90, "fitted": c.fitted}),
            ))
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    Ok(ReportContent {
        title: report.title.clone(),
        sections,
        appendix: ReportAppendix {
            methodology: crate::sections::methodology_text(&ctx).join("\n\n"),
            data_sources: crate::sections::source_lines(&ctx),
            calibration_metrics: metrics,
            caveats: crate::caveats::caveats(input),
        },
    })
}
