//! The hub's TLS: a self-signed certificate made on first use and kept beside the user's
//! settings, and a client that trusts exactly the certificate an invite names by its SHA-256
//! fingerprint (no certificate authority is involved: the invite is the trust).

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::SyncError;

const CERT_FILE: &str = "hub-cert.der";
const KEY_FILE: &str = "hub-key.der";

/// The hub's certificate and key.
#[derive(Clone)]
pub struct HubCertificate {
    cert: CertificateDer<'static>,
    key: Arc<PrivatePkcs8KeyDer<'static>>,
}

impl std::fmt::Debug for HubCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubCertificate").field("fingerprint", &self.fingerprint()).finish()
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl HubCertificate {
    /// The certificate kept in `dir`, made there on first use.
    pub fn load_or_create(dir: &Path) -> Result<Self, SyncError> {
        let (cert_path, key_path) = (dir.join(CERT_FILE), dir.join(KEY_FILE));
        if cert_path.exists() && key_path.exists() {
            let cert = std::fs::read(&cert_path).map_err(|e| SyncError::file(&cert_path, e))?;
            let key = std::fs::read(&key_path).map_err(|e| SyncError::file(&key_path, e))?;
            return Ok(HubCertificate {
                cert: CertificateDer::from(cert),
                key: Arc::new(PrivatePkcs8KeyDer::from(key)),
            });
        }
        let made = rcgen::generate_simple_self_signed(vec!["studio-hub".to_string()])
            .map_err(|e| SyncError::invalid(format!("the hub's certificate could not be made: {e}")))?;
        let cert = made.cert.der().to_vec();
        let key = made.signing_key.serialize_der();
        std::fs::create_dir_all(dir).map_err(|e| SyncError::file(dir, e))?;
        crate::identity::write_private(&key_path, &key).map_err(|e| SyncError::file(&key_path, e))?;
        std::fs::write(&cert_path, &cert).map_err(|e| SyncError::file(&cert_path, e))?;
        Ok(HubCertificate { cert: CertificateDer::from(cert), key: Arc::new(PrivatePkcs8KeyDer::from(key)) })
    }

    /// SHA-256 of the certificate, lower-case hex: what an invite pins.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.cert)
    }

    /// The server side of TLS, for the hub's listener.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, SyncError> {
        let key = PrivateKeyDer::Pkcs8(self.key.as_ref().clone_key());
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| SyncError::invalid(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![self.cert.clone()], key)
            .map_err(|e| SyncError::invalid(format!("the hub's certificate is not usable: {e}")))?;
        Ok(Arc::new(config))
    }
}

fn fingerprint_of(cert: &CertificateDer<'_>) -> String {
    crate::blobs::blob_hash(cert.as_ref())
}

/// A client that trusts only the certificate whose fingerprint is `fingerprint`.
pub fn pinned_client(fingerprint: &str) -> Result<Arc<rustls::ClientConfig>, SyncError> {
    let verifier = Arc::new(Pinned { fingerprint: fingerprint.to_ascii_lowercase(), provider: provider() });
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::invalid(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint_of(end_entity);
        if seen == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "the hub's certificate ({seen}) is not the one the invite names ({})",
                self.fingerprint
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_made_once_and_keeps_its_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let made = HubCertificate::load_or_create(dir.path()).unwrap();
        let read = HubCertificate::load_or_create(dir.path()).unwrap();
        assert_eq!(made.fingerprint(), read.fingerprint());
        assert_eq!(made.fingerprint().len(), 64);
        made.server_config().unwrap();
        pinned_client(&made.fingerprint()).unwrap();
    }
}
