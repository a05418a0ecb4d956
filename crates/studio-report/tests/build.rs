//! Building reports from results: templates, sections, narrative, caveats, annotations,
//! branding, and the errors an analyst can meet.

mod common;

use std::collections::BTreeSet;

use studio_model::{Branding, ReportTemplate};
use studio_report::{Block, Chart, ChartKind, Report, ReportError, build, content};

fn ids(report: &Report) -> Vec<&str> {
    report.sections.iter().map(|s| s.id.as_str()).collect()
}

fn charts(report: &Report) -> usize {
    report.sections.iter().flat_map(|s| &s.blocks).filter(|b| matches!(b, Block::Chart(_))).count()
}

fn text(report: &Report) -> String {
    let mut out = String::new();
    for s in &report.sections {
        for b in &s.blocks {
            match b {
                Block::Paragraph { text } => out.push_str(text),
                Block::Bullets { items } => out.push_str(&items.join("\n")),
                Block::Headline { value, detail, .. } => out.push_str(&format!("{value} {detail}")),
                _ => {}
            }
            out.push('\n');
        }
    }
    out
}

#[test]
fn each_template_holds_its_sections() {
    let exec = build(&common::input(ReportTemplate::ExecutiveSummary)).unwrap();
    assert_eq!(ids(&exec), ["summary", "methodology", "data_sources", "calibration_metrics", "caveats", "provenance"]);
    assert!(!exec.contents_page);
    let detailed = build(&common::input(ReportTemplate::DetailedAnalysis)).unwrap();
    assert_eq!(
        &ids(&detailed)[..8],
        ["summary", "data", "population", "scenarios", "results", "comparison", "calibration", "sensitivity"]
    );
    assert!(detailed.contents_page);
    // fan (all) + 3 fans + distribution + archetypes + comparison ×2 + calibration + 3 marginals + degrees + summary's
    assert!(charts(&detailed) >= 12, "{} charts", charts(&detailed));
    let comparison = build(&common::input(ReportTemplate::Comparison)).unwrap();
    assert_eq!(&ids(&comparison)[..3], ["summary", "comparison", "results"]);
    let mut custom = common::input(ReportTemplate::Custom);
    custom.config.sections = vec!["calibration".into(), "summary".into(), "caveats".into()];
    custom.config.include_methodology = false;
    let custom = build(&custom).unwrap();
    assert_eq!(ids(&custom), ["calibration", "summary", "caveats"], "the analyst's order");
}

#[test]
fn the_summary_answers_first_with_intervals_differences_and_drivers() {
    let report = build(&common::input(ReportTemplate::ExecutiveSummary)).unwrap();
    let summary = text(&report);
    let input = common::input(ReportTemplate::ExecutiveSummary);
    let base = &input.scenarios[0].ensemble.last;
    assert!(summary.contains(&format!("{:.1}%", base.mean * 100.0)), "{summary}");
    assert!(summary.contains(&format!("90% interval {:.1}%–{:.1}%", base.p5 * 100.0, base.p95 * 100.0)), "{summary}");
    assert!(summary.contains("Prices fall 20% ends 8.0 points above Baseline"), "{summary}");
    assert!(summary.contains("No subsidy ends 9.0 points below Baseline"), "{summary}");
    assert!(summary.contains("What drives the answer, and what would change it"), "{summary}");
    assert!(summary.contains("price 0.96 instead of 0.8"), "the scenario's changes: {summary}");
    assert!(summary.contains("tick 10: subsidy +0.1"), "planned shocks: {summary}");
    assert!(summary.contains("a good fit"), "calibration quality: {summary}");
    assert!(
        summary.contains("a posterior of 2 weighted draws")
            && summary.contains(
                "ρ = 0.9, steps of 0.05) and measurement noise (0.12 on the logit scale, plus 0.002 of the share)"
            )
            && summary.contains("starts where the history ends"),
        "which parts of the uncertainty the band holds: {summary}"
    );
}

