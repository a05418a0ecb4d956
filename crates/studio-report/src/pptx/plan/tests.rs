use super::*;
use crate::sample;

fn section(blocks: Vec<Block>) -> Section {
    Section { id: "summary".into(), title: "Summary".into(), blocks, appendix: false, notes: "How.".into() }
}

fn content<'a>(slide: &'a Slide<'a>) -> &'a Content<'a> {
    match slide {
        Slide::Content(c) => c,
        _ => panic!("a content slide"),
    }
}

#[test]
fn a_long_table_runs_over_slides_with_every_row_once() {
    let report = sample::sample();
    let slides = plan(&report);
    let mut pages = Vec::new();
    for slide in &slides {
        if let Slide::Content(c) = slide {
            for (_, item) in &c.items {
                if let Item::Table { table, rows, .. } = item
                    && table.rows.len() == 80
                {
                    pages.push(rows.clone());
                }
            }
        }
    }
    assert!(pages[..pages.len() - 1].iter().all(|r| r.len() >= 12), "a fair share of rows a slide: {pages:?}");
    assert_eq!(pages.into_iter().flatten().collect::<Vec<_>>(), (0..80).collect::<Vec<_>>());
}

#[test]
fn text_beside_a_chart_that_does_not_fit_goes_to_the_notes() {
    let chart = sample::fan(1, 10);
    let long = "A point that takes a few lines of the column. ".repeat(4);
    let mut blocks = vec![Block::Paragraph { text: "word ".repeat(300) }, Block::Chart(chart)];
    blocks.extend((0..8).map(|_| Block::Bullets { items: vec![long.clone()] }));
    let s = section(blocks);
    let mut slides = Vec::new();
    section_slides(&s, &mut slides);
    assert_eq!(slides.len(), 1, "one slide: the chart and what fits beside it");
    let c = content(&slides[0]);
    assert!(c.notes.starts_with("word word"), "the paragraph is in the notes");
    assert!(c.notes.contains(&format!("• {}", long.trim())), "bullets that do not fit are in the notes");
    assert!(c.notes.ends_with("How."), "then the section's own notes");
    for (frame, _) in &c.items {
        assert!(frame.bottom() <= CONTENT_BOTTOM + 1e-9, "{frame:?}");
    }
}

#[test]
fn an_empty_section_still_has_its_slide() {
    let empty = section(vec![]);
    let mut slides = Vec::new();
    section_slides(&empty, &mut slides);
    assert_eq!(slides.len(), 1);
    assert_eq!(content(&slides[0]).notes, "How.");
}
