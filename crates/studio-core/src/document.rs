//! The project document: the user-authored content as an Automerge document.
//!
//! Layout: the root map holds one map per content section; each holds records as JSON text
//! under their key. Every applied action is one Automerge change whose message is a
//! [`ChangeMessage`]: the modification-log entry plus the record edits, which is all undo and
//! redo need. The log shown to the user is read back from these messages.

use std::collections::BTreeMap;

use automerge::{
    AutoCommit, ChangeHash, ObjType, ROOT, ReadDoc, Value,
    transaction::{CommitOptions, Transactable},
};
use serde::{Deserialize, Serialize};
use studio_model::{Conflict, ConflictValue, DocTree, Edit, LogEntry, ProjectContent, Section};

use crate::error::CoreError;

/// Version of the change-message format.
const MESSAGE_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    #[default]
    Action,
    Undo,
    Redo,
    /// A computed result recorded (a data package, a population): not on anyone's undo stack,
    /// so it never stands between the analyst and the edits before it.
    Computed,
    /// A version saved (of a shared project): it edits nothing, and tells peers to keep the
    /// document as it stood before it as that version too.
    Saved,
}

/// What every change of the document says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeMessage {
    pub v: u32,
    pub entry: LogEntry,
    #[serde(default)]
    pub kind: ChangeKind,
    /// For undo and redo: the hash of the change they act on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The undoable records this change set or removed; their values are in the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub touched: Vec<RecordKey>,
    /// For a saved version: its number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// One record's place in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordKey {
    pub section: Section,
    pub key: String,
}

impl ChangeMessage {
    pub fn new(entry: LogEntry, kind: ChangeKind, target: Option<String>, edits: &[Edit]) -> Self {
        let touched = edits.iter().map(|e| RecordKey { section: e.section, key: e.key.clone() }).collect();
        ChangeMessage { v: MESSAGE_VERSION, entry, kind, target, touched, version: None }
    }

    /// The mark of version `number`, saved by `entry.user_id`.
    pub fn saved(entry: LogEntry, number: i64) -> Self {
        ChangeMessage { version: Some(number), ..ChangeMessage::new(entry, ChangeKind::Saved, None, &[]) }
    }
}

/// A change message without its edits: cheap to read for the log and the undo stacks.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
pub struct ChangeHeader {
    pub entry: LogEntry,
    #[serde(default)]
    pub kind: ChangeKind,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(skip)]
    pub hash: String,
}

/// What changes say of themselves: each one's message (those that carry one of ours) with the
/// heads it was made on.
pub fn messages_of(changes: &[automerge::Change]) -> Vec<(ChangeMessage, Vec<ChangeHash>)> {
    changes
        .iter()
        .filter_map(|c| Some((serde_json::from_str::<ChangeMessage>(c.message()?).ok()?, c.deps().to_vec())))
        .collect()
}

/// The saved-version marks among messages.
pub fn saved_marks(said: &[(ChangeMessage, Vec<ChangeHash>)]) -> Vec<(ChangeMessage, Vec<ChangeHash>)> {
    said.iter().filter(|(m, _)| m.kind == ChangeKind::Saved && m.version.is_some()).cloned().collect()
}

pub struct ProjectDocument {
    doc: AutoCommit,
    content: ProjectContent,
    /// Records peers set at the same time, found when peers' changes come in.
    conflicts: Vec<Conflict>,
    /// Every change's header in causal order, read once and extended as changes are made
    /// here: reading them all back from the document cost each action time in proportion to
    /// the project's history. Dropped when changes come from elsewhere (a merge, the journal).
    history: Option<Vec<ChangeHeader>>,
}

impl ProjectDocument {
    /// A new document holding `content`, as one change with `message`.
    pub fn create(content: &ProjectContent, message: &ChangeMessage) -> Result<Self, CoreError> {
        let mut doc = AutoCommit::new();
        // Every section exists from the first change, so that peers never race to create one.
        for section in Section::ALL {
            doc.put_object(ROOT, section.as_str(), ObjType::Map).map_err(CoreError::document)?;
        }
        let mut document =
            ProjectDocument { doc, content: ProjectContent::default(), conflicts: Vec::new(), history: None };
        document.write(content, message)?;
        Ok(document)
    }