#[test]
fn odds_of_different_thresholds_are_not_compared() {
    let mut input = common::input(ReportTemplate::DetailedAnalysis);
    let other = &mut input.scenarios[1];
    other.ensemble.threshold.share = 0.5;
    other.ensemble.threshold.tick = 12;
    let name = other.name.clone();
    let report = build(&input).unwrap();
    let summary = text(&report);
    let base = &input.scenarios[0];
    let line = summary.lines().find(|l| l.starts_with(&format!("{name} ("))).expect("the scenario's driver line");
    assert!(line.contains("its run asked another threshold"), "{line}");
    assert!(line.contains("of reaching 50.0% by tick 12"), "{line}");
    assert!(
        line.contains(&format!(
            "of reaching {:.1}% by tick {}",
            base.ensemble.threshold.share * 100.0,
            base.ensemble.threshold.tick
        )),
        "{line}"
    );
    assert!(!line.contains("the chance of reaching"), "no comparison across thresholds: {line}");
    let cells: Vec<String> = report
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.rows.iter().flatten().cloned().collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(cells.iter().any(|c| c.ends_with("(≥ 50.0% by tick 12)")), "the results table names the other threshold");
    assert!(cells.iter().any(|c| c == "— (another threshold)"), "the sensitivity table does not subtract them");
}

