//! A population header written by the previous version reads with today's reader: the
//! fixture is the head (magic, length, JSON header) of the bundled example's stored population
//! — its digest is the one `examples/heat-pumps/digests.json` pins.

use studio_engine::population::{PopulationHeader, header};

const STORED: &[u8] = include_bytes!("fixtures/population-header-format1.bin");

#[test]
fn a_header_written_by_the_previous_version_reads() {
    let (head, end) = header(STORED).expect("the stored header reads");
    assert_eq!(end, STORED.len());
    assert_eq!(head.format, 1);
    assert_eq!(head.digest, "0ecae742e733389483d03e0ef5cbcc0f9f466ea91c2fa44f450a3ad741a8bbf0");
    assert_eq!(head.network.nodes, 100_000);
    assert!(!head.archetypes.is_empty() && !head.fit.is_empty());
}

#[test]
fn a_header_of_another_format_is_refused_by_name() {
    let json = &STORED[12..];
    let mut head: PopulationHeader = serde_json::from_slice(json).unwrap();
    head.format = 2;
    let json = serde_json::to_vec(&head).unwrap();
    let mut bytes = STORED[..8].to_vec();
    bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&json);
    let error = header(&bytes).unwrap_err().to_string();
    assert!(error.contains("format 2"), "{error}");
}
