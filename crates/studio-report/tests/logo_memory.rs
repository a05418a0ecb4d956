//! A 16,384 × 16,384 PNG logo (a gigabyte as pixels) is read, verified and scaled down in
//! bounded memory: the process's peak resident memory (Linux's `VmHWM`, reset just before)
//! stays a few megabytes above where it was. A test binary of its own, so no other test
//! allocates meanwhile. (A counting allocator would need `unsafe`, which the workspace forbids.)

use studio_report::{LogoFormat, raster};

/// A line of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`: the resident set now and its peak).
fn status(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux's /proc");
    let line = status.lines().find(|l| l.starts_with(field)).expect("the field");
    line.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).expect("kB") * 1024
}

const SIDE: u32 = 16_384;

fn crc32(bytes: &[u8]) -> u32 {
    let step = |c: u32, _| if c & 1 == 1 { (c >> 1) ^ 0xedb8_8320 } else { c >> 1 };
    !bytes.iter().fold(!0u32, |c, b| (0..8).fold(c ^ u32::from(*b), step))
}

/// The test image, written row by row so the test itself never holds it: dark blue, with an
/// orange band across its top eighth. One colour a row compresses to about a megabyte.
fn huge_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let band: Vec<u8> = [0xd9, 0x77, 0x06].repeat(SIDE as usize);
        let body: Vec<u8> = [0x1f, 0x3a, 0x5f].repeat(SIDE as usize);
        for y in 0..SIDE {
            std::io::Write::write_all(&mut stream, if y < SIDE / 8 { &band } else { &body }).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

#[test]
fn a_16384_pixel_square_png_is_scaled_down_in_a_few_megabytes() {
    let file = huge_png();
    assert!(file.len() < 8 << 20, "the test PNG is small on disk: {} bytes", file.len());
    // Writing 5 to clear_refs resets the peak to the resident set now (Linux 4.0 and later).
    std::fs::write("/proc/self/clear_refs", "5").expect("the peak resident set can be reset");
    let before = status("VmRSS:");
    let logo = raster::prepare_logo(&file).expect("a large PNG is scaled, not refused");
    let growth = status("VmHWM:").saturating_sub(before);
    assert_eq!((logo.format, logo.width, logo.height), (LogoFormat::Png, 1024, 1024));
    eprintln!("peak growth while preparing a {SIDE}² PNG: {:.1} MB", growth as f64 / f64::from(1 << 20));
    assert!(growth < 64 << 20, "preparing the logo took {} MB more at its peak", growth >> 20);

    // What it shows: the band on top, the blue below.
    let decoder = png::Decoder::new(std::io::Cursor::new(&logo.png));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut pixels).unwrap();
    let at = |x: usize, y: usize| pixels[(y * 1024 + x) * 4..(y * 1024 + x) * 4 + 4].to_vec();
    assert_eq!(at(500, 10), [0xd9, 0x77, 0x06, 0xff]);
    assert_eq!(at(500, 900), [0x1f, 0x3a, 0x5f, 0xff]);

    // Larger than 16,384 × 16,384 is refused before a pixel is read.
    let mut larger = file.clone();
    larger[16..20].copy_from_slice(&(SIDE + 1).to_be_bytes());
    let crc = crc32(&larger[12..29]);
    larger[29..33].copy_from_slice(&crc.to_be_bytes());
    let err = raster::prepare_logo(&larger).unwrap_err().to_string();
    assert!(err.contains("larger than a logo may be"), "{err}");
}
