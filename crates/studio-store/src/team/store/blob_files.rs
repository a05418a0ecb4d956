//! Artifacts' bytes in a directory the team server's instances share: `dir/ab/abcdef…`, named
//! by their SHA-256, written whole before they are named (a temporary file, then a rename), and
//! checked against their name when read back.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

fn path_of(dir: &Path, hash: &str) -> Result<PathBuf> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::Corrupt(format!("'{hash}' is not an artifact's SHA-256")));
    }
    Ok(dir.join(&hash[..2]).join(hash))
}

pub(super) fn write(dir: &Path, hash: &str, content: &[u8]) -> Result<()> {
    let path = path_of(dir, hash)?;
    if hex::encode(Sha256::digest(content)) != hash {
        return Err(StoreError::Corrupt(format!("artifact {hash}'s bytes do not match its name")));
    }
    if path.exists() {
        return Ok(());
    }
    let folder = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(folder).map_err(|e| StoreError::io(folder, e))?;
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(|e| StoreError::io(folder, e))?;
    std::io::Write::write_all(&mut file, content).map_err(|e| StoreError::io(&path, e))?;
    file.as_file().sync_all().map_err(|e| StoreError::io(&path, e))?;
    file.persist(&path).map_err(|e| StoreError::io(&path, e.error))?;
    Ok(())
}

pub(super) fn read(dir: Option<&Path>, hash: &str) -> Result<Vec<u8>> {
    let Some(dir) = dir else {
        return Err(StoreError::Unavailable(format!(
            "artifact {hash} is kept in the instances' shared directory, and this instance has none: \\
             set blob_dir as the other instances have it"
        )));
    };
    let path = path_of(dir, hash)?;
    let bytes = std::fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
    if hex::encode(Sha256::digest(&bytes)) != hash {
        return Err(StoreError::Corrupt(format!("{} does not hold the artifact it is named for", path.display())));
    }
    Ok(bytes)
}

/// Removes an artifact's file (nothing when it is not there).
pub(super) fn remove(dir: &Path, hash: &str) {
    if let Ok(path) = path_of(dir, hash) {
        let _ = std::fs::remove_file(path);
    }
}
