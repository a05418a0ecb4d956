//! Scheduled reports: a due report is generated, rendered as a PDF and mailed through a real
//! SMTP server on loopback (Python's aiosmtpd, storing to a maildir), or written as a
//! ready-to-send `.eml` to the outbox; the mails are read back by Python's email parser.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{Fixture, USER, act, action, fixture_with, project_with_data, run};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use studio_core::model::Workbench;
use studio_core::task_engine::TaskStatus;
use studio_core::{SmtpSettings, Studio};

/// A project with a small baseline run.
async fn simulated(f: Fixture) -> (Arc<Studio>, String, tempfile::TempDir) {
    let (studio, project, dir) = project_with_data(f, 1_000).await;
    let config = json!({"ticks": 20, "replicates": 4, "seed": 3});
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    (studio, project, dir)
}

async fn schedule(studio: &Studio, project: &str, frequency: &str, to: &[&str]) -> Value {
    act(studio, project, Workbench::Report, "schedule", json!({"schedule": {"frequency": frequency, "recipients": to}}))
        .await
}

/// What Python's email parser reads in a mail file.
fn read_mail(path: &Path) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/read_eml.py");
    let out = Command::new("python3").arg(script).arg(path).output().expect("python3 runs");
    assert!(out.status.success(), "read_eml.py: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("read_eml.py prints JSON")
}

fn sha256_of(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("the attached file")))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}

/// A local SMTP server (aiosmtpd) delivering into a maildir, stopped when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip package aiosmtpd; scripts/setup installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "aiosmtpd did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        SmtpServer { child, port, maildir }
    }

    fn messages(&self) -> Vec<PathBuf> {
        files_in(&self.maildir.path().join("mail").join("new"))
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_due_report_is_mailed_through_smtp_once() {
    let smtp = SmtpServer::start();
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let f = fixture_with(|c| c.smtp = Some(SmtpSettings { url, from: "Studio <studio@example.org>".into() })).await;
    let (studio, project, _dir) = simulated(f).await;
    let set = schedule(&studio, &project, "daily", &["ana@example.org", "bo@example.org"]).await;
    assert_eq!(set["frequency"], "daily");

    let status = studio.report_schedule(&project).await.unwrap();
    let next = status.next_run_at.clone().expect("a next time");
    let set_at = chrono::DateTime::parse_from_rfc3339(&status.schedule.as_ref().unwrap().set_at).unwrap();
    assert_eq!(chrono::DateTime::parse_from_rfc3339(&next).unwrap(), set_at + chrono::Duration::days(1));
    assert_eq!(status.delivery, studio_core::DeliveryChannel::Smtp);
    assert!(studio.run_due_reports(Utc::now()).await.unwrap().is_empty(), "nothing is due before a day has passed");

    let due = Utc::now() + chrono::Duration::days(1) + chrono::Duration::minutes(1);
    let started = studio.run_due_reports(due).await.unwrap();
    assert_eq!(started.len(), 1);
    assert!(studio.run_due_reports(due).await.unwrap().is_empty(), "a claimed run is not started twice");
    let done = studio.wait_task(&started[0].id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    let delivery: Value = serde_json::to_value(done.result.unwrap().outputs).unwrap();
    assert_eq!(delivery["status"], "sent", "{delivery}");
    assert_eq!(delivery["reason"], "scheduled");

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "one mail with both recipients");
    let mail = read_mail(&messages[0]);
    assert_eq!(mail["to"], json!(["ana@example.org", "bo@example.org"]));
    assert_eq!(mail["from"], "Studio <studio@example.org>");
    assert!(mail["subject"].as_str().unwrap().starts_with("Heat pumps — report of "), "{mail}");
    assert_eq!(mail["defects"], json!([]));
    let attachment = &mail["attachments"][0];
    assert_eq!(attachment["content_type"], "application/pdf");
    assert_eq!(attachment["head"], "%PDF-");
    let file = PathBuf::from(delivery["file"].as_str().unwrap());
    assert_eq!(attachment["sha256"], sha256_of(&file), "the attachment is the exported PDF");
    assert_eq!(attachment["sha256"], delivery["sha256"]);
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains("daily report of the project \"Heat pumps\""), "{text}");
    assert!(text.contains("ran only 4 replicates"), "the caveats travel with the mail: {text}");

    let status = studio.report_schedule(&project).await.unwrap();
    assert_eq!(status.last_delivery.as_ref().map(|d| d.status), Some(studio_core::DeliveryStatus::Sent));
    let next = chrono::DateTime::parse_from_rfc3339(status.next_run_at.as_deref().unwrap()).unwrap();
    assert_eq!(next, set_at + chrono::Duration::days(2), "the next report keeps the schedule's beat");
}

