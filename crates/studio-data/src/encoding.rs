//! Text encodings of data files: UTF-8, UTF-8 with a byte-order mark, and Latin-1 (ISO 8859-1),
//! told apart from the first bytes; a file with NUL bytes or mostly control characters is not
//! text at all.

use std::io::{self, Read};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Latin1,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The encoding of a sample from the start of a file, or `None` when it is not text.
pub fn detect(sample: &[u8]) -> Option<Encoding> {
    if sample.contains(&0) {
        return None;
    }
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    if controls * 20 > sample.len().max(1) {
        return None;
    }
    if sample.starts_with(BOM) {
        return Some(Encoding::Utf8Bom);
    }
    match std::str::from_utf8(sample) {
        Ok(_) => Some(Encoding::Utf8),
        // A sample cut in the middle of a character is still UTF-8.
        Err(e) if e.error_len().is_none() => Some(Encoding::Utf8),
        Err(_) => Some(Encoding::Latin1),
    }
}

/// Reads a file as UTF-8 whatever its encoding: skips a BOM, transcodes Latin-1.
pub struct Utf8Reader<R> {
    inner: R,
    encoding: Encoding,
    bom_skipped: bool,
    pending: Vec<u8>,
}

impl<R: Read> Utf8Reader<R> {
    pub fn new(inner: R, encoding: Encoding) -> Self {
        Utf8Reader { inner, encoding, bom_skipped: false, pending: Vec::new() }
    }

    pub fn inner(&self) -> &R {
        &self.inner
    }

    pub fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.encoding == Encoding::Utf8Bom && !self.bom_skipped {
            let mut bom = [0u8; 3];
            self.inner.read_exact(&mut bom)?;
            self.bom_skipped = true;
        }
        if self.encoding != Encoding::Latin1 {
            return self.inner.read(buf);
        }
        if self.pending.is_empty() {
            // Each Latin-1 byte is one character, at most two UTF-8 bytes.
            let mut raw = vec![0u8; buf.len().div_ceil(2).max(1)];
            let n = self.inner.read(&mut raw)?;
            for &b in &raw[..n] {
                let mut utf8 = [0u8; 2];
                self.pending.extend_from_slice(char::from(b).encode_utf8(&mut utf8).as_bytes());
            }
        }
        let n = self.pending.len().min(buf.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_apart() {
        assert_eq!(detect(b"a,b\n1,2\n"), Some(Encoding::Utf8));
        assert_eq!(detect("\u{feff}a,b\n".as_bytes()), Some(Encoding::Utf8Bom));
        assert_eq!(detect(b"name\nS\xe3o Paulo\n"), Some(Encoding::Latin1));
        assert_eq!(detect("caf\u{e9}".as_bytes()[..4].as_ref()), Some(Encoding::Utf8), "cut mid-character");
        assert_eq!(detect(b"\x00\x01\x02binary"), None);
        assert_eq!(detect(&[0x01u8, 0x02, 0x03, 0x04, 0x05, b'a']), None);
    }

    #[test]
    fn latin1_and_bom_read_as_utf8() {
        let mut out = String::new();
        Utf8Reader::new(&b"S\xe3o Paulo"[..], Encoding::Latin1).read_to_string(&mut out).unwrap();
        assert_eq!(out, "São Paulo");
        let mut out = String::new();
        Utf8Reader::new("\u{feff}x".as_bytes(), Encoding::Utf8Bom).read_to_string(&mut out).unwrap();
        assert_eq!(out, "x");
    }
}
