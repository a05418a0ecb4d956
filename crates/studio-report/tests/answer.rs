//! The first page answers the project's question in one sentence: the probability with its
//! interval, the scenario it assumes and the date — or says why it cannot yet.

mod common;

use std::io::Read;

use studio_model::{Comparison, Horizon, PredictionTask, ReportTemplate, Target, TargetUnit, TimeAxis};
use studio_report::{ReportInput, build, docx, html, pptx};

fn task(share: f64, tick: u64, comparison: Comparison) -> PredictionTask {
    PredictionTask {
        task_id: "task-0000000000000000".into(),
        question: "Will adoption pass 30% by Q3 2031?".into(),
        outcome: Some("adoption".into()),
        comparison: Some(comparison),
        target: Some(Target { value: share, unit: TargetUnit::Share }),
        horizon: Some(Horizon { date: "2031-09-30".into(), within: None, ticks: Some(tick) }),
        conditions: Vec::new(),
        understood: Vec::new(),
        not_understood: Vec::new(),
        confirmed: true,
    }
}

fn with_task(task: PredictionTask) -> ReportInput {
    let mut input = common::input(ReportTemplate::DetailedAnalysis);
    input.task = Some(task);
    input.question_scenario = Some("scenario-2".into());
    input.time_axis = TimeAxis::from_labels(&["2024Q1", "2024Q2"]);
    input
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

#[test]
fn the_answer_gives_the_odds_their_interval_the_scenario_and_the_date() {
    let input = with_task(task(0.3, 30, Comparison::Above));
    let e = &input.scenarios[1].ensemble;
    assert_eq!((e.threshold.share, e.threshold.tick, e.replicates), (0.3, 30, 20));
    let answer = build(&input).unwrap().answer.expect("an answer");
    let expected = format!(
        "Under the scenario “Prices fall 20%”, the chance that adoption passes 30.0% by 30 September 2031 (2031 Q3, tick 30) is {} (90% interval 14.9%–46.3%, from 20 runs); the share then lies between {} and {} in 90% of runs.",
        pct(e.threshold.probability),
        pct(e.bands[30][0]),
        pct(e.bands[30][4]),
    );
    assert_eq!(answer, expected);

    // Staying below is the other side of the same odds.
    let below = build(&with_task(task(0.3, 30, Comparison::Below))).unwrap().answer.unwrap();
    assert!(
        below.contains(&format!(
            "stays below 30.0% by 30 September 2031 (2031 Q3, tick 30) is {}",
            pct(1.0 - e.threshold.probability)
        )),
        "{below}"
    );
}

#[test]
fn a_run_made_for_another_threshold_is_not_taken_for_the_answer() {
    let answer = build(&with_task(task(0.4, 30, Comparison::Above))).unwrap().answer.unwrap();
    assert!(
        answer.contains("is not answered yet: the runs were made for another threshold (30.0% by tick 30)"),
        "{answer}"
    );
    let answer = build(&with_task(task(0.3, 31, Comparison::Above))).unwrap().answer.unwrap();
    assert!(answer.contains("not answered yet"), "{answer}");
    let mut none = with_task(task(0.3, 30, Comparison::Above));
    none.task = None;
    assert_eq!(build(&none).unwrap().answer, None, "no question, no answer");
}

fn zipped_text(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(part).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn every_format_puts_the_answer_on_its_first_page() {
    let report = build(&with_task(task(0.3, 30, Comparison::Above))).unwrap();
    let answer = report.answer.clone().unwrap();
    let start = answer.split(" (90%").next().unwrap().replace(['“', '”'], "");
    let page = html::html(&report).unwrap().replace("&ldquo;", "").replace("&rdquo;", "").replace(['“', '”'], "");
    assert!(page.contains(&start), "html");
    let slide = zipped_text(&pptx::pptx(&report).unwrap(), "ppt/slides/slide1.xml").replace(['“', '”'], "");
    assert!(slide.contains(&start), "the title slide holds the answer");
    let doc = zipped_text(&docx::docx(&report).unwrap(), "word/document.xml").replace(['“', '”'], "");
    assert!(doc.contains(&start), "docx");
    assert!(studio_report::pdf::pdf(&report).is_ok());
}
