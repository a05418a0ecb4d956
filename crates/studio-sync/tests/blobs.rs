//! The blob client against small HTTP servers on loopback that behave as a hub would, or as
//! a broken one: a download cut off resumes where it stopped, bytes that do not hash to their
//! name are thrown away, a refusal is told in the hub's words.

use std::sync::{Arc, Mutex};

use studio_sync::{BlobClient, SyncError, blob_hash};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How the little server answers.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// As a hub: the blob, or its tail from the range asked.
    Honest,
    /// Sends half of what it should, then hangs up.
    CutOff,
    /// Sends other bytes than the blob's.
    Corrupt,
    /// Refuses, with a reason.
    Refuse,
}

struct Server {
    url: String,
    /// The `Range` header of each request seen (empty when none).
    ranges: Arc<Mutex<Vec<String>>>,
    mode: Arc<Mutex<Mode>>,
}

async fn serve(blob: Vec<u8>, mode: Mode) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/sync/v1", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let mode = Arc::new(Mutex::new(mode));
    let (seen, how) = (ranges.clone(), mode.clone());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).await.unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).to_lowercase();
            let range = head.lines().find_map(|l| l.strip_prefix("range: ")).unwrap_or("").trim().to_string();
            seen.lock().unwrap().push(range.clone());
            let start: usize =
                range.strip_prefix("bytes=").and_then(|r| r.trim_end_matches('-').parse().ok()).unwrap_or(0);
            let mode = *how.lock().unwrap();
            let mut body = blob[start..].to_vec();
            let status = match (mode, start) {
                (Mode::Refuse, _) => {
                    body = br#"{"code":"forbidden","message":"you were removed from this project"}"#.to_vec();
                    "403 Forbidden".to_string()
                }
                (_, 0) => "200 OK".to_string(),
                _ => "206 Partial Content".to_string(),
            };
            if mode == Mode::Corrupt {
                body.iter_mut().for_each(|b| *b = b.wrapping_add(1));
            }
            let mut answer = format!(
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nx-studio-kind: population\r\nconnection: close\r\n",
                body.len()
            );
            if start > 0 {
                answer.push_str(&format!("content-range: bytes {start}-{}/{}\r\n", blob.len() - 1, blob.len()));
            }
            answer.push_str("\r\n");
            let _ = socket.write_all(answer.as_bytes()).await;
            let sent = if mode == Mode::CutOff { body.len() / 2 } else { body.len() };
            let _ = socket.write_all(&body[..sent]).await;
            let _ = socket.shutdown().await;
        }
    });
    Server { url, ranges, mode }
}

fn client(url: &str) -> BlobClient {
    BlobClient::new(url, None, Arc::new(|| "peer=test".to_string())).unwrap()
}

/// A blob, a server answering for it as `mode` says, and where its partial download goes.
struct Setup {
    blob: Vec<u8>,
    hash: String,
    server: Server,
    partial: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn setup(mode: Mode) -> Setup {
    let blob: Vec<u8> = (0..200_000u32).flat_map(|i| (i * 7919).to_le_bytes()).collect();
    let hash = blob_hash(&blob);
    let server = serve(blob.clone(), mode).await;
    let dir = tempfile::tempdir().unwrap();
    let partial = dir.path().join("partial").join(format!("{hash}.part"));
    Setup { blob, hash, server, partial, _dir: dir }
}

#[tokio::test]
async fn a_download_cut_off_resumes_where_it_stopped_and_is_verified() {
    let Setup { blob, hash, server, partial, _dir } = setup(Mode::CutOff).await;
    let client = client(&server.url);

    let cut = client.fetch(&hash, &partial, 1 << 30).await.unwrap_err();
    assert!(matches!(cut, SyncError::Network(_)), "{cut}");
    let kept = std::fs::metadata(&partial).unwrap().len();
    assert!(kept > 0 && kept <= blob.len() as u64 / 2, "what arrived is kept: {kept} bytes");

    *server.mode.lock().unwrap() = Mode::Honest;
    let fetched = client.fetch(&hash, &partial, 1 << 30).await.unwrap();
    assert_eq!(fetched.bytes, blob);
    assert_eq!(fetched.kind, "population");
    assert_eq!(fetched.transferred, blob.len() as u64 - kept, "only the rest came again");
    assert_eq!(server.ranges.lock().unwrap().as_slice(), ["".to_string(), format!("bytes={kept}-")]);
    assert!(!partial.exists(), "the partial file goes once the blob is whole");
}

#[tokio::test]
async fn bytes_that_do_not_hash_to_their_name_are_thrown_away() {
    let Setup { hash, server, partial, _dir, .. } = setup(Mode::Corrupt).await;
    let refused = client(&server.url).fetch(&hash, &partial, 1 << 30).await.unwrap_err();
    assert!(refused.to_string().contains("not to its name"), "{refused}");
    assert!(!partial.exists(), "nothing of it is kept");
}

#[tokio::test]
async fn a_blob_larger_than_allowed_is_not_downloaded() {
    let Setup { hash, server, partial, _dir, .. } = setup(Mode::Honest).await;
    let refused = client(&server.url).fetch(&hash, &partial, 1000).await.unwrap_err();
    assert!(refused.to_string().contains("more than the 1000"), "{refused}");
    assert!(!partial.exists());
}

#[tokio::test]
async fn a_refusal_is_told_in_the_hubs_words_and_bad_names_never_leave() {
    let Setup { hash, server, partial, _dir, .. } = setup(Mode::Refuse).await;
    let client = client(&server.url);
    let refused = client.fetch(&hash, &partial, 1 << 30).await.unwrap_err();
    assert_eq!(refused.to_string(), "you were removed from this project");
    let bad = client.fetch("../../etc/passwd", &partial, 1 << 30).await.unwrap_err();
    assert!(bad.to_string().contains("is not a blob hash"), "{bad}");
    assert_eq!(server.ranges.lock().unwrap().len(), 1, "a bad name is not asked for");
    let unreachable = BlobClient::new("ws://127.0.0.1:9/sync/v1", None, Arc::new(String::new)).unwrap();
    let down = unreachable.has(&hash).await.unwrap_err();
    assert!(matches!(down, SyncError::Network(_)), "{down}");
}
