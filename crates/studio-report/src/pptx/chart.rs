//! A report chart as a native PowerPoint chart part (`c:chartSpace`): every series carries its
//! numbers in a cache and a reference into the embedded workbook (`rId1`), so the chart stays
//! editable. Line charts draw band edges thin and light, observations as markers; bar charts
//! draw their main series as clustered columns and any band edges or observations as markers
//! over them.

use super::package::{NS_A, NS_C, NS_R, XML_HEADER, esc, num};
use super::plan::CHART_TEXT;
use super::shapes::{BLACK, WHITE, mix};
use super::xlsx::{SHEET, column, point};
use crate::metrics::{self, Face};
use crate::{Brand, Chart, NativeKind, Rgb};

const CATEGORY_AXIS: u32 = 500_000_001;
const VALUE_AXIS: u32 = 500_000_002;
const GRID: &str = "e5e5e5";
const AXIS_LINE: &str = "bfbfbf";
/// Category labels level and at the chart's text size: applications then wrap a long name under
/// its column rather than turning it (the plan gives such a chart room, or numbers its
/// categories and names them in a key).
const CATEGORY_TEXT: &str = "<c:txPr><a:bodyPr rot=\"0\" vert=\"horz\"/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1100\"/></a:pPr><a:endParaRPr lang=\"en-US\"/></a:p></c:txPr>";

/// The chart part of `chart` drawn `width` inches wide.
pub(super) fn chart_space(chart: &Chart, brand: &Brand, width: f64) -> String {
    let text = brand.text.hex();
    let mut xml = format!(
        "{XML_HEADER}<c:chartSpace xmlns:c=\"{NS_C}\" xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\"><c:date1904 val=\"0\"/><c:lang val=\"en-US\"/><c:roundedCorners val=\"0\"/><c:chart>"
    );
    if chart.title.trim().is_empty() {
        xml.push_str("<c:autoTitleDeleted val=\"1\"/>");
    } else {
        xml.push_str(&title(&chart.title, 1400, true, false));
        xml.push_str("<c:autoTitleDeleted val=\"0\"/>");
    }
    xml.push_str("<c:plotArea><c:layout/>");

    let (columns, overlay) = groups(chart);
    if !columns.is_empty() {
        xml.push_str("<c:barChart><c:barDir val=\"col\"/><c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>");
        for (position, i) in columns.iter().enumerate() {
            xml.push_str(&bar_series(chart, position, *i));
        }
        xml.push_str(&format!(
            "<c:gapWidth val=\"80\"/><c:overlap val=\"-10\"/><c:axId val=\"{CATEGORY_AXIS}\"/><c:axId val=\"{VALUE_AXIS}\"/></c:barChart>"
        ));
    }
    if !overlay.is_empty() {
        xml.push_str(&line_chart(chart, &overlay, columns.len(), !columns.is_empty()));
    }
    xml.push_str(&axes(chart, width));
    xml.push_str("</c:plotArea>");
    xml.push_str(&legend(chart, &columns, &overlay));
    xml.push_str("<c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart>");
    xml.push_str(&format!(
        "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1100\"><a:solidFill><a:srgbClr val=\"{text}\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:pPr><a:endParaRPr lang=\"en-US\"/></a:p></c:txPr>"
    ));
    xml.push_str("<c:externalData r:id=\"rId1\"><c:autoUpdate val=\"0\"/></c:externalData></c:chartSpace>");
    xml
}

/// A chart or axis title; `vertical` turns it to read bottom to top (the value axis).
fn title(text: &str, size: u32, bold: bool, vertical: bool) -> String {
    let rotation = if vertical { " rot=\"-5400000\" vert=\"horz\"" } else { "" };
    let b = u8::from(bold);
    format!(
        "<c:title><c:tx><c:rich><a:bodyPr{rotation}/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"{size}\" b=\"{b}\"/></a:pPr><a:r><a:rPr lang=\"en-US\" sz=\"{size}\" b=\"{b}\"/><a:t>{}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title>",
        esc(text)
    )
}

/// Which series are drawn as columns and which as lines (or markers), by their index in the
/// report: a line chart has lines only; a bar chart has its main series as columns and the rest
/// over them.
fn groups(chart: &Chart) -> (Vec<usize>, Vec<usize>) {
    let all = 0..chart.series.len();
    let (columns, lines): (Vec<usize>, Vec<usize>) =
        all.partition(|&i| !chart.series[i].faint && !chart.series[i].points);
    if chart.kind.native() == NativeKind::Bar && !columns.is_empty() {
        (columns, lines)
    } else {
        (Vec::new(), (0..chart.series.len()).collect())
    }
}

