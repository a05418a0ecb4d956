//! The blobs of shared projects: imported files and derived artifacts (the data package, the
//! population, calibrations, ensembles, the report's logo, generated reports and what they
//! were made from), stored by the SHA-256 of their bytes. The document names them by hash only; the bytes go between a peer and its hub:
//!
//! - the hub serves a blob to whoever may read the project it is linked to, and takes one from
//!   an editor when the project's document names it (nothing else: a hub is no free disk);
//! - a joined peer, whenever the document changes or the hub comes back, fetches the blobs it
//!   lacks (resuming an interrupted download, keeping only bytes that hash to their name) and
//!   sends the hub those it made and the hub lacks. A blob no one sent yet is made again here
//!   when it is needed, and checked against the hash the document holds.

use std::collections::BTreeSet;

use studio_model::{ProjectContent, Workbench};
use studio_sync::{Access, Hello, SyncError, blob_hash, is_blob_hash};

use crate::blob_book::BlobExchange;
use crate::error::{CoreError, Result};
use crate::sharing::{Sharing, lock, sync_error};

/// The largest blob a peer fetches or a hub takes.
pub const MAX_BLOB_BYTES: u64 = 1 << 30;

/// The kinds of blob a document may name.
const KINDS: [&str; 8] =
    ["source_file", "data_package", "population", "calibration", "ensemble", "logo", "report", "report_input"];

/// A blob a hub has agreed to take, before its bytes are read.
#[derive(Debug, Clone, PartialEq)]
pub struct BlobTicket {
    project_id: String,
    hash: String,
    kind: String,
}

/// A blob as the hub serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct Blob {
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// The blobs a project's document names.
pub(crate) fn referenced(content: &ProjectContent) -> BTreeSet<String> {
    let mut hashes = BTreeSet::new();
    for (_, config) in crate::source_config::sources(content) {
        if let Ok(config) = config
            && config.linked == Some(false)
            && let Some(sha) = config.sha256
        {
            hashes.insert(sha);
        }
    }
    for stage in [Workbench::Data, Workbench::Population, Workbench::Simulation, Workbench::Report] {
        hashes.extend(content.stage(stage).artifact_id);
    }
    for scenario in content.scenarios.values() {
        hashes.extend(scenario.ensemble_id.clone());
    }
    for run in content.runs.values() {
        hashes.extend(run.ensemble_id.clone());
    }
    for report in content.report.values() {
        hashes.extend(report.branding.as_ref().and_then(|b| b.logo_id.clone()));
    }
    hashes.retain(|h| is_blob_hash(h));
    hashes
}

fn check_hash(hash: &str) -> Result<()> {
    if is_blob_hash(hash) {
        Ok(())
    } else {
        Err(CoreError::invalid(format!("'{hash}' is not a blob hash: 64 lowercase hex digits")))
    }
}

impl Sharing {
    /// The blobs a project names: those its document names (`direct`), then those they name
    /// (what a shared report was made from), in that order: a hub takes a blob only once
    /// something names it.
    async fn named(&self, direct: BTreeSet<String>) -> Result<Vec<String>> {
        let mut all: Vec<String> = direct.iter().cloned().collect();
        for hash in &direct {
            if self.store.artifact_kind(hash).await?.as_deref() == Some("report") {
                let record = self.store.artifact(hash).await?.content;
                for inner in crate::reports::report_blobs(&record) {
                    if !all.contains(&inner) {
                        all.push(inner);
                    }
                }
            }
        }
        Ok(all)
    }

    /// The hub's side of `GET /sync/v1/blobs/HASH`: the blob, for a connection that may read
    /// the project it is linked to.
    pub async fn blob_for(&self, hello: &Hello, hash: &str) -> Result<Blob> {
        check_hash(hash)?;
        let admission = self.admit(hello).await?;
        if !self.store.project_has_artifact(&admission.project_id, hash).await? {
            return Err(CoreError::new("not_found", format!("this hub has no blob {hash} in that project")));
        }
        let row = self.store.artifact(hash).await?;
        Ok(Blob { kind: row.kind, bytes: row.content })
    }

    /// The hub's side of `PUT /sync/v1/blobs/HASH`, before its body is read: the connection
    /// may write the project, the kind is one a document names, and the project's document
    /// names the blob. Nothing is read from anyone else.
    pub async fn admit_blob(&self, hello: &Hello, hash: &str, kind: &str) -> Result<BlobTicket> {
        check_hash(hash)?;
        let admission = self.admit(hello).await?;
        if admission.access != Access::Write {
            return Err(CoreError::new("forbidden", "a viewer cannot send blobs to the hub"));
        }
        if !KINDS.contains(&kind) {
            return Err(CoreError::invalid(format!("'{kind}' is not a kind of blob: one of {}", KINDS.join(", "))));
        }
        let direct = {
            let open = self.project(&admission.project_id).await?;
            referenced(open.doc.content())
        };
        if !self.named(direct).await?.iter().any(|h| h == hash) {
            return Err(CoreError::new(
                "conflict",
                format!("the project's document does not name blob {hash} (yet): send it after the change naming it"),
            ));
        }
        Ok(BlobTicket { project_id: admission.project_id, hash: hash.to_string(), kind: kind.to_string() })
    }

