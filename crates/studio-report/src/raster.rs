//! A logo file made ready for every format: its kind and size read, and an SVG rasterised at
//! twice its size (at most 1024 pixels a side) for the formats that take only pictures. An
//! SVG's images must be inline (data: URLs): nothing is read from disk.

use resvg::{tiny_skia, usvg};

use crate::{Logo, LogoFormat, ReportError, fonts};

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Most pixels a logo may have (either side), so a huge file cannot exhaust memory.
const MAX_SIDE: u32 = 4096;

/// The long side of a rasterised SVG logo.
const RASTER_SIDE: u32 = 1024;

fn bad(problem: impl std::fmt::Display) -> ReportError {
    ReportError::Invalid(format!("branding.logo_url: {problem}"))
}

/// Reads a PNG or SVG logo.
pub fn logo(bytes: Vec<u8>) -> Result<Logo, ReportError> {
    if bytes.starts_with(PNG_MAGIC) {
        if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
            return Err(bad("the PNG file is cut short"));
        }
        let side = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let (width, height) = (side(16), side(20));
        if width == 0 || height == 0 || width > MAX_SIDE * 4 || height > MAX_SIDE * 4 {
            return Err(bad(format!("a PNG of {width} × {height} pixels is not a usable logo")));
        }
        return Ok(Logo { format: LogoFormat::Png, png: bytes.clone(), bytes, width, height });
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    if !head.contains("<svg") && !head.trim_start().starts_with("<?xml") {
        return Err(bad("the file is neither a PNG nor an SVG image"));
    }
    // Only data: URLs: an SVG may not pull files from this computer into the report.
    let mut options = usvg::Options {
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    for font in fonts::ALL {
        options.fontdb_mut().load_font_data(font.to_vec());
    }
    let tree = usvg::Tree::from_data(&bytes, &options).map_err(|e| bad(format!("the SVG cannot be read: {e}")))?;
    let size = tree.size();
    let (width, height) = (size.width().ceil() as u32, size.height().ceil() as u32);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(bad(format!("an SVG of {width} × {height} is not a usable logo")));
    }
    // Twice its size, at most RASTER_SIDE on the long side.
    let scale = (2.0f32).min(RASTER_SIDE as f32 / width.max(height) as f32);
    let (w, h) = (((width as f32) * scale).ceil() as u32, ((height as f32) * scale).ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| bad("the SVG has no area"))?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(|e| ReportError::render("logo", e))?;
    Ok(Logo { format: LogoFormat::Svg, bytes, png, width, height })
}