/// `c:idx`, `c:order` and the name (`c:tx`) of series `i` of the report drawn at `position`
/// (columns first, then lines: the legend's order). Its workbook column follows `i`.
fn series_head(chart: &Chart, position: usize, i: usize) -> String {
    format!(
        "<c:idx val=\"{position}\"/><c:order val=\"{position}\"/><c:tx><c:strRef><c:f>{SHEET}!${col}$1</c:f><c:strCache><c:ptCount val=\"1\"/><c:pt idx=\"0\"><c:v>{}</c:v></c:pt></c:strCache></c:strRef></c:tx>",
        esc(&chart.series[i].name),
        col = column(i + 1)
    )
}

/// `c:cat` and `c:val` of series `i`: the categories (column A) and its values, gaps left out
/// of the cache so they stay gaps.
fn series_data(chart: &Chart, i: usize) -> String {
    let series = &chart.series[i];
    let n = chart.categories.len();
    let last_row = n.max(1) + 1;
    let mut xml = format!("<c:cat><c:strRef><c:f>{SHEET}!$A$2:$A${last_row}</c:f><c:strCache><c:ptCount val=\"{n}\"/>");
    for (k, category) in chart.categories.iter().enumerate() {
        xml.push_str(&format!("<c:pt idx=\"{k}\"><c:v>{}</c:v></c:pt>", esc(category)));
    }
    let format = if chart.percent { "0.00%" } else { "General" };
    let col = column(i + 1);
    xml.push_str(&format!(
        "</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>{SHEET}!${col}$2:${col}${last_row}</c:f><c:numCache><c:formatCode>{format}</c:formatCode><c:ptCount val=\"{n}\"/>"
    ));
    for (k, value) in series.values.iter().take(n).enumerate() {
        if let Some(value) = point(*value) {
            xml.push_str(&format!("<c:pt idx=\"{k}\"><c:v>{}</c:v></c:pt>", num(value)));
        }
    }
    xml.push_str("</c:numCache></c:numRef></c:val>");
    xml
}

fn solid(color: Rgb) -> String {
    format!("<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>", color.hex())
}

fn bar_series(chart: &Chart, position: usize, i: usize) -> String {
    format!(
        "<c:ser>{}<c:spPr>{}<a:ln><a:noFill/></a:ln></c:spPr><c:invertIfNegative val=\"0\"/>{}</c:ser>",
        series_head(chart, position, i),
        solid(chart.series[i].color),
        series_data(chart, i)
    )
}

/// A `c:lineChart` of the series `indices`, drawn from legend position `first` on. Over columns
/// (`overlay`), band edges become short dashes in a darker shade (whisker ends) and a pair of
/// them is joined by high-low lines (the whisker).
fn line_chart(chart: &Chart, indices: &[usize], first: usize, overlay: bool) -> String {
    let mut xml = String::from("<c:lineChart><c:grouping val=\"standard\"/><c:varyColors val=\"0\"/>");
    for (k, &i) in indices.iter().enumerate() {
        let s = &chart.series[i];
        let (line, marker) = if s.points {
            let edge = mix(s.color, BLACK, 0.25);
            (
                "<a:ln w=\"28575\"><a:noFill/></a:ln>".to_string(),
                format!(
                    "<c:marker><c:symbol val=\"circle\"/><c:size val=\"7\"/><c:spPr>{}<a:ln w=\"9525\">{}</a:ln></c:spPr></c:marker>",
                    solid(s.color),
                    solid(edge)
                ),
            )
        } else if overlay {
            let dark = mix(s.color, BLACK, 0.45);
            (
                "<a:ln w=\"28575\"><a:noFill/></a:ln>".to_string(),
                format!(
                    "<c:marker><c:symbol val=\"dash\"/><c:size val=\"12\"/><c:spPr>{}<a:ln w=\"9525\">{}</a:ln></c:spPr></c:marker>",
                    solid(dark),
                    solid(dark)
                ),
            )
        } else if s.faint {
            (
                format!("<a:ln w=\"12700\" cap=\"rnd\">{}<a:round/></a:ln>", solid(mix(s.color, WHITE, 0.5))),
                "<c:marker><c:symbol val=\"none\"/></c:marker>".to_string(),
            )
        } else {
            (
                format!("<a:ln w=\"28575\" cap=\"rnd\">{}<a:round/></a:ln>", solid(s.color)),
                "<c:marker><c:symbol val=\"none\"/></c:marker>".to_string(),
            )
        };
        xml.push_str(&format!(
            "<c:ser>{}<c:spPr>{line}</c:spPr>{marker}{}<c:smooth val=\"0\"/></c:ser>",
            series_head(chart, first + k, i),
            series_data(chart, i)
        ));
    }
    let whisker = overlay && indices.len() == 2 && indices.iter().all(|&i| chart.series[i].faint);
    if whisker {
        let dark = mix(chart.series[indices[0]].color, BLACK, 0.45);
        xml.push_str(&format!(
            "<c:hiLowLines><c:spPr><a:ln w=\"15875\">{}</a:ln></c:spPr></c:hiLowLines>",
            solid(dark)
        ));
    }
    xml.push_str(&format!(
        "<c:marker val=\"1\"/><c:axId val=\"{CATEGORY_AXIS}\"/><c:axId val=\"{VALUE_AXIS}\"/></c:lineChart>"
    ));
    xml
}