/// Every percentage in the text is one of the results' values, formatted.
#[test]
fn every_percentage_in_the_text_comes_from_a_result() {
    let input = common::input(ReportTemplate::DetailedAnalysis);
    let report = build(&input).unwrap();
    // "90%" names the interval (p5 to p95), not a result.
    let mut known = BTreeSet::from(["90%".to_string()]);
    let fmt = |v: f64| format!("{:.1}%", v * 100.0);
    for s in &input.scenarios {
        let e = &s.ensemble;
        for v in [e.last.p5, e.last.p95, e.last.mean, e.threshold.share, e.threshold.probability] {
            known.insert(fmt(v));
        }
        if let Some(c) = &e.calibration {
            known.insert(fmt(c.coverage_90));
            known.insert(format!("{}%", c.holdout_mape));
        }
    }
    let mut text = text(&report);
    for s in &input.scenarios {
        text = text.replace(&s.name, "[scenario]");
    }
    let mut checked = 0;
    for word in text.split(|c: char| c.is_whitespace() || "(),;:–".contains(c)) {
        if word.ends_with('%') && word.len() > 1 && word[..word.len() - 1].parse::<f64>().is_ok() {
            assert!(known.contains(word), "'{word}' is not a result's value; the text: {text}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} percentages checked");
}

#[test]
fn annotations_land_in_their_section_and_unknown_sections_in_notes() {
    let mut input = common::input(ReportTemplate::ExecutiveSummary);
    input.annotations.push(studio_model::Annotation {
        annotation_id: "n2".into(),
        section: "Somewhere else".into(),
        text: "Kept anyway.".into(),
        author: "Bo".into(),
        created_at: "2026-11-30T11:30:00Z".into(),
    });
    let report = build(&input).unwrap();
    let summary = &report.sections[0];
    assert!(summary.blocks.iter().any(|b| matches!(b, Block::Annotation { author, .. } if author == "Ana")));
    let notes = report.sections.iter().position(|s| s.id == "notes").expect("a Notes section");
    let appendix = report.sections.iter().position(|s| s.appendix).unwrap();
    assert!(notes < appendix, "Notes is a body section, before the appendix");
    let notes = &report.sections[notes];
    assert!(matches!(&notes.blocks[0], Block::Annotation { text, .. } if text.contains("Kept anyway.")));
}

#[test]
fn stale_results_and_small_ensembles_say_so() {
    let mut input = common::input(ReportTemplate::ExecutiveSummary);
    input.scenarios[1].stale = true;
    input.stale_stages = vec!["population".into()];
    let report = build(&input).unwrap();
    let notice = report.stale_notice.as_deref().expect("a stale notice on the first page");
    assert!(notice.contains("Prices fall 20%") && notice.contains("population"), "{notice}");
    let caveats = report.sections.iter().find(|s| s.id == "caveats").unwrap();
    let Block::Bullets { items } = &caveats.blocks[0] else { panic!("bullets") };
    let all = items.join("\n");
    assert!(all.contains("Prices fall 20%'s results are out of date"), "{all}");
    assert!(all.contains("ran only 20 replicates"), "{all}");
    assert!(all.contains("Grid outage"), "scenarios not run: {all}");
    assert!(all.contains("misses its region targets by up to 3"), "{all}");
    let content = content(&report, &input).unwrap();
    assert!(content.sections[0].content_html.starts_with("<p class=\"stale\""), "the notice heads the content too");
    assert!(build(&common::input(ReportTemplate::ExecutiveSummary)).unwrap().stale_notice.is_none());
}

#[test]
fn bad_requests_are_named() {
    let mut input = common::input(ReportTemplate::Custom);
    input.config.sections = vec!["summary".into(), "horoscope".into()];
    let err = build(&input).unwrap_err();
    assert!(
        matches!(&err, ReportError::Invalid(m) if m.contains("unknown section 'horoscope'") && m.contains("calibration")),
        "{err}"
    );
    input.config.sections.clear();
    let err = build(&input).unwrap_err();
    assert!(matches!(&err, ReportError::Invalid(m) if m.contains("custom report needs the sections")), "{err}");
    let mut input = common::input(ReportTemplate::ExecutiveSummary);
    input.scenarios.clear();
    assert!(matches!(build(&input).unwrap_err(), ReportError::NotReady(m) if m.contains("run a scenario")));
    let mut input = common::input(ReportTemplate::ExecutiveSummary);
    let colors = serde_json::json!({"primary": "#12345g"}).as_object().unwrap().clone();
    input.config.branding = Some(Branding { logo_url: None, logo_id: None, colors: Some(colors) });
    assert!(matches!(build(&input).unwrap_err(), ReportError::Invalid(m) if m.contains("branding.colors.primary")));
    let colors = serde_json::json!({"sky": "#123456"}).as_object().unwrap().clone();
    input.config.branding = Some(Branding { logo_url: None, logo_id: None, colors: Some(colors) });
    assert!(matches!(build(&input).unwrap_err(), ReportError::Invalid(m) if m.contains("unknown colour")));
}

#[test]
fn branding_colours_apply() {
    let mut input = common::input(ReportTemplate::DetailedAnalysis);
    let colors = serde_json::json!({"primary": "#112233", "series1": "aabbcc"}).as_object().unwrap().clone();
    input.config.branding = Some(Branding { logo_url: None, logo_id: None, colors: Some(colors) });
    let report = build(&input).unwrap();
    assert_eq!(report.brand.primary.hex(), "112233");
    assert_eq!(report.brand.palette[0].hex(), "aabbcc");
    let html = studio_report::html::html(&report).unwrap();
    assert!(html.contains("#112233") && html.contains("#AABBCC"), "colours reach the HTML and its charts");
}

#[test]
fn without_charts_or_methodology_there_are_none() {
    let mut input = common::input(ReportTemplate::DetailedAnalysis);
    input.config.include_charts = false;
    input.config.include_methodology = false;
    let report = build(&input).unwrap();
    assert_eq!(charts(&report), 0);
    assert!(report.sections.iter().all(|s| !s.appendix));
}

/// The content model, as the API returns it, with times and ids redacted.
#[test]
fn content_snapshot() {
    let input = common::input(ReportTemplate::ExecutiveSummary);
    let report = build(&input).unwrap();
    let content = content(&report, &input).unwrap();
    let mut outline = serde_json::json!({
        "title": content.title,
        "sections": content.sections.iter().map(|s| serde_json::json!({
            "title": s.title, "type": s.kind,
            "charts": s.charts.iter().map(|c| serde_json::json!({"chart_type": c.chart_type, "config": c.config})).collect::<Vec<_>>(),
            "text": text_of(&s.content_html),
        })).collect::<Vec<_>>(),
        "appendix": content.appendix,
    });
    redact(&mut outline);
    insta::assert_json_snapshot!(outline);
}

/// The text of an HTML fragment without its tags or inline SVG.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    let mut in_svg = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<svg") {
            in_svg = true;
        }
        if rest.starts_with("</svg>") {
            in_svg = false;
        }
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                out.push(' ');
            }
            c if depth == 0 && !in_svg => out.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn redact(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            *s = s
                .replace("11111111-2222-4333-8444-555555555555", "[project]")
                .replace("2026-11-30T12:00:00Z", "[time]");
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(redact),
        serde_json::Value::Object(o) => o.values_mut().for_each(redact),
        _ => {}
    }
}