    /// Keeps a blob let in by [`Sharing::admit_blob`] when its bytes hash to its name.
    pub async fn take_blob(&self, ticket: &BlobTicket, bytes: &[u8]) -> Result<()> {
        if bytes.len() as u64 > MAX_BLOB_BYTES {
            return Err(CoreError::new("payload_too_large", format!("a blob is at most {MAX_BLOB_BYTES} bytes")));
        }
        let seen = blob_hash(bytes);
        if seen != ticket.hash {
            return Err(CoreError::invalid(format!(
                "these {} bytes hash to {seen}, not to {}",
                bytes.len(),
                ticket.hash
            )));
        }
        self.store.put_artifact(&ticket.project_id, &ticket.kind, bytes).await?;
        if ticket.kind == "report" {
            crate::reports::keep_shared_report(&self.store, &ticket.project_id, bytes).await?;
        }
        Ok(())
    }

    /// Exchanges blobs with the hub of a joined project soon, in the background; requests made
    /// while one runs are folded into one more run after it.
    pub(crate) fn exchange_blobs_soon(&self, project_id: &str) {
        {
            let mut running = lock(&self.blob_book.runs);
            if let Some(again) = running.get_mut(project_id) {
                *again = true;
                return;
            }
            running.insert(project_id.to_string(), false);
        }
        let (me, pid) = (self.me.clone(), project_id.to_string());
        tokio::spawn(async move {
            loop {
                let Some(sharing) = me.upgrade() else { break };
                match sharing.exchange_blobs(&pid).await {
                    Ok(done) => lock(&sharing.blob_book.last).entry(pid.clone()).or_default().add(done),
                    Err(e) => tracing::debug!(project_id = pid, "blobs not exchanged with the hub: {}", e.message),
                }
                let mut running = lock(&sharing.blob_book.runs);
                if running.get(&pid) == Some(&true) {
                    running.insert(pid.clone(), false);
                } else {
                    running.remove(&pid);
                    break;
                }
            }
        });
    }

    /// Fetches from the hub the blobs a joined project's document names and this library
    /// lacks, and sends the hub those it lacks.
    pub async fn exchange_blobs(&self, project_id: &str) -> Result<BlobExchange> {
        let share = self
            .store
            .share(project_id)
            .await?
            .filter(|s| s.side == "peer")
            .ok_or_else(|| CoreError::invalid("blobs are exchanged with the hub of a joined project only"))?;
        let mut direct = {
            let open = self.project(project_id).await?;
            referenced(open.doc.content())
        };
        // Those known to be on the hub were taken care of (and what they name with them): most
        // changes name nothing new, and cost no reading of the library nor a connection.
        {
            let on_hub = lock(&self.blob_book.on_hub);
            direct.retain(|h| !on_hub.contains(&format!("{project_id}/{h}")));
        }
        if direct.is_empty() {
            return Ok(BlobExchange::default());
        }
        let client = self.blob_client(&share).await?;
        let mut queue: std::collections::VecDeque<String> = self.named(direct).await?.into();
        let mut seen: std::collections::HashSet<String> = queue.iter().cloned().collect();
        let partial_dir = self.config.db_path.parent().map(|p| p.join("partial-blobs")).unwrap_or_default();
        let mut done = BlobExchange::default();
        // Known to be on the hub once the whole run went through: a report whose inputs failed
        // to come is looked at again next time.
        let mut settled = Vec::new();
        while let Some(hash) = queue.pop_front() {
            let key = format!("{project_id}/{hash}");
            if lock(&self.blob_book.on_hub).contains(&key) {
                continue;
            }
            match self.store.artifact_kind(&hash).await? {
                Some(kind) => {
                    if !client.has(&hash).await.map_err(sync_error)? {
                        let bytes = self.store.artifact(&hash).await?.content;
                        client.put(&hash, &kind, bytes).await.map_err(sync_error)?;
                        done.sent.push(hash.clone());
                    }
                    // Linked here too, should it have come with another project.
                    self.store.link_artifact(project_id, &hash).await?;
                }
                None => {
                    let partial = partial_dir.join(format!("{hash}.part"));
                    match client.fetch(&hash, &partial, MAX_BLOB_BYTES).await {
                        Ok(fetched) => {
                            self.store.put_artifact(project_id, &fetched.kind, &fetched.bytes).await?;
                            if fetched.kind == "report" {
                                // A report a peer generated: it is ours to open, and what it
                                // was made from comes next.
                                crate::reports::keep_shared_report(&self.store, project_id, &fetched.bytes).await?;
                                for inner in crate::reports::report_blobs(&fetched.bytes) {
                                    if seen.insert(inner.clone()) {
                                        queue.push_back(inner);
                                    }
                                }
                            }
                            done.fetched.push(hash.clone());
                        }
                        Err(SyncError::Missing(_)) => {
                            done.missing.push(hash);
                            continue;
                        }
                        Err(e) => return Err(sync_error(e)),
                    }
                }
            }
            settled.push(key);
        }
        lock(&self.blob_book.on_hub).extend(settled);
        Ok(done)
    }

    /// How the last exchange of a joined project's blobs went.
    pub(crate) fn blob_exchange(&self, project_id: &str) -> Option<BlobExchange> {
        lock(&self.blob_book.last).get(project_id).cloned()
    }
}
