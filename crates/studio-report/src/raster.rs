//! A logo file made ready for every format, once, when the analyst sets it (`prepare_logo`).
//! A PNG is decoded in full — every chunk's CRC and the image data's checksum verified — and
//! one larger than [`LOGO_SIDE`] on its long side is scaled down row by row, so the full-size
//! image is never in memory. An SVG is read (its images must be inline data: URLs: nothing is
//! read from disk) and rasterised at twice its size, at most [`LOGO_SIDE`] a side, for the
//! formats that take only pictures.

use png::{BitDepth, ColorType, Transformations};
use resvg::{tiny_skia, usvg};

use crate::{Logo, LogoFormat, ReportError, fonts};

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The long side of a logo as the formats embed it: a PNG larger than this is scaled down to
/// it, an SVG is rasterised at most this large.
pub const LOGO_SIDE: u32 = 1024;

/// Most pixels a PNG logo may have (16,384 × 16,384). Reading it costs time, every pixel being
/// decoded and filtered, but not memory.
const MAX_PIXELS: u64 = 1 << 28;

/// The longest side of a PNG logo, so a decoded row stays small (512 KiB at 16-bit RGBA).
const MAX_PNG_SIDE: u32 = 65_536;

/// Most user units an SVG logo may measure on either side.
const MAX_SVG_SIDE: u32 = 4096;

fn bad(problem: impl std::fmt::Display) -> ReportError {
    ReportError::Invalid(format!("branding.logo_url: {problem}"))
}

/// Reads, checks and scales a PNG or SVG logo: what every format then embeds. Done once, when
/// the logo is set; the result is kept and given to each report.
pub fn prepare_logo(bytes: &[u8]) -> Result<Logo, ReportError> {
    if bytes.starts_with(PNG_MAGIC) {
        return png_logo(bytes);
    }
    svg_logo(bytes)
}

/// [`prepare_logo`] of an owned file.
pub fn logo(bytes: Vec<u8>) -> Result<Logo, ReportError> {
    prepare_logo(&bytes)
}

fn damaged(e: png::DecodingError) -> ReportError {
    match e {
        png::DecodingError::LimitsExceeded => bad("the PNG needs more memory to read than a logo may take"),
        png::DecodingError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            bad("the PNG file is cut short")
        }
        e => bad(format!("the PNG is damaged: {e}")),
    }
}

fn png_logo(bytes: &[u8]) -> Result<Logo, ReportError> {
    // By default the png crate checks CRCs but skips an ancillary chunk whose CRC is wrong and
    // does not check the image data's Adler-32: a logo is embedded as it is, so check it all.
    let mut options = png::DecodeOptions::default();
    options.set_ignore_checksums(false);
    options.set_skip_ancillary_crc_failures(false);
    let mut decoder = png::Decoder::new_with_options(bytes, options);
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(damaged)?;
    let (width, height, interlaced) = {
        let info = reader.info();
        (info.width, info.height, info.interlaced)
    };
    if width > MAX_PNG_SIDE || height > MAX_PNG_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(bad(format!(
            "a PNG of {width} × {height} pixels is larger than a logo may be (16,384 × 16,384 pixels at most)"
        )));
    }
    let (color, depth) = reader.output_color_type();
    let channels = match (color, depth) {
        (ColorType::Grayscale, BitDepth::Eight) => 1,
        (ColorType::GrayscaleAlpha, BitDepth::Eight) => 2,
        (ColorType::Rgb, BitDepth::Eight) => 3,
        (ColorType::Rgba, BitDepth::Eight) => 4,
        other => return Err(bad(format!("a PNG of this colour type cannot be read: {other:?}"))),
    };
    let long = width.max(height);
    let mut filter = (long > LOGO_SIDE).then(|| {
        let scale =
            |side: u32| ((u64::from(side) * u64::from(LOGO_SIDE) + u64::from(long) / 2) / u64::from(long)) as u32;
        BoxFilter::new((width, height), (scale(width).max(1), scale(height).max(1)), interlaced)
    });
    let mut rows = Rows::new(width, height, interlaced);
    while let Some(row) = reader.next_row().map_err(damaged)? {
        let (y, x0, dx) = rows.next().ok_or_else(|| bad("the PNG has more rows than its header says"))?;
        if let Some(filter) = filter.as_mut() {
            filter.add_row(y, x0, dx, row.data(), channels);
        }
    }
    // The chunks after the image (and their CRCs), to the end of the file.
    reader.finish().map_err(damaged)?;
    match filter {
        None => Ok(Logo { format: LogoFormat::Png, bytes: bytes.to_vec(), png: bytes.to_vec(), width, height }),
        Some(filter) => {
            let (w, h) = filter.size;
            let png = encode_rgba(&filter.finish(), w, h)?;
            Ok(Logo { format: LogoFormat::Png, bytes: png.clone(), png, width: w, height: h })
        }
    }
}

