//! Logos prepared once for every format (`raster::prepare_logo`): a PNG decoded in full and its
//! checksums verified, a large one scaled down to 1024 pixels on its long side — and that
//! scaled PNG is what the PDF, the deck, the document and the page embed; an SVG rasterised,
//! never reading a file it names.

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use studio_report::{LogoFormat, ReportError, docx, html, pdf, pptx, raster, sample};

/// The colour of pixel (`x`, `y`) of a `width` × `height` test image: white, with a red
/// square in its top left quarter.
fn pixel(x: u32, y: u32, width: u32, height: u32) -> [u8; 3] {
    if x < width / 4 && y < height / 4 { [255, 0, 0] } else { [255, 255, 255] }
}

/// The test image as an RGB PNG, by the png crate's encoder.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            data.extend_from_slice(&pixel(x, y, width, height));
        }
    }
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let step = |c: u32, _| if c & 1 == 1 { (c >> 1) ^ 0xedb8_8320 } else { c >> 1 };
    !bytes.iter().fold(!0u32, |c, b| (0..8).fold(c ^ u32::from(*b), step))
}

/// A PNG chunk: length, kind, data, CRC.
fn chunk_bytes(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let body: Vec<u8> = kind.iter().chain(data).copied().collect();
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// The test image as an Adam7-interlaced RGB PNG, written here (the png crate writes none):
/// each pass's rows unfiltered, in a zlib stream of stored blocks.
fn interlaced_png(width: u32, height: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for (x0, dx, y0, dy) in
        [(0, 8, 0, 8), (4, 8, 0, 8), (0, 4, 4, 8), (2, 4, 0, 4), (0, 2, 2, 4), (1, 2, 0, 2), (0, 1, 1, 2)]
    {
        if x0 >= width || y0 >= height {
            continue;
        }
        for y in (y0..height).step_by(dy as usize) {
            raw.push(0);
            for x in (x0..width).step_by(dx as usize) {
                raw.extend_from_slice(&pixel(x, y, width, height));
            }
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (k, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(k + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (a, b) = raw.iter().fold((1u32, 0u32), |(a, b), x| {
        let a = (a + u32::from(*x)) % 65_521;
        (a, (b + a) % 65_521)
    });
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 1]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk_bytes(b"IHDR", &header));
    out.extend(chunk_bytes(b"IDAT", &zlib));
    out.extend(chunk_bytes(b"IEND", &[]));
    out
}

/// The RGBA pixels of a PNG.
fn rgba(png: &[u8]) -> Vec<u8> {
    let mut decoder = png::Decoder::new(Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut pixels).unwrap();
    pixels
}

/// The width and height a PNG's header gives.
fn size(png: &[u8]) -> (u32, u32) {
    let side = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    (side(16), side(20))
}

/// The offset of the first chunk of `kind` in a PNG.
fn chunk(png: &[u8], kind: &[u8; 4]) -> usize {
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
        if &png[at + 4..at + 8] == kind {
            return at;
        }
        at += 12 + len;
    }
    panic!("no {kind:?} chunk")
}

#[test]
fn a_png_with_a_bad_crc_is_refused_by_name() {
    let mut damaged = png(64, 32);
    let at = chunk(&damaged, b"IDAT");
    let len = u32::from_be_bytes([damaged[at], damaged[at + 1], damaged[at + 2], damaged[at + 3]]) as usize;
    damaged[at + 8 + len] ^= 0x55; // the first byte of IDAT's CRC
    let err = raster::prepare_logo(&damaged).unwrap_err();
    let ReportError::Invalid(message) = &err else { panic!("{err:?}") };
    assert!(message.starts_with("branding.logo_url: the PNG is damaged: CRC"), "{message}");

    // A damaged ancillary chunk too (the png crate would skip it; the file is embedded as is).
    let mut text = png(64, 32);
    let at = chunk(&text, b"IDAT");
    let mut comment = chunk_bytes(b"tEXt", b"Comment\0hello");
    *comment.last_mut().unwrap() ^= 1;
    text.splice(at..at, comment);
    let err = raster::prepare_logo(&text).unwrap_err();
    assert!(matches!(&err, ReportError::Invalid(m) if m.contains("the PNG is damaged: CRC")), "{err}");

    // Cut short: named as such.
    let whole = png(64, 32);
    let err = raster::prepare_logo(&whole[..whole.len() - 20]).unwrap_err();
    assert!(matches!(&err, ReportError::Invalid(m) if m.starts_with("branding.logo_url: the PNG")), "{err}");
}

#[test]
fn a_small_png_is_kept_as_it_is_and_a_large_one_scaled_down() {
    let small = png(120, 40);
    let logo = raster::prepare_logo(&small).unwrap();
    assert_eq!((logo.format, logo.width, logo.height), (LogoFormat::Png, 120, 40));
    assert_eq!(logo.png, small);
    assert_eq!(logo.bytes, small);

    let large = png(3000, 1500);
    let logo = raster::prepare_logo(&large).unwrap();
    assert_eq!((logo.width, logo.height), (1024, 512));
    assert_eq!(size(&logo.png), (1024, 512));
    assert_eq!(logo.bytes, logo.png, "the scaled PNG is the logo, for every format");
    // The red quarter is still red, the rest white; an interlaced PNG comes out the same.
    let interlaced = raster::prepare_logo(&interlaced_png(3000, 1500)).unwrap();
    assert_eq!(interlaced.png, logo.png, "interlaced or not, the same picture");
    let pixels = rgba(&logo.png);
    let at = |x: usize, y: usize| &pixels[(y * 1024 + x) * 4..(y * 1024 + x) * 4 + 4];
    assert_eq!(at(10, 10), [255, 0, 0, 255]);
    assert_eq!(at(255, 127), [255, 0, 0, 255]);
    assert_eq!(at(257, 129), [255, 255, 255, 255]);
    assert_eq!(at(1000, 500), [255, 255, 255, 255]);
    // A small interlaced PNG is read and kept.
    let small = interlaced_png(100, 37);
    assert_eq!(raster::prepare_logo(&small).unwrap().png, small);
}

#[test]
fn every_format_embeds_the_scaled_logo() {
    let logo = raster::prepare_logo(&png(3000, 1500)).unwrap();
    let mut report = sample::sample();
    report.brand.logo = Some(logo.clone());

    let media = |bytes: Vec<u8>, prefix: &str| -> Vec<Vec<u8>> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> =
            zip.file_names().filter(|n| n.starts_with(prefix) && !n.ends_with('/')).map(String::from).collect();
        names
            .iter()
            .map(|n| {
                let mut out = Vec::new();
                zip.by_name(n).unwrap().read_to_end(&mut out).unwrap();
                out
            })
            .collect()
    };
    let deck = media(pptx::pptx(&report).unwrap(), "ppt/media/");
    assert_eq!(deck, std::slice::from_ref(&logo.png), "the deck's one picture is the scaled logo");
    let document = media(docx::docx(&report).unwrap(), "word/media/");
    assert!(document.contains(&logo.png), "the document embeds the scaled logo");
    assert!(document.iter().all(|p| size(p).0 <= 1024));

    let page = html::html(&report).unwrap();
    use base64::Engine;
    let inline = base64::engine::general_purpose::STANDARD.encode(&logo.png);
    assert!(page.contains(&inline), "the page inlines the scaled logo");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logo.pdf");
    std::fs::write(&file, pdf::pdf(&report).unwrap()).unwrap();
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(&file)
        .output()
        .expect("pdfimages runs (Debian package poppler-utils)");
    let list = String::from_utf8_lossy(&out.stdout);
    let images: Vec<(u32, u32)> = list
        .lines()
        .skip(2)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            Some((cols.get(3)?.parse().ok()?, cols.get(4)?.parse().ok()?))
        })
        .collect();
    assert!(!images.is_empty(), "the PDF shows the logo:\n{list}");
    assert!(images.iter().all(|(w, h)| *w == 1024 && *h == 512), "{list}");
}