#[tokio::test]
async fn without_a_mail_server_the_scheduler_writes_the_mail_to_the_outbox() {
    let f = fixture_with(|c| c.schedule_check = Duration::from_millis(50)).await;
    let (studio, project, _dir) = simulated(f).await;
    schedule(&studio, &project, "weekly", &["ana@example.org"]).await;
    let status = studio.report_schedule(&project).await.unwrap();
    assert_eq!(status.delivery, studio_core::DeliveryChannel::Outbox);
    // The schedule was set eight days ago (as if the app had been closed): the running
    // scheduler sends the missed report once.
    let mut old = status.schedule.unwrap();
    old.set_at = (Utc::now() - chrono::Duration::days(9)).to_rfc3339();
    let store = studio.store();
    let now = Utc::now().to_rfc3339();
    store.set_report_schedule(&project, Some(&serde_json::to_string(&old).unwrap()), &now).await.unwrap();
    let seen = store.report_schedule(&project).await.unwrap().unwrap().last_run_at;
    let last_week = (Utc::now() - chrono::Duration::days(8)).to_rfc3339();
    assert!(store.claim_schedule_run(&project, seen.as_deref(), &last_week).await.unwrap(), "it last ran 8 days ago");
    let _loop = studio.spawn_report_schedule();

    let started = Instant::now();
    let eml = loop {
        let found: Vec<PathBuf> =
            files_in(&status.outbox).into_iter().filter(|p| p.extension().is_some_and(|e| e == "eml")).collect();
        if let Some(first) = found.first() {
            break first.clone();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no .eml in {}", status.outbox.display());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mail = read_mail(&eml);
    assert_eq!(mail["unsent"], "1", "a mail program opens it as a draft ready to send");
    assert_eq!(mail["to"], json!(["ana@example.org"]));
    assert_eq!(mail["from"], "FutureOS Studio <studio@localhost>");
    assert_eq!(mail["date"], true);
    assert_eq!(mail["attachments"][0]["head"], "%PDF-");

    let last = loop {
        let status = studio.report_schedule(&project).await.unwrap();
        if let Some(d) = status.last_delivery {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(last.status, studio_core::DeliveryStatus::Outbox);
    assert_eq!(last.eml.as_deref(), Some(eml.as_path()));
    assert!(last.message.contains("no mail server is set"), "{}", last.message);
    assert_eq!(mail["attachments"][0]["sha256"], sha256_of(last.file.as_deref().unwrap()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(files_in(&status.outbox).len(), 1, "the missed week is sent once, not once per tick");
}

#[tokio::test]
async fn a_refusing_mail_server_leaves_the_mail_in_the_outbox() {
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("smtp://127.0.0.1:{port}");
    let f = fixture_with(|c| c.smtp = Some(SmtpSettings { url, from: "studio@example.org".into() })).await;
    let (studio, project, _dir) = simulated(f).await;
    schedule(&studio, &project, "every 2 hours", &["ana@example.org"]).await;
    let task = studio.send_report_now(&project, USER).await.unwrap();
    let done = studio.wait_task(&task.id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    let last = studio.report_schedule(&project).await.unwrap().last_delivery.unwrap();
    assert_eq!((last.status, last.reason), (studio_core::DeliveryStatus::Outbox, studio_core::DeliveryReason::Manual));
    assert!(last.message.contains(&format!("the mail server at smtp://127.0.0.1:{port} refused")), "{}", last.message);
    let mail = read_mail(last.eml.as_deref().unwrap());
    assert_eq!(mail["attachments"][0]["head"], "%PDF-");
}

#[tokio::test]
async fn the_schedule_follows_the_document_and_names_what_is_wrong() {
    let f = common::fixture().await;
    let project = f.project("Heat pumps").await.project_id;
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    let indexed = |s: Arc<Studio>, p: String| async move { s.store().report_schedule(&p).await.unwrap().is_some() };

    let e = studio.send_report_now(&project, USER).await.unwrap_err();
    assert_eq!(e.code, "not_ready");
    assert!(e.message.contains("not scheduled"), "{}", e.message);

    schedule(&studio, &project, "every 30 minutes", &["ana@example.org"]).await;
    let state = studio
        .get_project(&studio_core::model::ProjectLoad {
            project_id: project.clone(),
            user_id: USER.into(),
            version: None,
        })
        .await
        .unwrap();
    assert_eq!(state.workbench_states.report.schedule.as_ref().unwrap().frequency, "every 30 minutes");
    assert!(indexed(studio.clone(), project.clone()).await);
    studio.undo(&project, USER).await.unwrap();
    assert!(!indexed(studio.clone(), project.clone()).await, "undo removes the schedule");
    studio.redo(&project, USER).await.unwrap();
    assert!(indexed(studio.clone(), project.clone()).await, "redo restores it");

    // Two programs claiming the same run: one wins.
    let seen = studio.store().report_schedule(&project).await.unwrap().unwrap().last_run_at;
    let at = Utc::now().to_rfc3339();
    assert!(studio.store().claim_schedule_run(&project, seen.as_deref(), &at).await.unwrap());
    assert!(!studio.store().claim_schedule_run(&project, seen.as_deref(), &at).await.unwrap());

    // Stopped, then the stop undone: the schedule is back, counting from the undo (the
    // reports it would have sent while stopped are not owed).
    schedule(&studio, &project, "off", &[]).await;
    let before_undo = studio_store_now();
    studio.undo(&project, USER).await.unwrap();
    assert!(indexed(studio.clone(), project.clone()).await);
    let row = studio.store().report_schedule(&project).await.unwrap().unwrap();
    assert!(
        row.last_run_at.as_deref().is_some_and(|t| t >= before_undo.as_str()),
        "{:?} < {before_undo}",
        row.last_run_at
    );

    // A project file brought in arrives with its schedule stopped, and its log says so.
    let file = tempfile::tempdir().unwrap();
    let path = file.path().join("heat.studio");
    studio.export_project(&project, &path, false).await.unwrap();
    let imported = studio.import_project(&path, USER).await.unwrap();
    assert!(imported.workbench_states.report.schedule.is_none());
    assert_eq!(imported.modification_log.last().map(|e| e.summary.as_str()), Some("Stopped the scheduled report"));
    let imported = imported.project_id;
    assert!(studio.store().report_schedule(&imported).await.unwrap().is_none());

    // A project with no results: the delivery fails with the reason, recorded.
    let task = studio.send_report_now(&project, USER).await.unwrap();
    let done = studio.wait_task(&task.id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Failed);
    let last = studio.report_schedule(&project).await.unwrap().last_delivery.unwrap();
    assert_eq!(last.status, studio_core::DeliveryStatus::Failed);
    assert!(last.message.contains("no simulation results yet"), "{}", last.message);

    // Copies do not mail the original's recipients.
    let copy = studio.duplicate_project(&project, USER, None).await.unwrap();
    assert!(copy.workbench_states.report.schedule.is_none());
    assert!(studio.report_schedule(&copy.project_id).await.unwrap().schedule.is_none());

    for (payload, expected) in [
        (json!({"frequency": "every 1 minute", "recipients": ["a@example.org"]}), "too often"),
        (json!({"frequency": "daily", "recipients": []}), "at least one address"),
        (json!({"frequency": "daily", "recipients": ["ana"]}), "'ana' is not an email address"),
    ] {
        let e = studio
            .workbench_action(&action(&project, Workbench::Report, "schedule", json!({ "schedule": payload })))
            .await
            .unwrap_err();
        assert!(e.message.contains(expected), "{expected}: {}", e.message);
    }

    schedule(&studio, &project, "off", &[]).await;
    assert!(!indexed(studio.clone(), project.clone()).await);
    assert!(studio.run_due_reports(Utc::now() + chrono::Duration::days(30)).await.unwrap().is_empty());
    let e = studio.report_schedule("no-such-project").await.unwrap_err();
    assert_eq!(e.code, "not_found");
}

/// Now, written as the library writes times (RFC 3339, milliseconds, Z), so they compare as text.
fn studio_store_now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
