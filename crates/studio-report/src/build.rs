//! From a project's results to a `Report`: the template picks the sections, each section is
//! made from results (`sections.rs`), the appendix follows, and the provenance names every run.

use studio_model::ReportTemplate;

use crate::context::Context;
use crate::input::{ReportInput, ScenarioResult};
use crate::sections;
use crate::{Block, Brand, Provenance, Report, ReportError, Rgb, RunRef, Section};

/// Every section a report can hold, in the detailed report's order.
pub const SECTIONS: [&str; 8] =
    ["summary", "data", "population", "scenarios", "results", "comparison", "calibration", "sensitivity"];

/// The appendix's sections (with `include_methodology`).
pub const APPENDIX: [&str; 5] = ["methodology", "data_sources", "calibration_metrics", "caveats", "provenance"];

/// The sections a template holds when the analyst picks none.
pub fn template_sections(template: ReportTemplate) -> &'static [&'static str] {
    match template {
        ReportTemplate::ExecutiveSummary => &["summary"],
        ReportTemplate::DetailedAnalysis => &SECTIONS,
        ReportTemplate::Comparison => &["summary", "comparison", "results"],
        ReportTemplate::Custom => &[],
    }
}

pub fn template_name(template: ReportTemplate) -> &'static str {
    match template {
        ReportTemplate::ExecutiveSummary => "Executive summary",
        ReportTemplate::DetailedAnalysis => "Detailed analysis",
        ReportTemplate::Comparison => "Scenario comparison",
        ReportTemplate::Custom => "Custom report",
    }
}

/// The sections asked for, checked: known names, no repeats, at least one.
pub fn chosen_sections(input: &ReportInput) -> Result<Vec<String>, ReportError> {
    let asked = &input.config.sections;
    let known = |s: &str| SECTIONS.contains(&s) || APPENDIX.contains(&s);
    for s in asked {
        if !known(s) {
            return Err(ReportError::Invalid(format!(
                "report_config.sections: unknown section '{s}'; the sections are {} (and for the appendix {})",
                SECTIONS.join(", "),
                APPENDIX.join(", ")
            )));
        }
    }
    let mut picked: Vec<String> = Vec::new();
    let from: Vec<String> = if asked.is_empty() {
        template_sections(input.config.template).iter().map(|s| s.to_string()).collect()
    } else {
        asked.clone()
    };
    for s in from {
        if !picked.contains(&s) {
            picked.push(s);
        }
    }
    if picked.is_empty() {
        return Err(ReportError::Invalid(format!(
            "report_config.sections: a custom report needs the sections to hold, in their order: any of {}",
            SECTIONS.join(", ")
        )));
    }
    Ok(picked)
}

fn brand_of(input: &ReportInput) -> Result<Brand, ReportError> {
    let mut brand = Brand::standard();
    brand.logo = input.logo.clone();
    let Some(colors) = input.config.branding.as_ref().and_then(|b| b.colors.as_ref()) else {
        return Ok(brand);
    };
    for (name, value) in colors {
        let parsed = value.as_str().and_then(Rgb::parse).ok_or_else(|| {
            ReportError::Invalid(format!("branding.colors.{name}: '{value}' is not a colour; write it as #rrggbb"))
        })?;
        match name.as_str() {
            "primary" => brand.primary = parsed,
            "accent" => brand.accent = parsed,
            "text" => brand.text = parsed,
            _ => match name.strip_prefix("series").and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if (1..=brand.palette.len()).contains(&n) => brand.palette[n - 1] = parsed,
                _ => {
                    return Err(ReportError::Invalid(format!(
                        "branding.colors.{name}: unknown colour; the colours are primary, accent, text, series1…series{}",
                        brand.palette.len()
                    )));
                }
            },
        }
    }
    Ok(brand)
}

fn run_of(s: &ScenarioResult) -> RunRef {
    RunRef {
        scenario: s.name.clone(),
        ensemble_id: s.ensemble_id.clone(),
        seed: s.ensemble.seed,
        replicates: s.ensemble.replicates,
        ticks: s.ensemble.ticks,
        digest: s.ensemble.digest.clone(),
        input_hash: s.input_hash.clone(),
        stale: s.stale,
    }
}

