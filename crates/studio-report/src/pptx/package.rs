//! The Open Packaging Conventions layer shared by the deck and its embedded workbooks: parts
//! with their content types, relationships, XML escaping, and a zip with fixed timestamps so the
//! same report always gives the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::ReportError;

pub(super) const XML_HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Namespaces, declared on every PresentationML / DrawingML root element.
pub(super) const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
pub(super) const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(super) const NS_P: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
pub(super) const NS_C: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";

/// `xmlns:a`, `xmlns:r` and `xmlns:p` attributes, for a PresentationML root.
pub(super) fn pml_namespaces() -> String {
    format!("xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\"")
}

/// Relationship types: the last segment of an Office relationship URI.
pub(super) mod rel {
    pub const OFFICE_DOCUMENT: &str = "officeDocument";
    pub const EXTENDED_PROPERTIES: &str = "extended-properties";
    pub const SLIDE_MASTER: &str = "slideMaster";
    pub const SLIDE_LAYOUT: &str = "slideLayout";
    pub const SLIDE: &str = "slide";
    pub const NOTES_MASTER: &str = "notesMaster";
    pub const NOTES_SLIDE: &str = "notesSlide";
    pub const THEME: &str = "theme";
    pub const PRES_PROPS: &str = "presProps";
    pub const VIEW_PROPS: &str = "viewProps";
    pub const TABLE_STYLES: &str = "tableStyles";
    pub const IMAGE: &str = "image";
    pub const CHART: &str = "chart";
    pub const PACKAGE: &str = "package";
    pub const WORKSHEET: &str = "worksheet";
    pub const STYLES: &str = "styles";
}

/// The relationships of one part (or of the package), numbered `rId1`, `rId2`, … in the order
/// they are added.
#[derive(Default)]
pub(super) struct Rels {
    entries: Vec<(String, String)>,
}

impl Rels {
    /// Adds an Office relationship (`kind` from [`rel`]) and returns its id.
    pub(super) fn add(&mut self, kind: &str, target: impl Into<String>) -> String {
        self.add_uri(format!("{NS_R}/{kind}"), target)
    }

    /// Adds a relationship whose type is a full URI (the package-level core properties).
    pub(super) fn add_uri(&mut self, uri: impl Into<String>, target: impl Into<String>) -> String {
        self.entries.push((uri.into(), target.into()));
        format!("rId{}", self.entries.len())
    }

    pub(super) fn xml(&self) -> String {
        let mut xml = format!(
            "{XML_HEADER}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        );
        for (i, (uri, target)) in self.entries.iter().enumerate() {
            xml.push_str(&format!("<Relationship Id=\"rId{}\" Type=\"{uri}\" Target=\"{}\"/>", i + 1, esc(target)));
        }
        xml.push_str("</Relationships>");
        xml
    }
}

/// An OPC package being assembled: parts in the order they are added, each with the content
/// type it is declared with (`None`: covered by a default for its extension).
#[derive(Default)]
pub(super) struct Package {
    defaults: Vec<(&'static str, &'static str)>,
    parts: Vec<Part>,
}

struct Part {
    name: String,
    content_type: Option<&'static str>,
    bytes: Vec<u8>,
}

impl Package {
    pub(super) fn new(defaults: &[(&'static str, &'static str)]) -> Package {
        let mut all =
            vec![("rels", "application/vnd.openxmlformats-package.relationships+xml"), ("xml", "application/xml")];
        all.extend_from_slice(defaults);
        Package { defaults: all, parts: Vec::new() }
    }

    /// Adds a part; `name` has no leading slash (`ppt/slides/slide1.xml`).
    pub(super) fn add(
        &mut self,
        name: impl Into<String>,
        content_type: Option<&'static str>,
        bytes: impl Into<Vec<u8>>,
    ) {
        self.parts.push(Part { name: name.into(), content_type, bytes: bytes.into() });
    }

    /// Adds the relationships part of `owner` (`""` for the package itself).
    pub(super) fn add_rels(&mut self, owner: &str, rels: &Rels) {
        let name = match owner.rsplit_once('/') {
            Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
            None if owner.is_empty() => "_rels/.rels".to_string(),
            None => format!("_rels/{owner}.rels"),
        };
        self.add(name, None, rels.xml());
    }

    fn content_types(&self) -> String {
        let mut xml =
            format!("{XML_HEADER}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">");
        for (extension, content_type) in &self.defaults {
            xml.push_str(&format!("<Default Extension=\"{extension}\" ContentType=\"{content_type}\"/>"));
        }
        for part in &self.parts {
            if let Some(content_type) = part.content_type {
                xml.push_str(&format!("<Override PartName=\"/{}\" ContentType=\"{content_type}\"/>", esc(&part.name)));
            }
        }
        xml.push_str("</Types>");
        xml
    }

    /// The zip, `[Content_Types].xml` first. Every entry has the same timestamp (the zip
    /// format's epoch, 1980-01-01) and permissions, so the bytes depend on the content only.
    /// Pictures and embedded packages are stored, being compressed already.
    pub(super) fn zip(self, format: &'static str) -> Result<Vec<u8>, ReportError> {
        let fail = |e: &dyn std::fmt::Display| ReportError::render(format, format!("writing the zip: {e}"));
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().last_modified_time(DateTime::default()).unix_permissions(0o644);
        let entries = std::iter::once(("[Content_Types].xml".to_string(), self.content_types().into_bytes()))
            .chain(self.parts.into_iter().map(|p| (p.name, p.bytes)));
        for (name, bytes) in entries {
            let stored = [".png", ".xlsx", ".jpeg", ".jpg"].iter().any(|ext| name.ends_with(ext));
            let method = if stored { CompressionMethod::Stored } else { CompressionMethod::Deflated };
            zip.start_file(name, options.compression_method(method)).map_err(|e| fail(&e))?;
            zip.write_all(&bytes).map_err(|e| fail(&e))?;
        }
        Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
    }
}

/// Text for an XML element or attribute: the five special characters escaped, and characters
/// XML 1.0 cannot carry at all (control characters but tab and newlines, U+FFFE, U+FFFF)
/// dropped, since one of them would make the whole file unreadable.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number as the XML schema's `double`: the shortest text that reads back to the same value.
/// Callers leave out non-finite values (a gap in a series).
pub(super) fn num(value: f64) -> String {
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_forbidden_characters() {
        assert_eq!(esc("<a> & \"b\" 'c'"), "&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos;");
        assert_eq!(esc("tab\there\u{1}\u{ffff} é"), "tab\there é");
    }

    #[test]
    fn relationship_parts_sit_next_to_their_owner() {
        let mut package = Package::new(&[]);
        package.add_rels("", &Rels::default());
        package.add_rels("ppt/slides/slide1.xml", &Rels::default());
        let names: Vec<_> = package.parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["_rels/.rels", "ppt/slides/_rels/slide1.xml.rels"]);
    }
}