/// Where each decoded row goes: its line `y`, its first pixel's column and the step between
/// its pixels (Adam7 passes hold every 8th, 4th or 2nd pixel of some lines).
struct Rows {
    passes: Vec<(u32, u32, u32, u32)>,
    pass: usize,
    line: u32,
    height: u32,
}

impl Rows {
    /// Adam7's passes: first column, column step, first line, line step.
    const ADAM7: [(u32, u32, u32, u32); 7] =
        [(0, 8, 0, 8), (4, 8, 0, 8), (0, 4, 4, 8), (2, 4, 0, 4), (0, 2, 2, 4), (1, 2, 0, 2), (0, 1, 1, 2)];

    fn new(width: u32, height: u32, interlaced: bool) -> Rows {
        // The decoder skips the passes that hold no pixel of a small image.
        let passes = if interlaced {
            Rows::ADAM7.iter().copied().filter(|&(x0, _, y0, _)| x0 < width && y0 < height).collect()
        } else {
            vec![(0, 1, 0, 1)]
        };
        Rows { passes, pass: 0, line: 0, height }
    }

    fn next(&mut self) -> Option<(u32, u32, u32)> {
        loop {
            let &(x0, dx, y0, dy) = self.passes.get(self.pass)?;
            let y = y0 + self.line * dy;
            if y < self.height {
                self.line += 1;
                return Some((y, x0, dx));
            }
            self.pass += 1;
            self.line = 0;
        }
    }
}

/// A box filter from `from` to the smaller `size`: every source pixel is added to the output
/// pixel it falls in (colour weighted by alpha), and each output pixel is the mean of its box.
/// A plain PNG's rows come in order, so only the output row being filled is kept; an
/// interlaced one's come in passes, so the whole (small) output is.
struct BoxFilter {
    from: (u32, u32),
    size: (u32, u32),
    /// The output column of each source column.
    column: Vec<u32>,
    /// Per output pixel: red, green and blue times alpha, and alpha.
    sums: Vec<[u32; 4]>,
    /// The output row `sums` holds (plain PNGs), `None` before the first.
    row: Option<u32>,
    whole: bool,
    out: Vec<u8>,
}

impl BoxFilter {
    fn new(from: (u32, u32), size: (u32, u32), interlaced: bool) -> BoxFilter {
        let column = (0..from.0).map(|x| (u64::from(x) * u64::from(size.0) / u64::from(from.0)) as u32).collect();
        let rows = if interlaced { size.1 } else { 1 };
        BoxFilter {
            from,
            size,
            column,
            sums: vec![[0; 4]; (size.0 * rows) as usize],
            row: None,
            whole: interlaced,
            out: vec![0; (size.0 * size.1 * 4) as usize],
        }
    }

    fn out_row(&self, y: u32) -> u32 {
        (u64::from(y) * u64::from(self.size.1) / u64::from(self.from.1)) as u32
    }

    /// Source pixels `x0`, `x0 + dx`, … of line `y`, `channels` bytes each.
    fn add_row(&mut self, y: u32, x0: u32, dx: u32, data: &[u8], channels: usize) {
        let oy = self.out_row(y);
        let base = if self.whole {
            (oy * self.size.0) as usize
        } else {
            if self.row != Some(oy) {
                if let Some(done) = self.row {
                    self.flush(done, 0);
                }
                self.sums.iter_mut().for_each(|s| *s = [0; 4]);
                self.row = Some(oy);
            }
            0
        };
        let columns = self.column.iter().skip(x0 as usize).step_by(dx as usize);
        for (pixel, &ox) in data.chunks_exact(channels).zip(columns) {
            let (r, g, b, a) = match *pixel {
                [v] => (v, v, v, 255),
                [v, a] => (v, v, v, a),
                [r, g, b] => (r, g, b, 255),
                [r, g, b, a] => (r, g, b, a),
                _ => continue,
            };
            let a32 = u32::from(a);
            let sum = &mut self.sums[base + ox as usize];
            sum[0] += u32::from(r) * a32;
            sum[1] += u32::from(g) * a32;
            sum[2] += u32::from(b) * a32;
            sum[3] += a32;
        }
    }

