//! The report as one self-contained HTML file: inline CSS and SVG charts, the logo as a data
//! URI, print styles. Also each section's HTML alone, for the report's JSON content.

use std::fmt::Write;

use base64::Engine;

use crate::{Block, Brand, Chart, LogoFormat, Report, ReportError, Section, Table, charts};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn css(brand: &Brand) -> String {
    let (p, a, t) = (brand.primary.hex(), brand.accent.hex(), brand.text.hex());
    format!(
        "body{{font-family:'DejaVu Sans',Verdana,sans-serif;color:#{t};max-width:60rem;margin:2rem auto;padding:0 1.5rem;line-height:1.5}}\
h1,h2,h3{{color:#{p}}}h1{{font-size:1.9rem;margin:.2rem 0}}h2{{border-bottom:2px solid #{a};padding-bottom:.2rem;margin-top:2.5rem}}\
header.title{{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem}}header.title img{{max-height:4rem;max-width:14rem}}\
.subtitle{{color:#666}}.answer{{font-size:1.25rem;line-height:1.5;border-left:4px solid #{p};padding:.4rem 1rem;margin:1rem 0}}.stale{{background:#fff4e5;border-left:4px solid #{a};padding:.6rem 1rem;margin:1rem 0;font-weight:bold}}\
.headlines{{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}}.headline{{border:1px solid #ddd;border-top:4px solid #{a};padding:.6rem 1rem;min-width:11rem}}\
.headline .value{{font-size:2rem;font-weight:bold;color:#{a}}}.headline .label{{font-weight:bold}}.headline .detail{{color:#666;font-size:.9rem}}\
table{{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.9rem}}th{{background:#{p};color:#fff;text-align:left;padding:.3rem .5rem}}\
td{{padding:.3rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top}}tr:nth-child(even) td{{background:#f7f7f7}}td.n,th.n{{text-align:right}}\
caption{{caption-side:top;text-align:left;font-weight:bold;padding:.3rem 0}}.source{{color:#777;font-size:.8rem;margin:.2rem 0 1rem}}\
figure{{margin:1.2rem 0}}figure svg{{width:100%;height:auto}}figcaption{{font-weight:bold;margin-bottom:.3rem}}\
.note{{border-left:3px solid #{a};padding:.3rem .8rem;margin:.8rem 0;font-style:italic;background:#fafafa}}\
.provenance{{color:#666;font-size:.85rem}}nav ol{{columns:2}}code{{font-size:.85em}}\
@media print{{body{{max-width:none;margin:0}}h2{{break-after:avoid}}figure,.headline,tr{{break-inside:avoid}}thead{{display:table-header-group}}section{{break-before:page}}section:first-of-type{{break-before:auto}}a{{color:inherit;text-decoration:none}}}}"
    )
}

fn logo(brand: &Brand) -> String {
    let Some(logo) = &brand.logo else { return String::new() };
    let mime = match logo.format {
        LogoFormat::Png => "image/png",
        LogoFormat::Svg => "image/svg+xml",
    };
    let data = base64::engine::general_purpose::STANDARD.encode(&logo.bytes);
    format!("<img alt=\"logo\" src=\"data:{mime};base64,{data}\">")
}

fn table_html(out: &mut String, t: &Table) {
    let class = |i: usize| if t.numeric.get(i).copied().unwrap_or(false) { " class=\"n\"" } else { "" };
    let _ = write!(out, "<table><caption>{}</caption><thead><tr>", escape(&t.caption));
    for (i, h) in t.header.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", class(i), escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), escape(cell));
        }
        out.push_str("</tr>");
    }
    let _ = write!(out, "</tbody></table><p class=\"source\">Source: {}</p>", escape(&t.source));
}

fn chart_html(out: &mut String, c: &Chart, brand: &Brand) -> Result<(), ReportError> {
    let svg = charts::svg(c, brand, charts::WIDTH, charts::HEIGHT)?;
    let _ = write!(
        out,
        "<figure data-chart=\"{}\"><figcaption>{}</figcaption>{}<p class=\"source\">Source: {}</p></figure>",
        c.kind.as_str(),
        escape(&c.title),
        svg,
        escape(&c.source)
    );
    Ok(())
}

