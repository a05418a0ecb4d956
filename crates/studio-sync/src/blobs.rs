//! Derived artifacts between a peer and its hub, by the SHA-256 of their bytes: nothing large
//! travels in the document, only the hash. A peer fetches a blob it lacks from the hub
//! (`GET /sync/v1/blobs/HASH`), resuming an interrupted download where it stopped (`Range`),
//! and keeps it only if its bytes hash to the name; it sends the hub one the hub lacks
//! (`PUT`). Each request carries fresh credentials, as a sync connection does, and goes over
//! the same pinned TLS when the hub is `wss://`.

use std::path::Path;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::{Method, Request, Response, StatusCode, body::Incoming};
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

use crate::dial::{Credentials, check_hub_url};
use crate::error::SyncError;
use crate::tls::pinned_client;

/// A blob fetched and verified: its bytes and what it is (`population`, `source_file`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub kind: String,
    /// How many bytes came over the network this time (less than the size when resumed).
    pub transferred: u64,
}

/// Asks one hub for blobs.
pub struct BlobClient {
    base: Url,
    fingerprint: Option<String>,
    credentials: Credentials,
}

/// Whether `text` is a blob's name: 64 lowercase hex digits.
pub fn is_blob_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The SHA-256 of `bytes` in lowercase hex: a blob's name, a certificate's fingerprint.
pub fn blob_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn network(e: impl std::fmt::Display) -> SyncError {
    SyncError::Network(format!("the hub cannot be reached for blobs: {e}"))
}

impl BlobClient {
    /// A client of the hub whose sync address is `hub` (`ws://…/sync/v1` or `wss://…`).
    pub fn new(hub: &str, fingerprint: Option<String>, credentials: Credentials) -> Result<BlobClient, SyncError> {
        let mut base = check_hub_url(hub)?;
        let scheme = if base.scheme() == "wss" { "https" } else { "http" };
        if scheme == "https" && fingerprint.is_none() {
            return Err(SyncError::invalid("a wss:// hub needs the fingerprint of its certificate"));
        }
        base.set_scheme(scheme).map_err(|_| SyncError::invalid(format!("hub '{hub}' has no http form")))?;
        let path = format!("{}/blobs/", base.path().trim_end_matches('/'));
        base.set_path(&path);
        base.set_query(None);
        Ok(BlobClient { base, fingerprint, credentials })
    }

    fn url_of(&self, hash: &str, kind: Option<&str>) -> Result<Url, SyncError> {
        if !is_blob_hash(hash) {
            return Err(SyncError::invalid(format!("'{hash}' is not a blob hash (64 hex digits)")));
        }
        let mut url = self.base.join(hash).map_err(|e| SyncError::invalid(e.to_string()))?;
        let mut query = (self.credentials)();
        if let Some(kind) = kind {
            query.push_str("&kind=");
            query.push_str(&url::form_urlencoded::byte_serialize(kind.as_bytes()).collect::<String>());
        }
        url.set_query(Some(&query));
        Ok(url)
    }

    /// Whether the hub has the blob `hash`.
    pub async fn has(&self, hash: &str) -> Result<bool, SyncError> {
        let response = self.send(Method::HEAD, &self.url_of(hash, None)?, None, Bytes::new()).await?;
        match response.status() {
            StatusCode::OK => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(refusal(response).await),
        }
    }

