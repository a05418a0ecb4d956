//! A section's charts and tables on its slides: which share a slide (a run of charts of one
//! kind three abreast, a chart with a table, two short tables), how a slide's region is shared
//! among them, and their sources at the slide's foot. A table longer than its region runs on
//! to the next slide from the row where it stopped.

use super::*;

/// A chart or a table of a section, before it is placed.
#[derive(Clone, Copy)]
pub(super) enum Visual<'a> {
    Chart(&'a Chart),
    Table(&'a Table),
    /// A drawing: a slide of its own, as a picture.
    Figure(&'a Figure),
}

impl Visual<'_> {
    fn source(&self) -> &str {
        match self {
            Visual::Chart(c) => &c.source,
            Visual::Table(t) => &t.source,
            Visual::Figure(f) => &f.source,
        }
    }
}

/// A visual as a slide shows it: a table from its row `start` on (it runs over slides).
#[derive(Clone, Copy)]
pub(super) struct Page<'a> {
    pub visual: Visual<'a>,
    pub start: usize,
}

/// The distinct sources of a slide's visuals.
pub(super) fn sources_of(group: &[Page]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for page in group {
        let s = page.visual.source().trim();
        if !s.is_empty() && !seen.contains(&s) {
            seen.push(s);
        }
    }
    if seen.is_empty() { String::new() } else { format!("Source: {}", seen.join("; ")) }
}

/// The height of a slide's sources at its foot: their lines, or one saying they are in the
/// notes.
pub(super) fn source_height(sources: &str) -> f64 {
    if sources.is_empty() {
        return 0.0;
    }
    let n = lines(sources, Face::Regular, SOURCE_TEXT, CONTENT_W - 2.0 * INSET);
    lines_height(if n > SOURCE_LINES { 1 } else { n }, SOURCE_TEXT, 0.0) + 2.0 * INSET
}

/// The bottom of the visuals' region: above the sources.
pub(super) fn source_bottom(group: &[Page]) -> f64 {
    CONTENT_BOTTOM - source_height(&sources_of(group)) - 0.05
}

/// The section's visuals in slides' worth: a run of charts of one kind and shape (the
/// marginals, one scenario's fan each) three a slide (two and two for four); otherwise two
/// that sit well together (charts side by side, a chart with a table, two tables), else one.
/// The section's first visual leads: a chart shares its slide only with a table.
pub(super) fn group<'a>(visuals: &[Visual<'a>]) -> Vec<Vec<Visual<'a>>> {
    // A slide without headlines or lead: the content area above a line of sources.
    let full = Frame { x: MARGIN, y: CONTENT_TOP, w: CONTENT_W, h: CONTENT_BOTTOM - CONTENT_TOP - 0.35 };
    let alike = |a: &Visual, b: &Visual| match (a, b) {
        (Visual::Chart(a), Visual::Chart(b)) => a.kind == b.kind && a.series.len() == b.series.len(),
        _ => false,
    };
    let mut units: Vec<Vec<Visual>> = Vec::new();
    let mut i = 0;
    while i < visuals.len() {
        let run = visuals[i..].iter().take_while(|v| alike(&visuals[i], v)).count();
        let take = match run {
            0 | 1 => 1,
            4 => 2,
            n => n.min(3),
        };
        let unit = visuals[i..i + take].to_vec();
        if take > 1 && i > 0 && arrangement(&unit, full) == Some(Arrangement::Across) {
            units.push(unit);
            i += take;
        } else {
            units.push(vec![visuals[i]]);
            i += 1;
        }
    }
    // A single waits for the next single to share its slide (runs of three keep their place).
    let mut out: Vec<Vec<Visual>> = Vec::new();
    let mut open: Option<usize> = None;
    for unit in units {
        if unit.len() > 1 {
            out.push(unit);
            continue;
        }
        if let Some(j) = open {
            let pair = vec![out[j][0], unit[0]];
            let lead_chart = j == 0 && matches!(pair[0], Visual::Chart(_));
            let allowed = !lead_chart || matches!(pair[1], Visual::Table(_));
            if allowed && arrangement(&pair, full).is_some() {
                out[j] = pair;
                open = None;
                continue;
            }
        }
        out.push(unit);
        open = Some(out.len() - 1);
    }
    out
}

/// How a group shares its region: side by side, or one under the other (tables at their
/// height, the chart taking the rest).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Arrangement {
    Across,
    Down,
}

/// How `group` fits `region`, if it does. Charts sit side by side when each keeps a readable
/// size; a table goes beside a chart when it fits the half, under it otherwise.
pub(super) fn arrangement(group: &[Visual], region: Frame) -> Option<Arrangement> {
    if group.len() <= 1 {
        return Some(Arrangement::Down);
    }
    if group.iter().any(|v| matches!(v, Visual::Figure(_))) {
        return None;
    }
    let n = group.len() as f64;
    let across_w = (region.w - GAP * (n - 1.0)) / n;
    let across = group.iter().all(|v| match v {
        Visual::Chart(c) => across_w >= CHART_MIN_W && region.h >= CHART_MIN_H && categories_fit(c, across_w),
        Visual::Table(t) => {
            let (cols, _, _) = table_setting(t, across_w);
            cols.size >= TABLE_SIZES[1] && table_height(t, across_w) <= region.h
        }
        Visual::Figure(_) => false,
    });
    let charts = group.iter().filter(|v| matches!(v, Visual::Chart(_))).count();
    let tables: f64 = group
        .iter()
        .map(|v| match v {
            Visual::Table(t) => table_height(t, region.w) + GAP,
            Visual::Chart(_) | Visual::Figure(_) => 0.0,
        })
        .sum();
    let down = charts <= 1
        && region.h - tables >= if charts == 1 { CHART_MIN_H } else { -GAP }
        && group.iter().all(|v| match v {
            Visual::Chart(c) => categories_fit(c, region.w),
            Visual::Table(_) | Visual::Figure(_) => true,
        });
    if across && charts > 0 {
        Some(Arrangement::Across)
    } else if down {
        Some(Arrangement::Down)
    } else {
        across.then_some(Arrangement::Across)
    }
}