/// One section's body (without its heading).
pub fn section_body(section: &Section, brand: &Brand) -> Result<String, ReportError> {
    let mut out = String::new();
    let mut in_headlines = false;
    for block in &section.blocks {
        let is_headline = matches!(block, Block::Headline { .. });
        if is_headline && !in_headlines {
            out.push_str("<div class=\"headlines\">");
        } else if !is_headline && in_headlines {
            out.push_str("</div>");
        }
        in_headlines = is_headline;
        match block {
            Block::Paragraph { text } => {
                let _ = write!(out, "<p>{}</p>", escape(text));
            }
            Block::Headline { label, value, detail } => {
                let _ = write!(
                    out,
                    "<div class=\"headline\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"detail\">{}</div></div>",
                    escape(label),
                    escape(value),
                    escape(detail)
                );
            }
            Block::Bullets { items } => {
                out.push_str("<ul>");
                for i in items {
                    let _ = write!(out, "<li>{}</li>", escape(i));
                }
                out.push_str("</ul>");
            }
            Block::Table(t) => table_html(&mut out, t),
            Block::Chart(c) => chart_html(&mut out, c, brand)?,
            Block::Figure(f) => {
                let _ = write!(
                    out,
                    "<figure data-figure><figcaption>{}</figcaption>{}<p class=\"source\">Source: {}</p></figure>",
                    escape(&f.title),
                    f.svg,
                    escape(&f.source)
                );
            }
            Block::Annotation { author, text } => {
                let _ = write!(out, "<aside class=\"note\"><b>Note — {}:</b> {}</aside>", escape(author), escape(text));
            }
        }
    }
    if in_headlines {
        out.push_str("</div>");
    }
    Ok(out)
}

/// The whole report as one HTML file.
pub fn html(report: &Report) -> Result<String, ReportError> {
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{}</style></head><body>",
        escape(&report.title),
        css(&report.brand)
    );
    let _ = write!(
        out,
        "<header class=\"title\"><div><h1>{}</h1><div class=\"subtitle\">{}</div></div>{}</header>",
        escape(&report.title),
        escape(&report.subtitle),
        logo(&report.brand)
    );
    if let Some(answer) = &report.answer {
        let _ = write!(out, "<p class=\"answer\">{}</p>", escape(answer));
    }
    if let Some(notice) = &report.stale_notice {
        let _ = write!(out, "<p class=\"stale\" role=\"alert\">{}</p>", escape(notice));
    }
    let p = &report.provenance;
    let _ = write!(
        out,
        "<p class=\"provenance\">Project {} · version {} · engine {} · runs: {}</p>",
        escape(&p.project_id),
        p.version,
        escape(&p.engine_version),
        escape(&p.runs.iter().map(|r| format!("{}: {}", r.scenario, r.label())).collect::<Vec<_>>().join("; "))
    );
    if report.contents_page {
        out.push_str("<nav><h2>Contents</h2><ol>");
        for (i, s) in report.sections.iter().enumerate() {
            let _ = write!(out, "<li><a href=\"#s{i}\">{}</a></li>", escape(&heading(s)));
        }
        out.push_str("</ol></nav>");
    }
    for (i, s) in report.sections.iter().enumerate() {
        let _ = write!(out, "<section id=\"s{i}\" data-section=\"{}\"><h2>{}</h2>", escape(&s.id), escape(&heading(s)));
        out.push_str(&section_body(s, &report.brand)?);
        out.push_str("</section>");
    }
    let _ = write!(
        out,
        "<footer class=\"provenance\"><p>Generated {} by FutureOS Studio.</p></footer></body></html>",
        escape(&report.generated_at)
    );
    Ok(out)
}

/// A section's heading as every format prints it.
pub fn heading(s: &Section) -> String {
    if s.appendix { format!("Appendix — {}", s.title) } else { s.title.clone() }
}
