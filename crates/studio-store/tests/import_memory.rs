//! A large `.studio` file is checked and imported page by page, not read into memory whole
//! (a 1 GB file once took 1.06 GB resident). A test binary of its own, so that no other test
//! moves this process's peak memory while it is measured.
#![cfg(target_os = "linux")]

mod common;

use common::{first_version, row};
use studio_store::{ExportOptions, Store};

const ARTIFACTS: usize = 24;
const ARTIFACT_BYTES: usize = 10 << 20;

/// A field of /proc/self/status, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_large_studio_file_is_imported_without_reading_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("large.studio");
    {
        let a = Store::open(&dir.path().join("a.db")).await.unwrap();
        a.create_project(&row("p1"), &first_version("p1")).await.unwrap();
        for i in 0..ARTIFACTS {
            let mut bytes = vec![(i % 251) as u8; ARTIFACT_BYTES];
            bytes[..8].copy_from_slice(&(i as u64).to_le_bytes());
            a.put_artifact("p1", "population", &bytes).await.unwrap();
        }
        a.export_project("p1", &file, ExportOptions { with_artifacts: true }).await.unwrap();
        a.close().await;
    }
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(size > (ARTIFACTS * ARTIFACT_BYTES) as u64, "the file holds every artifact ({size} bytes)");

    let b = Store::open(&dir.path().join("b.db")).await.unwrap();
    // Resets the peak ("VmHWM") to what is resident now.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = status_kib("VmRSS:");
    assert_eq!(b.import_project(&file, "fresh").await.unwrap(), "p1");
    let grew_mib = (status_kib("VmHWM:").saturating_sub(before)) >> 10;
    assert_eq!(b.project_artifacts("p1").await.unwrap().len(), ARTIFACTS);
    let whole_mib = size >> 20;
    assert!(
        grew_mib < whole_mib / 3,
        "importing a {whole_mib} MiB file grew resident memory by {grew_mib} MiB: it was read whole"
    );
}
