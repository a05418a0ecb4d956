//! Text encodings of data files: UTF-8, UTF-8 with a byte-order mark, and Latin-1 (ISO 8859-1),
//! told apart from the first bytes; a file with NUL bytes or mostly control characters is not
//! text at all. First bytes that are UTF-8 do not settle it: the first accent may come later,
//! so such a file is read as UTF-8 with any byte that is not UTF-8 read as Latin-1.

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

/// How bytes become UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decode {
    /// Given as they are.
    Utf8,
    /// Valid UTF-8 as it is, and each byte that is not part of a valid sequence as the Latin-1
    /// character it is: for a file whose first 64 KiB were UTF-8 (often plain ASCII) and whose
    /// first accent comes later, whether it is UTF-8 or Latin-1.
    Utf8OrLatin1,
    /// Every byte as the Latin-1 character it is.
    Latin1,
}

/// Bytes read from the inner reader at a time when decoding.
const CHUNK: usize = 64 * 1024;

/// Reads a file as UTF-8 whatever its encoding: skips a BOM, transcodes Latin-1.
pub struct Utf8Reader<R> {
    inner: R,
    decode: Decode,
    /// Whether the first bytes, if they are a BOM, are still to be dropped.
    bom_pending: bool,
    /// Bytes read and not yet decoded: a BOM's look-ahead, or the start of a UTF-8 sequence
    /// cut by the end of a read (at most 3 bytes).
    raw: Vec<u8>,
    /// Decoded bytes not yet given, from `given`.
    out: Vec<u8>,
    given: usize,
    /// Bytes read as Latin-1 by `Utf8OrLatin1`.
    latin1_bytes: u64,
}

impl<R: Read> Utf8Reader<R> {
    /// Reads `inner` in the given encoding.
    pub fn new(inner: R, encoding: Encoding) -> Self {
        let decode = match encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => Decode::Utf8,
            Encoding::Latin1 => Decode::Latin1,
        };
        Self::with(inner, decode, encoding == Encoding::Utf8Bom)
    }

    /// Reads `inner` as UTF-8, with every byte that is not part of a valid UTF-8 sequence read as
    /// Latin-1 ([`Self::read_latin1`] says whether any was).
    pub fn utf8_or_latin1(inner: R) -> Self {
        Self::with(inner, Decode::Utf8OrLatin1, false)
    }

    fn with(inner: R, decode: Decode, bom_pending: bool) -> Self {
        Utf8Reader { inner, decode, bom_pending, raw: Vec::new(), out: Vec::new(), given: 0, latin1_bytes: 0 }
    }

    pub fn inner(&self) -> &R {
        &self.inner
    }

    pub fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Whether some byte was read as Latin-1, not being part of a valid UTF-8 sequence.
    pub fn read_latin1(&self) -> bool {
        self.latin1_bytes > 0
    }

    /// Drops a BOM at the start; bytes that are not one are kept (a file said to have a BOM
    /// that has none loses nothing).
    fn skip_bom(&mut self) -> io::Result<()> {
        self.bom_pending = false;
        let mut head = [0u8; 3];
        let mut n = 0;
        while n < head.len() {
            match self.inner.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if head[..n] != *BOM {
            self.raw.extend_from_slice(&head[..n]);
        }
        Ok(())
    }

    /// Fills `out` with the next decoded bytes; leaves it empty only at the end of the input.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.given = 0;
        while self.out.is_empty() {
            let kept = self.raw.len();
            self.raw.resize(kept + CHUNK, 0);
            let n = match self.inner.read(&mut self.raw[kept..]) {
                Ok(n) => n,
                Err(e) => {
                    self.raw.truncate(kept);
                    return Err(e);
                }
            };
            self.raw.truncate(kept + n);
            let at_end = n == 0;
            let used = match self.decode {
                Decode::Utf8 => {
                    self.out.extend_from_slice(&self.raw);
                    self.raw.len()
                }
                Decode::Latin1 => {
                    self.raw.iter().for_each(|&b| push_latin1(b, &mut self.out));
                    self.raw.len()
                }
                Decode::Utf8OrLatin1 => utf8_or_latin1(&self.raw, at_end, &mut self.out, &mut self.latin1_bytes),
            };
            self.raw.drain(..used);
            if at_end {
                break;
            }
        }
        Ok(())
    }
}

fn push_latin1(byte: u8, out: &mut Vec<u8>) {
    let mut utf8 = [0u8; 2];
    out.extend_from_slice(char::from(byte).encode_utf8(&mut utf8).as_bytes());
}

