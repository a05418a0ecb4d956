//! A report table as a native PowerPoint table (`a:tbl`): the header in the brand's primary
//! colour with white text, banded rows, numbers right-aligned. Column widths come from the whole
//! table, so its continuation slides line up.

use super::geometry::CONTENT_W;
use super::package::esc;
use super::plan::lines;
use super::shapes::{WHITE, emu, mix};
use crate::{Brand, Rgb, Table};

/// Text size in table cells, points.
pub(super) const TABLE_TEXT: f64 = 12.0;
/// Height of a one-line row, inches.
pub(super) const ROW_HEIGHT: f64 = 0.34;
/// Left and right cell margins together, inches.
const CELL_MARGINS: f64 = 0.2;

const RULE: &str = "d9d9d9";

/// How many columns the table has: its header or its longest row.
pub(super) fn column_count(table: &Table) -> usize {
    table.rows.iter().map(Vec::len).chain([table.header.len()]).max().unwrap_or(0)
}

/// Widths in inches, summing to the content width: each column in proportion to its longest
/// text, within bounds so a short column stays readable and a long one wraps.
pub(super) fn column_widths(table: &Table) -> Vec<f64> {
    let columns = column_count(table);
    let longest = |c: usize| {
        let cells = table.rows.iter().filter_map(|r| r.get(c)).chain(table.header.get(c));
        cells.map(|t| t.chars().count()).max().unwrap_or(0).clamp(4, 40) as f64
    };
    let weights: Vec<f64> = (0..columns).map(longest).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| CONTENT_W * w / total).collect()
}

/// The number of lines the tallest cell of `row` wraps to.
pub(super) fn row_lines(row: &[String], widths: &[f64], bold: bool) -> usize {
    let size = if bold { TABLE_TEXT * 1.08 } else { TABLE_TEXT };
    widths
        .iter()
        .enumerate()
        .map(|(c, w)| row.get(c).map_or(1, |t| lines(t, size, w - CELL_MARGINS)))
        .max()
        .unwrap_or(1)
}

/// The `a:tbl` of the header and `rows`, and its height in inches.
pub(super) fn table(table: &Table, rows: &[Vec<String>], widths: &[f64], brand: &Brand) -> (String, f64) {
    let grid: String = widths.iter().map(|w| format!("<a:gridCol w=\"{}\"/>", emu(*w))).collect();
    let mut xml = format!("<a:tbl><a:tblPr firstRow=\"1\" bandRow=\"1\"/><a:tblGrid>{grid}</a:tblGrid>");
    let band = mix(brand.primary, WHITE, 0.92);
    let mut height = 0.0;
    let header = std::iter::once((&table.header, true, brand.primary, WHITE));
    let body = rows.iter().enumerate().map(|(k, row)| (row, false, if k % 2 == 1 { band } else { WHITE }, brand.text));
    for (row, is_header, fill, color) in header.chain(body) {
        let h = ROW_HEIGHT * row_lines(row, widths, is_header) as f64;
        height += h;
        xml.push_str(&format!("<a:tr h=\"{}\">", emu(h)));
        for c in 0..widths.len() {
            let text = row.get(c).map(String::as_str).unwrap_or("");
            let align = if table.numeric.get(c).copied().unwrap_or(false) { "r" } else { "l" };
            xml.push_str(&cell(text, align, is_header, fill, color));
        }
        xml.push_str("</a:tr>");
    }
    xml.push_str("</a:tbl>");
    (xml, height)
}

fn cell(text: &str, align: &str, bold: bool, fill: Rgb, color: Rgb) -> String {
    let size = (TABLE_TEXT * 100.0) as i64;
    let properties = format!(
        "lang=\"en-US\" sz=\"{size}\" b=\"{}\" dirty=\"0\"><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
        u8::from(bold),
        color.hex()
    );
    let run = if text.is_empty() {
        String::new()
    } else {
        format!("<a:r><a:rPr {properties}</a:rPr><a:t>{}</a:t></a:r>", esc(text))
    };
    let none = |side: &str| format!("<a:{side} w=\"0\"><a:noFill/></a:{side}>");
    let rule =
        |side: &str| format!("<a:{side} w=\"6350\"><a:solidFill><a:srgbClr val=\"{RULE}\"/></a:solidFill></a:{side}>");
    format!(
        "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr algn=\"{align}\"/>{run}<a:endParaRPr {properties}</a:endParaRPr></a:p></a:txBody><a:tcPr marL=\"91440\" marR=\"91440\" marT=\"45720\" marB=\"45720\" anchor=\"ctr\">{}{}{}{}<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></a:tcPr></a:tc>",
        none("lnL"),
        none("lnR"),
        rule("lnT"),
        rule("lnB"),
        fill.hex()
    )
}