fn stale_notice(input: &ReportInput) -> Option<String> {
    let stale: Vec<&str> = input.scenarios.iter().filter(|s| s.stale).map(|s| s.name.as_str()).collect();
    if stale.is_empty() && input.stale_stages.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !stale.is_empty() {
        parts.push(format!("the results of {} were computed before the latest changes", stale.join(", ")));
    }
    if !input.stale_stages.is_empty() {
        parts.push(format!("these stages are out of date: {}", input.stale_stages.join(", ")));
    }
    Some(format!("Out of date: {}. Re-run them before relying on this report.", parts.join("; ")))
}

/// Builds the report. Needs at least one scenario with results.
pub fn build(input: &ReportInput) -> Result<Report, ReportError> {
    let chosen = chosen_sections(input)?;
    if input.scenarios.is_empty() {
        return Err(ReportError::NotReady(
            "the project has no simulation results yet: run a scenario (Scenario workbench → Run) before generating a report"
                .into(),
        ));
    }
    let brand = brand_of(input)?;
    let runs: Vec<RunRef> = input.scenarios.iter().map(run_of).collect();
    let mut appendix: Vec<String> = chosen.iter().filter(|s| APPENDIX.contains(&s.as_str())).cloned().collect();
    if input.config.include_methodology && appendix.is_empty() {
        appendix = APPENDIX.iter().map(|s| s.to_string()).collect();
    }
    let ctx = Context {
        input,
        brand: &brand,
        runs: runs.clone(),
        charts: input.config.include_charts,
        metrics_in_appendix: appendix.iter().any(|s| s == "calibration_metrics"),
    };
    let mut body: Vec<Section> =
        chosen.iter().filter(|s| SECTIONS.contains(&s.as_str())).map(|id| sections::section(&ctx, id)).collect();
    body.extend(appendix.iter().map(|id| sections::appendix_section(&ctx, id)));
    place_annotations(&mut body, input);
    let template = input.config.template;
    let title =
        if input.question.trim().is_empty() { input.project_name.clone() } else { input.question.trim().to_string() };
    let date = input.generated_at.get(..10).unwrap_or(&input.generated_at).to_string();
    Ok(Report {
        title,
        subtitle: format!("{} · {} · {}", input.project_name, template_name(template), date),
        template,
        generated_at: input.generated_at.clone(),
        stale_notice: stale_notice(input),
        answer: crate::answer::answer(input),
        provenance: Provenance {
            project_id: input.project_id.clone(),
            project_name: input.project_name.clone(),
            version: input.version,
            engine_version: input.engine_version.clone(),
            runs,
        },
        sections: body,
        contents_page: template == ReportTemplate::DetailedAnalysis,
        brand,
    })
}

/// Each annotation goes to the end of its section (by id or title); those whose section is not
/// in the report are gathered in "Notes", so none is lost.
fn place_annotations(sections: &mut Vec<Section>, input: &ReportInput) {
    let mut loose = Vec::new();
    let mut notes: Vec<_> = input.annotations.iter().collect();
    notes.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.annotation_id.cmp(&b.annotation_id)));
    for a in notes {
        let block = Block::Annotation { author: a.author.clone(), text: a.text.clone() };
        let key = a.section.trim().to_lowercase();
        match sections.iter_mut().find(|s| s.id == key || s.title.to_lowercase() == key) {
            Some(section) => section.blocks.push(block),
            None => {
                loose.push(Block::Annotation { author: a.author.clone(), text: format!("({}) {}", a.section, a.text) })
            }
        }
    }
    if !loose.is_empty() {
        let notes =
            Section { id: "notes".into(), title: "Notes".into(), blocks: loose, appendix: false, notes: String::new() };
        // Body sections come before the appendix's.
        let at = sections.iter().position(|s| s.appendix).unwrap_or(sections.len());
        sections.insert(at, notes);
    }
}
