//! A report table as a native PowerPoint table (`a:tbl`): the header in the brand's primary
//! colour with white text, banded rows, numbers right-aligned. The plan sets its type size,
//! column widths (from the content, so its continuation slides line up) and row heights.

use super::package::esc;
use super::shapes::{WHITE, emu, mix};
use crate::columns::{self, Columns};
use crate::{Brand, Rgb, Table};

/// Type sizes a table may take on a slide, points, largest first: a wide table takes a
/// smaller one rather than breaking its words.
pub(super) const TABLE_SIZES: [f64; 4] = [14.0, 12.0, 11.0, 10.0];
/// A cell's inner margins, inches: left and right each, top and bottom each.
pub(super) const CELL_MARGIN_W: f64 = 0.1;
pub(super) const CELL_MARGIN_H: f64 = 0.05;

const RULE: &str = "d9d9d9";

/// The `a:tbl` of the header and `rows`, the columns and row heights (inches, header first)
/// as the plan set them.
pub(super) fn table(table: &Table, rows: &[Vec<String>], columns: &Columns, heights: &[f64], brand: &Brand) -> String {
    let grid: String = columns.widths.iter().map(|w| format!("<a:gridCol w=\"{}\"/>", emu(*w))).collect();
    let mut xml = format!("<a:tbl><a:tblPr firstRow=\"1\" bandRow=\"1\"/><a:tblGrid>{grid}</a:tblGrid>");
    let band = mix(brand.primary, WHITE, 0.92);
    let header = std::iter::once((&table.header, true, brand.primary, WHITE));
    let body = rows.iter().enumerate().map(|(k, row)| (row, false, if k % 2 == 1 { band } else { WHITE }, brand.text));
    let first = usize::from(table.header.is_empty());
    for (k, (row, is_header, fill, color)) in header.chain(body).enumerate().skip(first) {
        let h = heights.get(k).copied().unwrap_or(0.3);
        xml.push_str(&format!("<a:tr h=\"{}\">", emu(h)));
        for c in 0..columns.widths.len() {
            let text = row.get(c).map(|t| columns::breakable(t)).unwrap_or_default();
            let align = if table.numeric.get(c).copied().unwrap_or(false) { "r" } else { "l" };
            xml.push_str(&cell(&text, align, is_header, columns.size, fill, color));
        }
        xml.push_str("</a:tr>");
    }
    xml.push_str("</a:tbl>");
    xml
}

fn cell(text: &str, align: &str, bold: bool, size: f64, fill: Rgb, color: Rgb) -> String {
    let size = (size * 100.0).round() as i64;
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
        "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr algn=\"{align}\"/>{run}<a:endParaRPr {properties}</a:endParaRPr></a:p></a:txBody><a:tcPr marL=\"{w}\" marR=\"{w}\" marT=\"{h}\" marB=\"{h}\" anchor=\"ctr\">{}{}{}{}<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></a:tcPr></a:tc>",
        none("lnL"),
        none("lnR"),
        rule("lnT"),
        rule("lnB"),
        fill.hex(),
        w = emu(CELL_MARGIN_W),
        h = emu(CELL_MARGIN_H),
    )
}