/// Places `group` in `region` and its sources at the foot of the slide; returns what runs
/// over to the next slide (the rest of a table).
pub(super) fn place<'a>(draft: &mut Draft<'a>, group: &[Page<'a>], region: Frame) -> Vec<Page<'a>> {
    let sources = sources_of(group);
    if !sources.is_empty() {
        let h = source_height(&sources);
        let frame = Frame { x: MARGIN, y: CONTENT_BOTTOM - h, w: CONTENT_W, h };
        if lines(&sources, Face::Regular, SOURCE_TEXT, CONTENT_W - 2.0 * INSET) > SOURCE_LINES {
            draft.items.push((frame, Item::Source("Sources: in the speaker notes.".into())));
            draft.moved.push(sources);
        } else {
            draft.items.push((frame, Item::Source(sources)));
        }
    }
    let visuals: Vec<Visual> = group.iter().map(|p| p.visual).collect();
    let mut rest = Vec::new();
    match arrangement(&visuals, region).unwrap_or(Arrangement::Down) {
        Arrangement::Across => {
            let n = group.len() as f64;
            let w = (region.w - GAP * (n - 1.0)) / n;
            for (k, page) in group.iter().enumerate() {
                let frame = Frame { x: region.x + k as f64 * (w + GAP), w, ..region };
                rest.extend(place_one(draft, *page, frame).1);
            }
        }
        Arrangement::Down => {
            let tables: f64 = group
                .iter()
                .map(|p| match p.visual {
                    Visual::Table(t) => (table_height(t, region.w) + GAP).min(region.h),
                    Visual::Chart(_) | Visual::Figure(_) => 0.0,
                })
                .sum();
            let chart_h = (region.h - tables).max(CHART_MIN_H.min(region.h));
            let mut y = region.y;
            for page in group {
                let h = match page.visual {
                    Visual::Chart(_) | Visual::Figure(_) => chart_h,
                    Visual::Table(_) => (region.bottom() - y).max(0.0),
                };
                let (used, more) = place_one(draft, *page, Frame { y, h, ..region });
                rest.extend(more);
                y += used + GAP;
            }
        }
    }
    rest
}

/// Places one visual in `frame`: the height it used, and the rest of a table that did not fit.
pub(super) fn place_one<'a>(draft: &mut Draft<'a>, page: Page<'a>, frame: Frame) -> (f64, Option<Page<'a>>) {
    match page.visual {
        Visual::Figure(figure) => {
            // Its aspect kept, as large as the frame allows, centred.
            let aspect = figure.height.max(1.0) / figure.width.max(1.0);
            let w = frame.w.min(frame.h / aspect);
            let h = w * aspect;
            let placed = Frame { x: frame.x + (frame.w - w) / 2.0, y: frame.y, w, h };
            draft.items.push((placed, Item::Figure(figure)));
            (h, None)
        }
        Visual::Chart(chart) => {
            if categories_fit(chart, frame.w) {
                draft.items.push((frame, Item::Chart { chart, keyed: false }));
                return (frame.h, None);
            }
            // Names too long for the axis: numbers there, the names in a key under the chart
            // (and in the notes).
            let key: Vec<String> = chart.categories.iter().enumerate().map(|(k, c)| format!("{} {c}", k + 1)).collect();
            let key = key.join("   ");
            let n = lines(&key, Face::Regular, SOURCE_TEXT, frame.w - 2.0 * INSET);
            let kh = lines_height(n, SOURCE_TEXT, 0.0) + 2.0 * INSET;
            let chart_frame = Frame { h: (frame.h - kh).max(0.0), ..frame };
            draft.items.push((chart_frame, Item::Chart { chart, keyed: true }));
            draft.items.push((Frame { y: chart_frame.bottom(), h: kh, ..frame }, Item::Key(key.clone())));
            draft.moved.push(format!("{}: {key}", chart.title));
            (frame.h, None)
        }
        Visual::Table(table) => {
            let caption = caption_height(table, frame.w);
            let mut y = frame.y;
            if caption > 0.0 {
                let text =
                    if page.start > 0 { format!("{} (continued)", table.caption) } else { table.caption.clone() };
                draft.items.push((Frame { h: caption, ..frame }, Item::Caption(text)));
                y += caption;
            }
            let (cols, header, heights) = table_setting(table, frame.w);
            let room = frame.bottom() - y - header;
            let mut end = page.start;
            let mut used = 0.0;
            while end < heights.len() && (end == page.start || used + heights[end] <= room + 1e-6) {
                used += heights[end];
                end += 1;
            }
            let mut row_heights = vec![header];
            row_heights.extend_from_slice(&heights[page.start..end]);
            let h: f64 = row_heights.iter().sum();
            let rows = page.start..end;
            draft
                .items
                .push((Frame { y, h, ..frame }, Item::Table { table, rows, columns: cols, heights: row_heights }));
            let more = (end < table.rows.len()).then_some(Page { visual: page.visual, start: end });
            (y + h - frame.y, more)
        }
    }
}