    /// Fetches the blob `hash`, resuming from the bytes already in `partial` (kept there as
    /// they arrive, so an interrupted fetch loses nothing). Answers the verified bytes; a
    /// download that does not hash to its name is thrown away and named as such. A blob
    /// larger than `max_bytes` is refused before it is downloaded.
    pub async fn fetch(&self, hash: &str, partial: &Path, max_bytes: u64) -> Result<Fetched, SyncError> {
        let url = self.url_of(hash, None)?;
        let have = tokio::fs::metadata(partial).await.map(|m| m.len()).unwrap_or(0);
        let range = (have > 0).then(|| format!("bytes={have}-"));
        let response = self.send(Method::GET, &url, range.as_deref(), Bytes::new()).await?;
        let status = response.status();
        let resumed = match status {
            StatusCode::PARTIAL_CONTENT => true,
            StatusCode::OK => false,
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // What we hold is not a beginning of this blob: start again.
                let _ = tokio::fs::remove_file(partial).await;
                return Box::pin(self.fetch(hash, partial, max_bytes)).await;
            }
            StatusCode::NOT_FOUND => return Err(SyncError::Missing(format!("the hub does not have blob {hash}"))),
            _ => return Err(refusal(response).await),
        };
        let kind = header(&response, "x-studio-kind").unwrap_or_else(|| "blob".into());
        let total = if resumed {
            header(&response, "content-range").and_then(|r| r.rsplit('/').next()?.parse::<u64>().ok())
        } else {
            header(&response, "content-length").and_then(|l| l.parse::<u64>().ok())
        };
        if let Some(total) = total.filter(|t| *t > max_bytes) {
            return Err(SyncError::invalid(format!("blob {hash} is {total} bytes, more than the {max_bytes} allowed")));
        }
        if let Some(dir) = partial.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(|e| SyncError::file(dir, e))?;
        }
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(partial)
            .await
            .map_err(|e| SyncError::file(partial, e))?;
        let mut body = response.into_body();
        let mut transferred = 0u64;
        while let Some(frame) = body.frame().await {
            let frame = match frame {
                Ok(frame) => frame,
                Err(e) => {
                    // What arrived is on disk before we say so: the next fetch resumes after it.
                    let _ = file.flush().await;
                    return Err(network(e));
                }
            };
            if let Some(data) = frame.data_ref() {
                transferred += data.len() as u64;
                if (if resumed { have } else { 0 }) + transferred > max_bytes {
                    drop(file);
                    let _ = tokio::fs::remove_file(partial).await;
                    return Err(SyncError::invalid(format!("blob {hash} is more than the {max_bytes} bytes allowed")));
                }
                file.write_all(data).await.map_err(|e| SyncError::file(partial, e))?;
            }
        }
        file.flush().await.map_err(|e| SyncError::file(partial, e))?;
        drop(file);
        let bytes = tokio::fs::read(partial).await.map_err(|e| SyncError::file(partial, e))?;
        let _ = tokio::fs::remove_file(partial).await;
        let seen = blob_hash(&bytes);
        if seen != hash {
            return Err(SyncError::invalid(format!(
                "blob {hash} was refused: its {} bytes hash to {seen}, not to its name",
                bytes.len()
            )));
        }
        Ok(Fetched { bytes, kind, transferred })
    }

    /// Sends the hub the blob `hash` (of kind `kind`), which it lacks.
    pub async fn put(&self, hash: &str, kind: &str, bytes: Vec<u8>) -> Result<(), SyncError> {
        let response = self.send(Method::PUT, &self.url_of(hash, Some(kind))?, None, Bytes::from(bytes)).await?;
        match response.status() {
            s if s.is_success() => Ok(()),
            _ => Err(refusal(response).await),
        }
    }

    async fn send(
        &self,
        method: Method,
        url: &Url,
        range: Option<&str>,
        body: Bytes,
    ) -> Result<Response<Incoming>, SyncError> {
        let host = url.host_str().ok_or_else(|| SyncError::invalid("a hub address without a host"))?.to_string();
        let port = url.port_or_known_default().unwrap_or(80);
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let mut request = Request::builder()
            .method(method)
            .uri(target)
            .header(hyper::header::HOST, format!("{host}:{port}"))
            .header(hyper::header::CONTENT_LENGTH, body.len());
        if let Some(range) = range {
            request = request.header(hyper::header::RANGE, range);
        }
        let request = request.body(Full::new(body)).map_err(|e| SyncError::invalid(e.to_string()))?;
        let tcp = TcpStream::connect((host.trim_matches(['[', ']']), port)).await.map_err(network)?;
        let _ = tcp.set_nodelay(true);
        match (&self.fingerprint, url.scheme()) {
            (Some(fingerprint), "https") => {
                let connector = tokio_rustls::TlsConnector::from(pinned_client(fingerprint)?);
                let name = rustls::pki_types::ServerName::try_from(host.trim_matches(['[', ']']).to_string())
                    .map_err(|e| SyncError::invalid(format!("hub host '{host}': {e}")))?;
                let tls = connector
                    .connect(name, tcp)
                    .await
                    .map_err(|e| SyncError::Network(format!("the hub's TLS failed: {e}")))?;
                exchange(tls, request).await
            }
            _ => exchange(tcp, request).await,
        }
    }
}

async fn exchange<S>(io: S, request: Request<Full<Bytes>>) -> Result<Response<Incoming>, SyncError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = http1::handshake(TokioIo::new(io)).await.map_err(network)?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender.send_request(request).await.map_err(network)
}

fn header(response: &Response<Incoming>, name: &str) -> Option<String> {
    response.headers().get(name)?.to_str().ok().map(str::to_string)
}

/// A hub's refusal, in its words (the `message` of its JSON answer).
async fn refusal(response: Response<Incoming>) -> SyncError {
    let status = response.status();
    let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("the hub answered {status}"));
    SyncError::refused(message)
}
