//! DrawingML building blocks: runs and paragraphs of text, and a slide's shape tree (text
//! boxes, placeholders, rectangles, pictures, chart and table frames), each shape numbered.

use super::package::{NS_C, esc};
use crate::Rgb;

/// English Metric Units per inch: every position and size in the package is in EMU.
pub(super) const EMU_PER_INCH: f64 = 914_400.0;

pub(super) const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
pub(super) const BLACK: Rgb = Rgb(0, 0, 0);

/// `share` of the way from `color` to `target`: tints (towards white) and shades.
pub(super) fn mix(color: Rgb, target: Rgb, share: f64) -> Rgb {
    let channel = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
    Rgb(channel(color.0, target.0), channel(color.1, target.1), channel(color.2, target.2))
}

pub(super) fn emu(inches: f64) -> i64 {
    (inches * EMU_PER_INCH).round() as i64
}

/// A shape's position and size, in EMU.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rect {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
}

impl Rect {
    pub(super) fn inches(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x: emu(x), y: emu(y), w: emu(w), h: emu(h) }
    }

    fn xfrm(&self, prefix: &str) -> String {
        format!(
            "<{prefix}:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></{prefix}:xfrm>",
            self.x, self.y, self.w, self.h
        )
    }
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Font {
    /// Points.
    pub size: f64,
    pub bold: bool,
    pub italic: bool,
    pub color: Rgb,
}

impl Font {
    pub(super) fn new(size: f64, color: Rgb) -> Font {
        Font { size, bold: false, italic: false, color }
    }

    pub(super) fn bold(self) -> Font {
        Font { bold: true, ..self }
    }

    pub(super) fn italic(self) -> Font {
        Font { italic: true, ..self }
    }

    fn properties(&self, element: &str) -> String {
        format!(
            "<a:{element} lang=\"en-US\" sz=\"{}\" b=\"{}\" i=\"{}\" dirty=\"0\"><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></a:{element}>",
            (self.size * 100.0).round() as i64,
            u8::from(self.bold),
            u8::from(self.italic),
            self.color.hex()
        )
    }
}

/// Text in `font`; a newline in it becomes a line break.
pub(super) fn run(text: &str, font: Font) -> String {
    let properties = font.properties("rPr");
    text.split('\n')
        .map(|line| format!("<a:r>{properties}<a:t>{}</a:t></a:r>", esc(line.trim_end_matches('\r'))))
        .collect::<Vec<_>>()
        .join(&format!("<a:br>{properties}</a:br>"))
}

/// A paragraph of `runs` with paragraph properties `ppr` (`""` for none). `font` sizes the
/// paragraph mark, so an empty paragraph keeps its height.
pub(super) fn paragraph(ppr: &str, runs: &str, font: Font) -> String {
    format!("<a:p>{ppr}{runs}{}</a:p>", font.properties("endParaRPr"))
}

/// Paragraph properties: alignment and space after, in points; no space before (the master's
/// text style would add 6 points, which the plan's measures do not count).
pub(super) fn ppr(align: &str, space_after: f64) -> String {
    format!(
        "<a:pPr algn=\"{align}\"><a:spcBef><a:spcPts val=\"0\"/></a:spcBef><a:spcAft><a:spcPts val=\"{}\"/></a:spcAft><a:buNone/></a:pPr>",
        (space_after * 100.0).round() as i64
    )
}

/// How a text box is drawn.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub fill: Option<Rgb>,
    /// Outline colour and width in points.
    pub line: Option<(Rgb, f64)>,
    /// `t`, `ctr` or `b`.
    pub anchor: &'static str,
    /// The box grows with its text (`spAutoFit`) rather than the text shrinking into the box.
    pub grow: bool,
    /// Inner margin, inches.
    pub inset: f64,
    /// Text drawn smaller than set, in thousandths of a percent (`50000`: half size), for a
    /// text too long for its box. Applications recompute it when the text is edited.
    pub font_scale: Option<u32>,
}

impl Frame {
    pub(super) const PLAIN: Frame =
        Frame { fill: None, line: None, anchor: "t", grow: true, inset: 0.05, font_scale: None };
}

/// The shapes of one slide (or master, or layout), in drawing order.
pub(super) struct Shapes {
    xml: String,
    next_id: u32,
}

impl Shapes {
    pub(super) fn new() -> Shapes {
        Shapes { xml: String::new(), next_id: 2 }
    }

