//! The workbook embedded in each native chart, so PowerPoint's "Edit data" opens the chart's
//! numbers: one sheet, categories in column A, one column per series, the series names in row 1.
//! A minimal SpreadsheetML package, with inline strings and a percent style.

use super::package::{Package, Rels, XML_HEADER, esc, num, rel};
use crate::{Chart, ReportError};

pub(super) const SHEET: &str = "Sheet1";

const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// `A`, `B`, …, `Z`, `AA`, … for a zero-based column.
pub(super) fn column(index: usize) -> String {
    let mut n = index + 1;
    let mut name = Vec::new();
    while n > 0 {
        let digit = (n - 1) % 26;
        name.push(b'A' + digit as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The finite value of a point, `None` for a gap (missing, NaN or infinite).
pub(super) fn point(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

pub(super) fn workbook(chart: &Chart) -> Result<Vec<u8>, ReportError> {
    let mut package = Package::new(&[]);
    let mut root = Rels::default();
    root.add(rel::OFFICE_DOCUMENT, "xl/workbook.xml");
    package.add_rels("", &root);

    package.add(
        "xl/workbook.xml",
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        format!(
            "{XML_HEADER}<workbook xmlns=\"{NS_MAIN}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"{SHEET}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
        ),
    );
    let mut workbook_rels = Rels::default();
    workbook_rels.add(rel::WORKSHEET, "worksheets/sheet1.xml");
    workbook_rels.add(rel::STYLES, "styles.xml");
    package.add_rels("xl/workbook.xml", &workbook_rels);

    package.add(
        "xl/worksheets/sheet1.xml",
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
        sheet(chart),
    );
    package.add(
        "xl/styles.xml",
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
        STYLES,
    );
    package.zip("pptx")
}

/// Style 1 is the header (bold), style 2 a percentage with two decimals (built-in format 10).
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>",
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>",
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>",
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
    "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>",
    "<xf numFmtId=\"10\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>",
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>",
    "</styleSheet>"
);

fn sheet(chart: &Chart) -> String {
    let last = format!("{}{}", column(chart.series.len()), chart.categories.len() + 1);
    let mut xml = format!(
        "{XML_HEADER}<worksheet xmlns=\"{NS_MAIN}\"><dimension ref=\"A1:{last}\"/><cols><col min=\"1\" max=\"1\" width=\"18\" customWidth=\"1\"/><col min=\"2\" max=\"{}\" width=\"14\" customWidth=\"1\"/></cols><sheetData>",
        chart.series.len() + 1
    );
    let text = |cell: String, value: &str, style: u8| {
        format!(
            "<c r=\"{cell}\" s=\"{style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            esc(value)
        )
    };
    xml.push_str("<row r=\"1\">");
    xml.push_str(&text("A1".into(), &chart.x_label, 1));
    for (i, series) in chart.series.iter().enumerate() {
        xml.push_str(&text(format!("{}1", column(i + 1)), &series.name, 1));
    }
    xml.push_str("</row>");
    let style = if chart.percent { 2 } else { 0 };
    for (row, category) in chart.categories.iter().enumerate() {
        let r = row + 2;
        xml.push_str(&format!("<row r=\"{r}\">"));
        xml.push_str(&text(format!("A{r}"), category, 0));
        for (i, series) in chart.series.iter().enumerate() {
            if let Some(value) = point(series.values.get(row).copied().flatten()) {
                xml.push_str(&format!("<c r=\"{}{r}\" s=\"{style}\"><v>{}</v></c>", column(i + 1), num(value)));
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

#[cfg(test)]
mod tests {
    use super::column;

    #[test]
    fn columns_are_named_like_a_spreadsheet() {
        let names: Vec<_> = [0, 1, 25, 26, 27, 51, 52, 701, 702].into_iter().map(column).collect();
        assert_eq!(names, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }
}