    /// How many source pixels fall in output pixel (`ox`, `oy`): its box's lines times its
    /// columns, from the first source line (column) that maps to it to the first past it.
    fn box_area(&self, ox: u32, oy: u32) -> u64 {
        let first = |o: u32, from: u32, to: u32| (u64::from(o) * u64::from(from)).div_ceil(u64::from(to));
        let lines = first(oy + 1, self.from.1, self.size.1) - first(oy, self.from.1, self.size.1);
        let columns = first(ox + 1, self.from.0, self.size.0) - first(ox, self.from.0, self.size.0);
        (lines * columns).max(1)
    }

    /// Writes output row `oy` from the sums at `base`.
    fn flush(&mut self, oy: u32, base: usize) {
        for ox in 0..self.size.0 {
            let [r, g, b, a] = self.sums[base + ox as usize];
            let area = self.box_area(ox, oy);
            let at = ((oy * self.size.0 + ox) * 4) as usize;
            let alpha = ((u64::from(a) + area / 2) / area) as u8;
            let colour = |c: u32| if a == 0 { 0 } else { ((u64::from(c) + u64::from(a) / 2) / u64::from(a)) as u8 };
            self.out[at..at + 4].copy_from_slice(&[colour(r), colour(g), colour(b), alpha]);
        }
    }

    /// The output image, RGBA 8-bit.
    fn finish(mut self) -> Vec<u8> {
        if self.whole {
            for oy in 0..self.size.1 {
                self.flush(oy, (oy * self.size.0) as usize);
            }
        } else if let Some(last) = self.row {
            self.flush(last, 0);
        }
        self.out
    }
}

fn encode_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(ColorType::Rgba);
    encoder.set_depth(BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| ReportError::render("logo", e))?;
    writer.write_image_data(rgba).map_err(|e| ReportError::render("logo", e))?;
    writer.finish().map_err(|e| ReportError::render("logo", e))?;
    Ok(out)
}

fn svg_logo(bytes: &[u8]) -> Result<Logo, ReportError> {
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
    let tree = usvg::Tree::from_data(bytes, &options).map_err(|e| bad(format!("the SVG cannot be read: {e}")))?;
    let size = tree.size();
    let (width, height) = (size.width().ceil() as u32, size.height().ceil() as u32);
    if width == 0 || height == 0 || width > MAX_SVG_SIDE || height > MAX_SVG_SIDE {
        return Err(bad(format!("an SVG of {width} × {height} is not a usable logo")));
    }
    // Twice its size, at most LOGO_SIDE on the long side.
    let scale = (2.0f32).min(LOGO_SIDE as f32 / width.max(height) as f32);
    let (w, h) = (((width as f32) * scale).ceil() as u32, ((height as f32) * scale).ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| bad("the SVG has no area"))?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(|e| ReportError::render("logo", e))?;
    Ok(Logo { format: LogoFormat::Svg, bytes: bytes.to_vec(), png, width, height })
}

/// A drawing's SVG (made here, its text in the shipped fonts) as a PNG `long_side` pixels on its
/// long side: the picture, its width and its height.
pub fn svg_png(svg: &str, long_side: u32) -> Result<(Vec<u8>, u32, u32), ReportError> {
    let mut options = usvg::Options::default();
    for font in fonts::ALL {
        options.fontdb_mut().load_font_data(font.to_vec());
    }
    let failed = |e: String| ReportError::render("figure", e);
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| failed(e.to_string()))?;
    let size = tree.size();
    let scale = long_side as f32 / size.width().max(size.height()).max(1.0);
    let (w, h) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| failed("no area".into()))?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(|e| failed(e.to_string()))?;
    Ok((png, w.max(1), h.max(1)))
}
