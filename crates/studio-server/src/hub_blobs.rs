//! The hub's blob routes: `GET`/`HEAD /sync/v1/blobs/HASH` serves a blob of a shared project
//! (with `Range: bytes=N-`, so an interrupted download resumes), `PUT` takes one an editor made.
//! Who asks is said in the query string, as for a sync connection.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use studio_core::sync::Hello;
use studio_core::{MAX_BLOB_BYTES, Studio};

use crate::ApiError;

fn hello_of(params: &HashMap<String, String>) -> Result<Hello, ApiError> {
    Hello::from_params(params).map_err(|e| ApiError::new("invalid_request", e.to_string()))
}

pub(crate) async fn get_blob(
    State(studio): State<Arc<Studio>>,
    Path(hash): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let blob = match async { studio.sharing.blob_for(&hello_of(&params)?, &hash).await.map_err(ApiError) }.await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let total = blob.bytes.len();
    let start = headers.get(header::RANGE).and_then(|r| r.to_str().ok()).and_then(range_start);
    let mut out = HeaderMap::new();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{hash}\"")) {
        out.insert(header::ETAG, etag);
    }
    if let Ok(kind) = HeaderValue::from_str(&blob.kind) {
        out.insert("x-studio-kind", kind);
    }
    match start {
        Some(start) if start >= total => {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{total}")) {
                out.insert(header::CONTENT_RANGE, v);
            }
            (StatusCode::RANGE_NOT_SATISFIABLE, out).into_response()
        }
        Some(start) => {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{total}", total - 1)) {
                out.insert(header::CONTENT_RANGE, v);
            }
            let mut bytes = blob.bytes;
            bytes.drain(..start);
            (StatusCode::PARTIAL_CONTENT, out, bytes).into_response()
        }
        None => (StatusCode::OK, out, blob.bytes).into_response(),
    }
}

/// The start of `bytes=N-` (or `bytes=N-M`, served to the end): the only range a peer asks for.
fn range_start(range: &str) -> Option<usize> {
    let spec = range.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    spec.split_once('-')?.0.trim().parse().ok()
}

/// Who sends, and whether the project names the blob, is settled before the body is read: no
/// one else's bytes are held in memory.
pub(crate) async fn put_blob(
    State(studio): State<Arc<Studio>>,
    Path(hash): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    body: Body,
) -> Response {
    let kind = params.get("kind").cloned().unwrap_or_default();
    let taken = async {
        let ticket = studio.sharing.admit_blob(&hello_of(&params)?, &hash, &kind).await.map_err(ApiError)?;
        let limit = usize::try_from(MAX_BLOB_BYTES).unwrap_or(usize::MAX);
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
            ApiError::new("payload_too_large", format!("the blob could not be read (at most {limit} bytes): {e}"))
        })?;
        studio.sharing.take_blob(&ticket, &bytes).await.map_err(ApiError)
    };
    match taken.await {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::range_start;

    #[test]
    fn ranges_a_peer_asks_for() {
        assert_eq!(range_start("bytes=100-"), Some(100));
        assert_eq!(range_start("bytes=0-99"), Some(0));
        assert_eq!(range_start("bytes=1-2,5-6"), None);
        assert_eq!(range_start("items=1-"), None);
        assert_eq!(range_start("bytes=-500"), None);
    }
}