/// With the data's calendar, the text, the tables and the charts speak in periods.
#[test]
fn ticks_are_dates_when_the_data_has_a_calendar() {
    let mut input = common::input(ReportTemplate::DetailedAnalysis);
    input.time_axis = studio_model::TimeAxis::from_labels(&["2018Q1", "2018Q2"]);
    let report = build(&input).unwrap();
    let all = text(&report);
    // Tick 40 of quarters from 2018 Q1 is 2028 Q1.
    assert!(all.contains("the predicted share at 2028 Q1 (tick 40) is"), "{all}");
    assert!(all.contains("of reaching 30.0% by 2025 Q3 (tick 30)"), "{all}");
    assert!(!all.contains("at tick 40 "), "no bare tick where a date is known: {all}");
    let fans: Vec<&Chart> = report
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Chart(c) if c.kind == ChartKind::Fan => Some(c),
            _ => None,
        })
        .collect();
    assert!(!fans.is_empty());
    for c in fans {
        assert_eq!(c.x_label, "quarter");
        assert_eq!((c.categories[0].as_str(), c.categories[39].as_str()), ("2018 Q1", "2027 Q4"));
    }
    // Without a calendar, ticks.
    let plain = text(&build(&common::input(ReportTemplate::DetailedAnalysis)).unwrap());
    assert!(plain.contains("the predicted share at tick 40 is"), "{plain}");
}

#[test]
fn the_sensitivity_section_holds_the_global_analysis_beside_the_scenarios_effects() {
    let input = common::input(ReportTemplate::DetailedAnalysis);
    let report = build(&input).unwrap();
    let section = report.sections.iter().find(|s| s.id == "sensitivity").unwrap();
    let text = |b: &Block| match b {
        Block::Paragraph { text } => text.clone(),
        _ => String::new(),
    };
    let words: String = section.blocks.iter().map(text).collect::<Vec<_>>().join("\n");
    assert!(words.contains("How far each scenario moves the answer"), "{words}");
    assert!(words.contains("Global sensitivity of “Baseline”: Sobol indices from 64 base samples"), "{words}");
    assert!(words.contains("1 fitted coefficient(s) over their posterior's 5th to 95th percentiles"), "{words}");
    assert!(words.contains("moves most with spontaneous.constant"), "{words}");
    let chart = section
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Chart(c) if c.kind == ChartKind::Sensitivity => Some(c),
            _ => None,
        })
        .expect("the chart of what moves the final share");
    assert_eq!(chart.categories, ["spontaneous.constant", "price (variable)"]);
    assert_eq!(chart.series[1].values, [Some(0.37), Some(0.28)]);
    let tables: Vec<&studio_report::Table> = section
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) if t.caption.starts_with("Sensitivity of the") => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(tables.len(), 2, "one table per output");
    assert_eq!(tables[0].rows[0][0], "spontaneous.constant (fitted)");
    assert_eq!(tables[0].rows[0][2], "0.71 (0.66 to 0.76)");
    assert!(tables[1].caption.contains("P(share ≥ 30% by tick 20)"), "{}", tables[1].caption);
}