#[test]
fn an_svg_logo_is_rasterised_and_reads_no_file() {
    let svg = sample::logo().bytes;
    let logo = raster::prepare_logo(&svg).unwrap();
    assert_eq!((logo.format, logo.width, logo.height), (LogoFormat::Svg, 120, 40));
    assert_eq!(size(&logo.png), (240, 80), "twice its size");
    assert_eq!(logo.bytes, svg);

    // An image named by path is not read: the logo stays as if it were not there.
    let dir = tempfile::tempdir().unwrap();
    let red = dir.path().join("red.png");
    std::fs::write(&red, png(40, 40)).unwrap();
    let reference = |href: &Path| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"40\" height=\"40\"><image width=\"40\" height=\"40\" href=\"{0}\" xlink:href=\"{0}\"/></svg>",
            href.display()
        )
    };
    for href in [red.clone(), Path::new(&format!("file://{}", red.display())).to_path_buf()] {
        let logo = raster::prepare_logo(reference(&href).as_bytes()).unwrap();
        assert!(rgba(&logo.png).chunks(4).all(|p| p[3] == 0), "nothing drawn from {}", href.display());
    }
    // A PNG inline (data: URL) is drawn.
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(png(40, 40));
    let inline = reference(Path::new(&format!("data:image/png;base64,{data}")));
    let logo = raster::prepare_logo(inline.as_bytes()).unwrap();
    assert!(rgba(&logo.png).chunks(4).any(|p| p[3] == 255), "an inline image is drawn");
}