    /// Loads saved bytes.
    pub fn load(bytes: &[u8]) -> Result<Self, CoreError> {
        let doc = AutoCommit::load(bytes).map_err(CoreError::document)?;
        let mut document =
            ProjectDocument { doc, content: ProjectContent::default(), conflicts: Vec::new(), history: None };
        document.refresh()?;
        Ok(document)
    }

    pub fn content(&self) -> &ProjectContent {
        &self.content
    }

    /// Applies changes from elsewhere (the journal, a peer): Automerge merges them.
    pub fn apply_changes(&mut self, bytes: &[u8]) -> Result<(), CoreError> {
        self.history = None;
        self.doc.load_incremental(bytes).map_err(CoreError::document)?;
        self.refresh()
    }

    /// Applies changes a client sent, which may not make a readable project: tried on a copy
    /// first, so a refused batch leaves this document as it was.
    pub fn apply_untrusted(&mut self, bytes: &[u8]) -> Result<(), CoreError> {
        let mut trial = ProjectDocument {
            doc: self.doc.fork(),
            content: ProjectContent::default(),
            conflicts: Vec::new(),
            history: None,
        };
        trial.doc.load_incremental(bytes).map_err(CoreError::document)?;
        trial.refresh()?;
        self.apply_changes(bytes)
    }

    /// The changes made after `heads` (hex; those this document does not know are passed
    /// over), as bytes another copy applies with `apply_changes`.
    pub fn changes_since(&mut self, heads: &[String]) -> Vec<u8> {
        let known: Vec<ChangeHash> = heads
            .iter()
            .filter_map(|h| h.parse::<ChangeHash>().ok())
            .filter(|h| self.doc.get_change_by_hash(h).is_some())
            .collect();
        self.doc.get_changes(&known).iter().flat_map(|c| c.raw_bytes().to_vec()).collect()
    }

    /// Merges another copy of the same document into this one.
    pub fn merge(&mut self, other_bytes: &[u8]) -> Result<(), CoreError> {
        let mut other = AutoCommit::load(other_bytes).map_err(CoreError::document)?;
        self.history = None;
        self.doc.merge(&mut other).map_err(CoreError::document)?;
        self.refresh()
    }

    /// Writes the records that differ between the current content and `next` as one change.
    /// Returns the change's bytes, for the journal.
    pub fn commit(&mut self, next: &ProjectContent, message: &ChangeMessage) -> Result<Vec<u8>, CoreError> {
        self.write(next, message)?;
        let change =
            self.doc.get_last_local_change().ok_or_else(|| CoreError::internal("the change just made is missing"))?;
        Ok(change.raw_bytes().to_vec())
    }

    fn write(&mut self, next: &ProjectContent, message: &ChangeMessage) -> Result<(), CoreError> {
        let changed = self.content.changed_keys(next, &Section::ALL);
        for (section_name, key) in &changed {
            let section = match self.doc.get(ROOT, section_name.as_str()).map_err(CoreError::document)? {
                Some((_, id)) => id,
                None => self.doc.put_object(ROOT, section_name.as_str(), ObjType::Map).map_err(CoreError::document)?,
            };
            match next.record_text(*section_name, key) {
                Some(text) => self.doc.put(&section, key.as_str(), text).map_err(CoreError::document)?,
                None => self.doc.delete(&section, key.as_str()).map_err(CoreError::document)?,
            }
        }
        let text = serde_json::to_string(message).map_err(CoreError::internal)?;
        let time = chrono::DateTime::parse_from_rfc3339(&message.entry.timestamp).map(|t| t.timestamp()).unwrap_or(0);
        let options = CommitOptions::default().with_message(text).with_time(time);
        // An action that edits nothing still leaves its log entry.
        let hash =
            if changed.is_empty() { Some(self.doc.empty_change(options)) } else { self.doc.commit_with(options) };
        if let (Some(history), Some(hash)) = (&mut self.history, hash) {
            history.push(ChangeHeader {
                entry: message.entry.clone(),
                kind: message.kind,
                target: message.target.clone(),
                hash: hash.to_string(),
            });
        }
        self.content = next.clone();
        // A record written here supersedes every value it had: its conflict is settled.
        self.conflicts.retain(|c| !changed.iter().any(|(section, key)| *section == c.section && *key == c.key));
        Ok(())
    }