/// Every how many categories a label is drawn on a line chart `width` inches wide: its ticks
/// (0, 1, … 39) spaced so they stay apart. A bar chart labels every column (its names wrap).
fn label_skip(chart: &Chart, width: f64) -> usize {
    if chart.kind.native() == NativeKind::Bar || chart.categories.is_empty() {
        return 1;
    }
    let label =
        chart.categories.iter().map(|c| metrics::width(c, Face::Regular, CHART_TEXT)).fold(0.0, f64::max) + CHART_TEXT;
    // The plot is about the frame less an inch (the value axis, its title, the margins).
    let plot = ((width - 1.0) * 72.0).max(72.0);
    ((chart.categories.len() as f64 * label / plot).ceil() as usize).max(1)
}

fn axes(chart: &Chart, width: f64) -> String {
    let line = |color: &str| {
        format!("<c:spPr><a:ln w=\"9525\"><a:solidFill><a:srgbClr val=\"{color}\"/></a:solidFill></a:ln></c:spPr>")
    };
    let axis_title = |text: &str, vertical: bool| {
        if text.trim().is_empty() { String::new() } else { title(text, 1100, false, vertical) }
    };
    // A line chart's first point sits on the value axis; columns sit between the ticks.
    let cross_between = if chart.kind.native() == NativeKind::Line { "midCat" } else { "between" };
    let (format, linked) = if chart.percent { ("0%", 0) } else { ("General", 1) };
    format!(
        "<c:catAx><c:axId val=\"{CATEGORY_AXIS}\"/><c:scaling><c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"b\"/>{x_title}<c:numFmt formatCode=\"General\" sourceLinked=\"1\"/><c:majorTickMark val=\"out\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"low\"/>{axis_line}{category_text}<c:crossAx val=\"{VALUE_AXIS}\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/>{skip}<c:noMultiLvlLbl val=\"0\"/></c:catAx>\
         <c:valAx><c:axId val=\"{VALUE_AXIS}\"/><c:scaling><c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"l\"/><c:majorGridlines>{grid}</c:majorGridlines>{y_title}<c:numFmt formatCode=\"{format}\" sourceLinked=\"{linked}\"/><c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/><c:spPr><a:ln><a:noFill/></a:ln></c:spPr><c:crossAx val=\"{CATEGORY_AXIS}\"/><c:crosses val=\"autoZero\"/><c:crossBetween val=\"{cross_between}\"/></c:valAx>",
        x_title = axis_title(&chart.x_label, false),
        y_title = axis_title(&chart.y_label, true),
        axis_line = line(AXIS_LINE),
        grid = line(GRID),
        category_text = if chart.kind.native() == NativeKind::Bar { CATEGORY_TEXT } else { "" },
        skip = match label_skip(chart, width) {
            1 => String::new(),
            n => format!("<c:tickLblSkip val=\"{n}\"/><c:tickMarkSkip val=\"{n}\"/>"),
        },
    )
}

/// The legend names the main series only: band edges are explained by their line. A chart with
/// a single main series has no legend.
fn legend(chart: &Chart, columns: &[usize], lines: &[usize]) -> String {
    if chart.series.iter().filter(|s| !s.faint).count() <= 1 {
        return String::new();
    }
    let hidden: String = columns
        .iter()
        .chain(lines)
        .enumerate()
        .filter(|(_, i)| chart.series[**i].faint)
        .map(|(position, _)| format!("<c:legendEntry><c:idx val=\"{position}\"/><c:delete val=\"1\"/></c:legendEntry>"))
        .collect();
    format!("<c:legend><c:legendPos val=\"b\"/>{hidden}<c:overlay val=\"0\"/></c:legend>")
}