/// Decodes `bytes` into `out`: valid UTF-8 as it is, each other byte as Latin-1 (counted in
/// `latin1`). A sequence cut by the end of `bytes` is left for the next call, unless `at_end`
/// (a file cut in the middle of a character: its bytes are Latin-1). Returns the bytes used.
fn utf8_or_latin1(bytes: &[u8], at_end: bool, out: &mut Vec<u8>, latin1: &mut u64) -> usize {
    let mut at = 0;
    while let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.extend_from_slice(valid.as_bytes());
                return bytes.len();
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.extend_from_slice(valid);
                at += valid.len();
                if e.error_len().is_none() && !at_end {
                    break;
                }
                // Only the first byte: the next may start a valid sequence.
                if let Some(&byte) = after.first() {
                    push_latin1(byte, out);
                    *latin1 += 1;
                    at += 1;
                }
            }
        }
    }
    at
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.bom_pending {
            self.skip_bom()?;
        }
        if self.decode == Decode::Utf8 && self.raw.is_empty() && self.given == self.out.len() {
            // Nothing held back: straight through, with no copy.
            return self.inner.read(buf);
        }
        if self.given == self.out.len() {
            self.refill()?;
        }
        let n = (self.out.len() - self.given).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.given..self.given + n]);
        self.given += n;
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

    /// Reads `bytes` with reads of at most `sizes[i]` bytes in turn, into buffers of `out` bytes.
    fn decoded(bytes: &[u8], sizes: &[usize], out: usize) -> (Vec<u8>, bool) {
        struct Trickle<'a> {
            bytes: &'a [u8],
            sizes: Vec<usize>,
            reads: usize,
        }
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let size = self.sizes[self.reads % self.sizes.len()];
                self.reads += 1;
                let n = size.min(buf.len()).min(self.bytes.len());
                buf[..n].copy_from_slice(&self.bytes[..n]);
                self.bytes = &self.bytes[n..];
                Ok(n)
            }
        }
        let mut reader = Utf8Reader::utf8_or_latin1(Trickle { bytes, sizes: sizes.to_vec(), reads: 0 });
        let (mut all, mut buf) = (Vec::new(), vec![0u8; out]);
        loop {
            match reader.read(&mut buf).unwrap() {
                0 => return (all, reader.read_latin1()),
                n => all.extend_from_slice(&buf[..n]),
            }
        }
    }

    /// What the decoding must give: valid UTF-8 as it is, each other byte as Latin-1 —
    /// written with the standard library's own split of valid and invalid runs.
    fn expected(bytes: &[u8]) -> String {
        let mut text = String::new();
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            text.extend(chunk.invalid().iter().map(|&b| char::from(b)));
        }
        text
    }

    #[test]
    fn utf8_passes_through_and_other_bytes_read_as_latin1_across_read_boundaries() {
        // "é" in UTF-8 cut between two reads of one byte: still one character.
        assert_eq!(decoded("caf\u{e9}!".as_bytes(), &[1], 1), ("caf\u{e9}!".as_bytes().to_vec(), false));
        assert_eq!(decoded("\u{1F600}".as_bytes(), &[3, 1], 2), ("\u{1F600}".as_bytes().to_vec(), false));
        // A Latin-1 "é" just before a read boundary, then ASCII after it.
        assert_eq!(decoded(b"caf\xe9,1", &[4], 8), ("caf\u{e9},1".as_bytes().to_vec(), true));
        // A cut sequence at the end of the file: its bytes are Latin-1.
        assert_eq!(decoded(b"ab\xc3", &[2], 8), ("ab\u{c3}".as_bytes().to_vec(), true));
        assert_eq!(decoded(b"ab\xf0\x9f\x98", &[1], 8), ("ab\u{f0}\u{9f}\u{98}".as_bytes().to_vec(), true));
        // The start of a 4-byte sequence cut short by an ASCII byte.
        assert_eq!(decoded(b"\xf0\x90\x80A", &[64], 3), ("\u{f0}\u{90}\u{80}A".as_bytes().to_vec(), true));
        assert_eq!(decoded(b"", &[1], 1), (Vec::new(), false));
    }

    #[test]
    fn a_bom_said_but_absent_loses_nothing() {
        for text in ["ab", "a", ""] {
            let mut out = String::new();
            Utf8Reader::new(text.as_bytes(), Encoding::Utf8Bom).read_to_string(&mut out).unwrap();
            assert_eq!(out, text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_in_any_reads_decode_the_same(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            sizes in proptest::collection::vec(1usize..9, 1..5),
            out in 1usize..9,
        ) {
            let (all, latin1) = decoded(&bytes, &sizes, out);
            proptest::prop_assert_eq!(String::from_utf8(all).unwrap(), expected(&bytes));
            proptest::prop_assert_eq!(latin1, std::str::from_utf8(&bytes).is_err());
        }

        #[test]
        fn utf8_reads_as_it_is(text in "\\PC{0,100}", sizes in proptest::collection::vec(1usize..9, 1..5)) {
            proptest::prop_assert_eq!(decoded(text.as_bytes(), &sizes, 7), (text.into_bytes(), false));
        }
    }
}
