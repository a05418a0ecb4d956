//! The stored form of a population: a magic line, the header as JSON (spec, archetypes, fit,
//! network summary, digest) readable on its own, then the agents' columns compressed. The
//! network is not stored: it is rebuilt from the spec and seed, and the digest proves it same.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::population::{Population, PopulationHeader, Synthesis};
use crate::{ENGINE_VERSION, EngineError};

const MAGIC: &[u8; 8] = b"FOSPOP1\n";
const FORMAT: u32 = 1;

pub fn encode(synthesis: &Synthesis) -> Vec<u8> {
    let p = &synthesis.population;
    let header = PopulationHeader {
        format: FORMAT,
        engine_version: ENGINE_VERSION.into(),
        spec: p.spec.clone(),
        dimensions: p.dimensions.clone(),
        archetypes: p.archetypes.clone(),
        fit: p.fit.clone(),
        convergence: p.convergence,
        cells: p.cells,
        network: synthesis.summary.clone(),
        digest: synthesis.digest.clone(),
    };
    let json = serde_json::to_vec(&header).unwrap_or_default();
    let mut out = Vec::with_capacity(json.len() + p.bytes() / 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    let mut gz = GzEncoder::new(out, Compression::fast());
    for column in p.attributes.iter().chain(std::iter::once(&p.archetype)) {
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(column);
    }
    gz.finish().unwrap_or_default()
}

/// Reads the header alone: cheap, whatever the population's size.
pub fn header(bytes: &[u8]) -> Result<(PopulationHeader, usize), EngineError> {
    let bad = |why: &str| EngineError::Artifact(why.to_string());
    if bytes.len() < 12 || &bytes[..8] != MAGIC {
        return Err(bad("it is not a stored population"));
    }
    let len = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    let json = bytes.get(12..12 + len).ok_or_else(|| bad("it is cut short"))?;
    let header: PopulationHeader = serde_json::from_slice(json).map_err(|e| EngineError::Artifact(e.to_string()))?;
    if header.format != FORMAT {
        return Err(bad(&format!("format {} is not the format {FORMAT} this version reads", header.format)));
    }
    Ok((header, 12 + len))
}

pub fn decode(bytes: &[u8]) -> Result<(PopulationHeader, Population), EngineError> {
    let (header, start) = header(bytes)?;
    let n = header.network.nodes as usize;
    let mut columns = Vec::with_capacity(n * (header.dimensions.len() + 1));
    GzDecoder::new(&bytes[start..])
        .read_to_end(&mut columns)
        .map_err(|e| EngineError::Artifact(format!("the agents' columns: {e}")))?;
    if columns.len() != n * (header.dimensions.len() + 1) {
        return Err(EngineError::Artifact(format!(
            "{} bytes of agents where {} were expected",
            columns.len(),
            n * (header.dimensions.len() + 1)
        )));
    }
    let mut chunks: Vec<Vec<u8>> = columns.chunks(n.max(1)).map(<[u8]>::to_vec).collect();
    chunks.resize(header.dimensions.len() + 1, Vec::new());
    let archetype = chunks.pop().unwrap_or_default();
    let population = Population {
        spec: header.spec.clone(),
        dimensions: header.dimensions.clone(),
        attributes: chunks,
        archetype,
        archetypes: header.archetypes.clone(),
        fit: header.fit.clone(),
        convergence: header.convergence,
        cells: header.cells,
    };
    Ok((header, population))
}