    /// The whole document. Uncompressed: about four times larger than with deflate, and
    /// thirty times faster to write, which is what every save and autosave pays.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save_nocompress()
    }

    /// The heads as hashes, for a peer to say what it has.
    pub fn head_hashes(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Whether the change `hash` is in this document.
    pub fn has_change(&mut self, hash: &ChangeHash) -> bool {
        self.doc.get_change_by_hash(hash).is_some()
    }

    /// The messages of the changes made after `heads` (peers' changes just applied): who
    /// made them and what they say.
    pub fn messages_since(&mut self, heads: &[ChangeHash]) -> Vec<ChangeMessage> {
        messages_of(&self.doc.get_changes(heads)).into_iter().map(|(m, _)| m).collect()
    }

    /// The versions saved by changes made after `heads` (peers' changes just applied): each
    /// mark's message and the heads the document had when it was saved.
    pub fn saved_since(&mut self, heads: &[ChangeHash]) -> Vec<(ChangeMessage, Vec<ChangeHash>)> {
        saved_marks(&messages_of(&self.doc.get_changes(heads)))
    }

    /// The document as it stood at `heads`.
    pub fn at(&mut self, heads: &[ChangeHash]) -> Result<ProjectDocument, CoreError> {
        let doc = self.doc.fork_at(heads).map_err(CoreError::document)?;
        let mut document =
            ProjectDocument { doc, content: ProjectContent::default(), conflicts: Vec::new(), history: None };
        document.refresh()?;
        Ok(document)
    }

    pub fn heads(&mut self) -> Vec<String> {
        self.doc.get_heads().iter().map(ChangeHash::to_string).collect()
    }

    /// Every change's header, in causal order.
    pub fn history(&mut self) -> &[ChangeHeader] {
        let doc = &mut self.doc;
        self.history.get_or_insert_with(|| {
            doc.get_changes_meta(&[])
                .into_iter()
                .filter_map(|meta| {
                    let mut header: ChangeHeader = serde_json::from_str(meta.message.as_deref()?).ok()?;
                    header.hash = meta.hash.to_string();
                    Some(header)
                })
                .collect()
        })
    }

    /// The full message of one change.
    pub fn message(&mut self, hash: &str) -> Result<ChangeMessage, CoreError> {
        let hash: ChangeHash = hash.parse().map_err(|_| CoreError::internal(format!("bad change hash {hash}")))?;
        let change = self
            .doc
            .get_change_by_hash(&hash)
            .ok_or_else(|| CoreError::internal(format!("change {hash} is not in the document")))?;
        let text = change.message().unwrap_or_default().to_string();
        serde_json::from_str(&text)
            .map_err(|e| CoreError::internal(format!("change {hash} has a malformed message: {e}")))
    }

    /// The record edits a change made, read from the document before and after it.
    pub fn edits_of(&mut self, hash: &str, touched: &[RecordKey]) -> Result<Vec<Edit>, CoreError> {
        let hash: ChangeHash = hash.parse().map_err(|_| CoreError::internal(format!("bad change hash {hash}")))?;
        let parents = self
            .doc
            .get_change_by_hash(&hash)
            .map(|c| c.deps().to_vec())
            .ok_or_else(|| CoreError::internal(format!("change {hash} is not in the document")))?;
        touched
            .iter()
            .map(|r| {
                Ok(Edit {
                    section: r.section,
                    key: r.key.clone(),
                    before: self.record_at(r, &parents)?,
                    after: self.record_at(r, &[hash])?,
                })
            })
            .collect()
    }

    fn record_at(&self, record: &RecordKey, heads: &[ChangeHash]) -> Result<Option<serde_json::Value>, CoreError> {
        let Some((_, section)) = self.doc.get_at(ROOT, record.section.as_str(), heads).map_err(CoreError::document)?
        else {
            return Ok(None);
        };
        match self.doc.get_at(&section, record.key.as_str(), heads).map_err(CoreError::document)? {
            Some((Value::Scalar(scalar), _)) => {
                let text = scalar.as_str().ok_or_else(|| CoreError::document("a record is not text"))?;
                serde_json::from_str(text).map(Some).map_err(CoreError::document)
            }
            Some(_) => {
                Err(CoreError::document(format!("record {}/{} is not text", record.section.as_str(), record.key)))
            }
            None => Ok(None),
        }
    }

    /// The modification log, oldest first.
    pub fn log(&mut self) -> Vec<LogEntry> {
        self.history().iter().map(|h| h.entry.clone()).collect()
    }

    fn refresh(&mut self) -> Result<(), CoreError> {
        let tree: DocTree = autosurgeon::hydrate::<_, BTreeMap<String, BTreeMap<String, String>>>(&self.doc)
            .map_err(CoreError::document)?;
        self.content = ProjectContent::from_tree(&tree)?;
        self.conflicts = self.find_conflicts()?;
        Ok(())
    }

    /// The records peers set at the same time, with every value and its author.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Records of the sections people author that hold more than one value. (Stage statuses
    /// and the like are the program's: one of their values is as good as another.)
    fn find_conflicts(&mut self) -> Result<Vec<Conflict>, CoreError> {
        let mut found = Vec::new();
        for section in Section::UNDOABLE {
            let Some((_, obj)) = self.doc.get(ROOT, section.as_str()).map_err(CoreError::document)? else { continue };
            let keys: Vec<String> = self.doc.keys(&obj).collect();
            for key in keys {
                let all = self.doc.get_all(&obj, key.as_str()).map_err(CoreError::document)?;
                if all.len() < 2 {
                    continue;
                }
                let all: Vec<(serde_json::Value, automerge::ObjId)> = all
                    .into_iter()
                    .map(|(value, id)| {
                        let value = match value {
                            Value::Scalar(s) => match s.as_str() {
                                Some(text) => {
                                    serde_json::from_str(text).unwrap_or(serde_json::Value::String(text.into()))
                                }
                                None => serde_json::Value::String(s.to_string()),
                            },
                            Value::Object(_) => serde_json::Value::String(self.doc.text(&id).unwrap_or_default()),
                        };
                        (value, id)
                    })
                    .collect();
                let shown = self.doc.get(&obj, key.as_str()).map_err(CoreError::document)?.map(|(_, id)| id);
                let mut values = Vec::new();
                for (value, id) in all {
                    let (user_id, timestamp) = self.author_of(&id);
                    values.push(ConflictValue { value, user_id, timestamp, shown: shown.as_ref() == Some(&id) });
                }
                found.push(Conflict { section, key, values });
            }
        }
        Ok(found)
    }

    /// Who made the operation `id`, and when, as its change's message says.
    fn author_of(&mut self, id: &automerge::ObjId) -> (String, String) {
        let automerge::ObjId::Id(counter, actor, _) = id else { return Default::default() };
        let change = self
            .doc
            .get_changes(&[])
            .into_iter()
            .find(|c| c.actor_id() == actor && c.start_op().get() <= *counter && *counter <= c.max_op());
        change
            .and_then(|c| serde_json::from_str::<ChangeHeader>(c.message()?).ok())
            .map(|h| (h.entry.user_id, h.entry.timestamp))
            .unwrap_or_default()
    }

    /// Settles a conflict: `value` (one of the record's values, or none to remove it) is
    /// written over all of them, as one change with `message`. Returns the change's bytes.
    pub fn resolve(
        &mut self,
        section: Section,
        key: &str,
        value: Option<&serde_json::Value>,
        message: &ChangeMessage,
    ) -> Result<Vec<u8>, CoreError> {
        let mut next = self.content.clone();
        next.set(section, key, value)?;
        let obj = match self.doc.get(ROOT, section.as_str()).map_err(CoreError::document)? {
            Some((_, id)) => id,
            None => self.doc.put_object(ROOT, section.as_str(), ObjType::Map).map_err(CoreError::document)?,
        };
        // Written even when it equals the value shown: the write is what supersedes the rest.
        match next.record_text(section, key) {
            Some(text) => self.doc.put(&obj, key, text).map_err(CoreError::document)?,
            None => self.doc.delete(&obj, key).map_err(CoreError::document)?,
        }
        let text = serde_json::to_string(message).map_err(CoreError::internal)?;
        let time = chrono::DateTime::parse_from_rfc3339(&message.entry.timestamp).map(|t| t.timestamp()).unwrap_or(0);
        self.doc.commit_with(CommitOptions::default().with_message(text).with_time(time));
        self.history = None;
        self.content = next;
        self.conflicts.retain(|c| !(c.section == section && c.key == key));
        let change =
            self.doc.get_last_local_change().ok_or_else(|| CoreError::internal("the change just made is missing"))?;
        Ok(change.raw_bytes().to_vec())
    }
}
