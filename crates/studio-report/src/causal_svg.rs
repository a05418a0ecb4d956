//! The model's causal graph as an SVG picture, from the layout the core made: boxes for the
//! nodes (coloured by kind, the value beneath the name), curves for the edges (green raises, red
//! lowers, grey carries no coefficient, dashed when calibration fits it), each edge's coefficient
//! at its middle. The same drawing as the Data workbench's; text in the shipped font.

use std::fmt::Write;

use studio_model::{CausalGraph, CausalKind, CausalNode};

use crate::fonts;
use crate::html::escape;

fn fill(kind: CausalKind) -> &'static str {
    match kind {
        CausalKind::Source => "#eef1f6",
        CausalKind::Variable => "#e6f0fb",
        CausalKind::Attribute => "#f3ecfa",
        CausalKind::Network => "#eaf6ef",
        CausalKind::Term => "#fff4e0",
        CausalKind::Potential => "#fdecec",
        CausalKind::Outcome => "#dff3e6",
    }
}

fn colour(sign: Option<i8>) -> &'static str {
    match sign {
        Some(1) => "#2f7d4f",
        Some(-1) => "#c0492b",
        _ => "#8a8f98",
    }
}

/// The graph as an SVG document, `graph.width` by `graph.height` units.
pub fn causal_svg(graph: &CausalGraph) -> String {
    let (w, h) = (graph.width.max(1.0), graph.height.max(1.0));
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" font-family="{}, sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8a8f98"/></marker></defs><rect width="100%" height="100%" fill="#ffffff"/>"##,
        fonts::FAMILY
    );
    let at = |id: &str| graph.nodes.iter().find(|n| n.id == id);
    for e in &graph.edges {
        let (Some(from), Some(to)) = (at(&e.from), at(&e.to)) else { continue };
        let (x1, y1) = (from.x + from.width / 2.0, from.y);
        let (x2, y2) = (to.x - to.width / 2.0, to.y);
        let bend = ((x2 - x1) / 2.0).max(30.0);
        let dash = if e.fitted { r#" stroke-dasharray="5 3""# } else { "" };
        let width = if e.coefficient.is_some() { 2.0 } else { 1.2 };
        let _ = write!(
            out,
            r#"<path d="M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}" fill="none" stroke="{}" stroke-width="{width}"{dash} marker-end="url(#arrow)"/>"#,
            x1 + bend,
            x2 - bend,
            colour(e.sign)
        );
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="{}">{}</text>"#,
            (x1 + x2) / 2.0,
            (y1 + y2) / 2.0 - 4.0,
            colour(e.sign),
            escape(&e.label)
        );
    }
    for n in &graph.nodes {
        node(&mut out, n);
    }
    out.push_str("</svg>");
    out
}

fn node(out: &mut String, n: &CausalNode) {
    let detail: String = if n.detail.chars().count() > 34 {
        n.detail.chars().take(33).chain(['…']).collect()
    } else {
        n.detail.clone()
    };
    let _ = write!(
        out,
        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="{}" stroke="#9aa3ad"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" text-anchor="middle" fill="#1d2430">{}</text><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#555555">{}</text>"##,
        n.x - n.width / 2.0,
        n.y - n.height / 2.0,
        n.width,
        n.height,
        fill(n.kind),
        n.x,
        n.y - 4.0,
        escape(&n.label),
        n.x,
        n.y + 12.0,
        escape(&detail)
    );
}
