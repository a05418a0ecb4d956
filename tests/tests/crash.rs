//! Kill -9 at random moments, 50 times: after each kill the library passes
//! `PRAGMA integrity_check` and, once the crashed session's edits are recovered, holds every
//! edit the child had acknowledged.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use studio_core::model::ProjectLoad;
use studio_core::{Studio, StudioConfig};

const KILLS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_acknowledged_is_lost_when_killed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.db");
    let project = studio_tests::library_with_project(&db, "crash-child", "Crash").await;
    let seed = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    eprintln!("crash test seed {seed} (set CRASH_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut acknowledged = Vec::new();
    let mut recovered_runs = 0;
    for run in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash-child"))
            .args([db.to_str().unwrap(), &project, &run.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| l.strip_prefix("ack ")?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_millis(rng.random_range(20..400)));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(status.code().is_none(), "run {run}: the child exited by itself ({status}) instead of being killed");
        let acked = reader.join().unwrap();
        acknowledged.extend(acked.iter().map(|i| (run, *i)));

        let studio = Studio::open(StudioConfig::new(db.clone())).await.unwrap();
        assert_eq!(studio.store().integrity_check().await.unwrap(), "ok", "run {run}");
        if let Some(offer) = studio.recovery_offer(&project).await.unwrap() {
            assert!(!offer.edits.is_empty());
            studio.recover(&project, "tester").await.unwrap();
            recovered_runs += 1;
        }
        let load = ProjectLoad { project_id: project.clone(), user_id: "tester".into(), version: None };
        let state = studio.get_project(&load).await.unwrap();
        let overrides = &state.workbench_states.data.overrides;
        for (r, i) in &acknowledged {
            let field = format!("r{r}_{i}");
            let found = overrides.iter().find(|o| o.field == field);
            assert!(
                found.is_some_and(|o| o.value == serde_json::json!(i)),
                "run {run}: acknowledged edit {field} lost"
            );
        }
        assert!(studio.recovery_offer(&project).await.unwrap().is_none(), "run {run}: recovery left edits behind");
        studio.close().await.unwrap();
    }
    eprintln!(
        "{} acknowledged edits over {KILLS} kills; {recovered_runs} kills left edits to recover",
        acknowledged.len()
    );
    assert!(acknowledged.len() > KILLS, "the child acknowledged too little to test anything");
}