    fn id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A placeholder of the layout (`title`, `ctrTitle`, `subTitle`, `body`), at `rect`, with
    /// `paragraphs` (already XML). Slide titles are placeholders so outlines and readers find them.
    pub(super) fn placeholder(&mut self, kind: &str, idx: Option<u32>, rect: Rect, anchor: &str, paragraphs: &str) {
        let id = self.id();
        let idx = idx.map(|i| format!(" idx=\"{i}\"")).unwrap_or_default();
        self.xml.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{kind} {id}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"{kind}\"{idx}/></p:nvPr></p:nvSpPr><p:spPr>{}</p:spPr><p:txBody><a:bodyPr vert=\"horz\" wrap=\"square\" lIns=\"45720\" tIns=\"45720\" rIns=\"45720\" bIns=\"45720\" anchor=\"{anchor}\" rtlCol=\"0\"><a:normAutofit/></a:bodyPr><a:lstStyle/>{paragraphs}</p:txBody></p:sp>",
            rect.xfrm("a")
        ));
    }

    pub(super) fn text_box(&mut self, name: &str, rect: Rect, frame: Frame, paragraphs: &str) {
        let id = self.id();
        let fill = match frame.fill {
            Some(color) => format!("<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>", color.hex()),
            None => "<a:noFill/>".into(),
        };
        let line = match frame.line {
            Some((color, width)) => format!(
                "<a:ln w=\"{}\"><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></a:ln>",
                (width * 12_700.0).round() as i64,
                color.hex()
            ),
            None => "<a:ln><a:noFill/></a:ln>".into(),
        };
        let inset = emu(frame.inset);
        let fit = match (frame.grow, frame.font_scale) {
            (_, Some(scale)) => format!("<a:normAutofit fontScale=\"{scale}\"/>"),
            (true, None) => "<a:spAutoFit/>".into(),
            (false, None) => "<a:normAutofit/>".into(),
        };
        self.xml.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{} {id}\"/><p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>{fill}{line}</p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"{inset}\" tIns=\"{inset}\" rIns=\"{inset}\" bIns=\"{inset}\" anchor=\"{}\" rtlCol=\"0\">{fit}</a:bodyPr><a:lstStyle/>{paragraphs}</p:txBody></p:sp>",
            esc(name),
            rect.xfrm("a"),
            frame.anchor
        ));
    }

    /// A filled rectangle without text (a rule, a band).
    pub(super) fn rectangle(&mut self, name: &str, rect: Rect, fill: Rgb) {
        let id = self.id();
        self.xml.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{} {id}\"/><p:cNvSpPr/><p:nvPr userDrawn=\"1\"/></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>",
            esc(name),
            rect.xfrm("a"),
            fill.hex()
        ));
    }

    /// A picture whose image is relationship `rid` of the part.
    pub(super) fn picture(&mut self, name: &str, rect: Rect, rid: &str) {
        let id = self.id();
        self.xml.push_str(&format!(
            "<p:pic><p:nvPicPr><p:cNvPr id=\"{id}\" name=\"{} {id}\" descr=\"{}\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr userDrawn=\"1\"/></p:nvPicPr><p:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>",
            esc(name),
            esc(name),
            rect.xfrm("a")
        ));
    }

    /// A frame showing the chart part of relationship `rid`.
    pub(super) fn chart(&mut self, name: &str, rect: Rect, rid: &str) {
        let id = self.id();
        self.xml.push_str(&format!(
            "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"{} {id}\"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr>{}<a:graphic><a:graphicData uri=\"{NS_C}\"><c:chart xmlns:c=\"{NS_C}\" r:id=\"{rid}\"/></a:graphicData></a:graphic></p:graphicFrame>",
            esc(name),
            rect.xfrm("p")
        ));
    }

    /// A frame holding a table (`a:tbl`, already XML).
    pub(super) fn table(&mut self, name: &str, rect: Rect, table: &str) {
        let id = self.id();
        self.xml.push_str(&format!(
            "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"{} {id}\"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>{}<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">{table}</a:graphicData></a:graphic></p:graphicFrame>",
            esc(name),
            rect.xfrm("p")
        ));
    }

    /// Where a notes page shows its slide.
    pub(super) fn slide_image(&mut self, rect: Rect) {
        let id = self.id();
        self.xml.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"Slide Image {id}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\"/></p:nvPr></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/><a:ln w=\"12700\"><a:solidFill><a:srgbClr val=\"000000\"/></a:solidFill></a:ln></p:spPr></p:sp>",
            rect.xfrm("a")
        ));
    }

    /// The `p:spTree` element.
    pub(super) fn tree(&self) -> String {
        format!(
            "<p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>{}</p:spTree>",
            self.xml
        )
    }
}
