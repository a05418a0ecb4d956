//! `studio bench sync --peers N`: how long an edit at one peer takes to be seen at every other
//! peer, through a real hub (`studio serve --share`, a child process) on loopback; the hub's
//! memory per connected peer; and, with `--project-mb`, how long a new peer takes to get a
//! project that large.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use futures::StreamExt;
use serde_json::{Value, json};
use studio_core::sync::probe::{has_change, write_probe};
use studio_core::sync::{Access, DialerHandle, DocHandle, Hello, HubDialer, Invite, Refused, SyncPeer, hub_peer_id};

use crate::output::Printer;

/// What one run measured.
struct Measured {
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    rounds: usize,
    hub_rss_per_peer_kb: f64,
    first_sync_ms: f64,
    /// The hub's CPU time per edit, ms.
    hub_cpu_per_edit_ms: f64,
}

struct Hub {
    child: Child,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn studio(home: &Path) -> Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.env("STUDIO_HOME", home).env("STUDIO_LOG", "error").env_remove("STUDIO_DB").env_remove("STUDIO_USER");
    Ok(command)
}

fn json_of(home: &Path, args: &[&str]) -> Result<Value> {
    let out = studio(home)?.args(args).arg("--json").output()?;
    if !out.status.success() {
        return Err(anyhow!("studio {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// The CPU time a process has used (user + system), in ms.
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// The resident memory of a process, in kB.
fn rss_kb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A peer of the bench: a samod peer joined as the invite's guest, holding the project's document.
struct Peer {
    peer: SyncPeer,
    doc: DocHandle,
    dialing: DialerHandle<Refused>,
}

async fn join(i: usize, url: &str, token: &str, invite: &Invite) -> Result<Peer> {
    let peer = SyncPeer::start(&format!("bench-peer-{i}-{}", std::process::id())).await;
    let doc: studio_core::sync::DocumentId = invite.doc_id.parse().map_err(|e| anyhow!("doc id: {e:?}"))?;
    let hub = hub_peer_id(&invite.issuer_key);
    peer.gate().admit(&hub, &doc, Access::Write);
    let hello = Hello { peer: peer.peer_id().to_string(), invite: Some(token.to_string()), ..Default::default() };
    let query = hello.to_query();
    let dialer = HubDialer::new(url, None, hub, std::sync::Arc::new(move || query.clone()))?;
    let dialing = peer.dial(dialer)?;
    tokio::time::timeout(Duration::from_secs(30), dialing.established())
        .await
        .context("the hub did not answer in 30 s")?
        .map_err(|e| anyhow!("the hub refused: {e}"))?;
    let handle = tokio::time::timeout(Duration::from_secs(120), peer.fetch(&doc))
        .await
        .context("the project did not arrive in 120 s")??
        .ok_or_else(|| anyhow!("the hub does not have the project"))?;
    Ok(Peer { peer, doc: handle, dialing })
}

async fn measure(peers: usize, rounds: usize, project_mb: u64) -> Result<Measured> {
    let dir = tempfile::tempdir()?;
    let home = dir.path();
    let project = json_of(home, &["project", "new", "--name", "Sync bench"])?["project_id"]
        .as_str()
        .ok_or_else(|| anyhow!("no project id"))?
        .to_string();
    if project_mb > 0 {
        // One custom table holding `project_mb` MB (10^6 bytes) of text: the document's size, and
        // 10 MB stays under the 10 MiB a version's snapshot may hold.
        let rows: Vec<Value> =
            (0..project_mb).map(|i| json!([format!("{i}:{}", "x".repeat(1_000_000 - 16))])).collect();
        let payload = json!({"source_name": "bulk", "configuration": {"type": "table", "columns": [{"name": "text"}], "rows": rows}});
        let file = home.join("bulk.json");
        std::fs::write(&file, serde_json::to_vec(&payload)?)?;
        json_of(
            home,
            &["action", &project, "data", "add_custom_source", "--payload", &format!("@{}", file.display())],
        )?;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = studio(home)?
        .args(["serve", "--json", "--port", "0", "--share", "--listen", &listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?);
    let mut said = String::new();
    let started: Value = loop {
        if lines.read_line(&mut said)? == 0 {
            return Err(anyhow!("the hub did not start: {said}"));
        }
        if let Ok(v) = serde_json::from_str(&said) {
            break v;
        }
    };
    let hub = Hub { child };
    let url = started["hub"].as_str().ok_or_else(|| anyhow!("the hub has no sync address"))?.to_string();
    let token = json_of(home, &["share", &project, "--role", "editor", "--expires", "1d"])?["token"]
        .as_str()
        .ok_or_else(|| anyhow!("no invite"))?
        .to_string();
    let invite = Invite::parse(&token)?;

    let started_at = Instant::now();
    let first = join(0, &url, &token, &invite).await?;
    let first_sync_ms = started_at.elapsed().as_secs_f64() * 1000.0;
    let rss_before = rss_kb(hub.child.id()).unwrap_or(0.0);
    let mut all = vec![first];
    for i in 1..peers {
        all.push(join(i, &url, &token, &invite).await?);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after = rss_kb(hub.child.id()).unwrap_or(0.0);
    let hub_rss_per_peer_kb = if peers > 1 { (rss_after - rss_before) / (peers - 1) as f64 } else { 0.0 };

    let cpu_before = cpu_ms(hub.child.id()).unwrap_or(0.0);
    let mut samples = Vec::with_capacity(rounds);
    if peers >= 2 {
        for round in 0..rounds {
            let writer = round % peers;
            // Everyone else listens before the edit is made, so no change goes unseen.
            let watchers: Vec<_> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != writer)
                .map(|(_, p)| (p.doc.clone(), p.doc.changes()))
                .collect();
            let t0 = Instant::now();
            let hash =
                write_probe(&all[writer].doc, "overrides", &format!("bench-{round}"), &format!("{{\"v\":{round}}}"))
                    .ok_or_else(|| anyhow!("the probe could not be written"))?;
            let waits = watchers.into_iter().map(|(handle, changes)| async move {
                let mut changes = std::pin::pin!(changes);
                while !has_change(&handle, &hash) {
                    if changes.next().await.is_none() {
                        return Err(anyhow!("a peer stopped"));
                    }
                }
                Ok::<_, anyhow::Error>(t0.elapsed())
            });
            let seen = tokio::time::timeout(Duration::from_secs(30), futures::future::try_join_all(waits))
                .await
                .context("an edit was not seen everywhere in 30 s")??;
            let slowest = seen.into_iter().max().unwrap_or_default();
            samples.push(slowest.as_secs_f64() * 1000.0);
        }
    }
    let hub_cpu = cpu_ms(hub.child.id()).unwrap_or(0.0) - cpu_before;
    for p in &all {
        // The dialer first, or the peer redials the hub while it stops.
        p.dialing.close();
        p.peer.stop().await;
    }
    drop(hub);
    samples.sort_by(|a, b| a.total_cmp(b));
    Ok(Measured {
        p50_ms: percentile(&samples, 50.0),
        p99_ms: percentile(&samples, 99.0),
        max_ms: samples.last().copied().unwrap_or(0.0),
        rounds: samples.len(),
        hub_rss_per_peer_kb,
        first_sync_ms,
        hub_cpu_per_edit_ms: if samples.is_empty() { 0.0 } else { hub_cpu / samples.len() as f64 },
    })
}

pub async fn sync(peers: usize, rounds: usize, project_mb: u64, out: &Printer) -> Result<()> {
    if peers == 0 || peers > 200 {
        return Err(anyhow!("--peers is between 1 and 200"));
    }
    let m = measure(peers, rounds, project_mb).await?;
    let value = json!({
        "peers": peers,
        "rounds": m.rounds,
        "project_mb": project_mb,
        "edit_visible_everywhere_ms": {"p50": m.p50_ms, "p99": m.p99_ms, "max": m.max_ms},
        "hub_rss_per_peer_kb": m.hub_rss_per_peer_kb,
        "first_peer_sync_ms": m.first_sync_ms,
        "hub_cpu_per_edit_ms": m.hub_cpu_per_edit_ms,
    });
    out.emit(&value, || {
        format!(
            "{peers} peers, {} edits: seen at every other peer in p50 {:.2} ms, p99 {:.2} ms (max {:.2} ms)\nhub memory per peer: {:.0} kB, hub CPU per edit: {:.2} ms\na new peer got the project ({project_mb} MB) in {:.0} ms",
            m.rounds,
            m.p50_ms,
            m.p99_ms,
            m.max_ms,
            m.hub_rss_per_peer_kb,
            m.hub_cpu_per_edit_ms,
            m.first_sync_ms
        )
    })
}
