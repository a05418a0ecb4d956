//! A user's identity: an ed25519 keypair kept in a file beside the user's settings, made on
//! first use. Public keys and signatures travel as unpadded base64url text.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::SyncError;

const FORMAT: &str = "studio-identity/1";

/// The user's keypair.
#[derive(Clone)]
pub struct Keypair {
    signing: SigningKey,
}

/// The key file's content.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    secret_key: String,
    public_key: String,
}

impl std::fmt::Debug for Keypair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret never reaches a log.
        f.debug_struct("Keypair").field("public_key", &self.public_key()).finish()
    }
}

impl Keypair {
    /// A new random keypair.
    pub fn generate() -> Self {
        Keypair { signing: SigningKey::from_bytes(&rand::random::<[u8; 32]>()) }
    }

    /// The keypair kept at `path`, made and written there (readable by the user only) when
    /// there is none yet.
    pub fn load_or_create(path: &Path) -> Result<Self, SyncError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|e| SyncError::file(path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let keypair = Keypair::generate();
                keypair.write(path)?;
                Ok(keypair)
            }
            Err(e) => Err(SyncError::file(path, e)),
        }
    }

    fn parse(text: &str) -> Result<Self, String> {
        let file: KeyFile = serde_json::from_str(text).map_err(|e| format!("not a Studio key file: {e}"))?;
        if file.format != FORMAT {
            return Err(format!("key file format '{}' is not {FORMAT}", file.format));
        }
        let secret = decode_fixed::<32>(&file.secret_key, "secret_key").map_err(|e| e.to_string())?;
        let keypair = Keypair { signing: SigningKey::from_bytes(&secret) };
        if keypair.public_key() != file.public_key {
            return Err("its public key does not belong to its secret key".into());
        }
        Ok(keypair)
    }

    fn write(&self, path: &Path) -> Result<(), SyncError> {
        let file = KeyFile {
            format: FORMAT.into(),
            secret_key: B64.encode(self.signing.to_bytes()),
            public_key: self.public_key(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| SyncError::file(path, e))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SyncError::file(dir, e))?;
        }
        // Written whole under another name, then renamed: a crash leaves the old key or the new.
        let partial = path.with_extension("partial");
        write_private(&partial, text.as_bytes()).map_err(|e| SyncError::file(&partial, e))?;
        std::fs::rename(&partial, path).map_err(|e| SyncError::file(path, e))
    }

    /// The public key, as base64url text.
    pub fn public_key(&self) -> String {
        B64.encode(self.signing.verifying_key().as_bytes())
    }

    /// Signs `message`; the signature as base64url text.
    pub fn sign(&self, message: &[u8]) -> String {
        B64.encode(self.signing.sign(message).to_bytes())
    }
}

/// Checks that `signature` is `public_key`'s over `message`.
pub fn verify(public_key: &str, message: &[u8], signature: &str) -> Result<(), SyncError> {
    let key = decode_fixed::<32>(public_key, "public key")?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| SyncError::invalid("the public key is not a valid key"))?;
    let signature = Signature::from_bytes(&decode_fixed::<64>(signature, "signature")?);
    key.verify_strict(message, &signature).map_err(|_| SyncError::refused("the signature does not match"))
}

fn decode_fixed<const N: usize>(text: &str, what: &str) -> Result<[u8; N], SyncError> {
    let bytes = B64.decode(text.trim()).map_err(|_| SyncError::invalid(format!("the {what} is not base64url text")))?;
    bytes.try_into().map_err(|b: Vec<u8>| SyncError::invalid(format!("the {what} has {} bytes, not {N}", b.len())))
}

#[cfg(unix)]
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.key");
        let made = Keypair::load_or_create(&path).unwrap();
        let read = Keypair::load_or_create(&path).unwrap();
        assert_eq!(made.public_key(), read.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key file is the user's alone: {mode:o}");
        }
    }

    #[test]
    fn signatures_verify_and_forgeries_do_not() {
        let (alice, bob) = (Keypair::generate(), Keypair::generate());
        let sig = alice.sign(b"hello");
        verify(&alice.public_key(), b"hello", &sig).unwrap();
        assert!(verify(&alice.public_key(), b"hello!", &sig).is_err());
        assert!(verify(&bob.public_key(), b"hello", &sig).is_err());
        let err = verify("not a key", b"hello", &sig).unwrap_err().to_string();
        assert!(err.contains("public key"), "{err}");
    }

    #[test]
    fn a_damaged_key_file_is_named_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.key");
        std::fs::write(&path, "{ nonsense").unwrap();
        let err = Keypair::load_or_create(&path).unwrap_err().to_string();
        assert!(err.contains("identity.key") && err.contains("not a Studio key file"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ nonsense");
    }
}
