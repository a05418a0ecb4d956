//! Imported sources: `configure_source` with `import: true` copies the file into the project
//! (stored by its SHA-256, so it travels in a `.studio` file with artifacts) instead of linking
//! it. Readers find the copy beside the library, written back from the store when missing.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use studio_model::{ProjectContent, SourceConfig};

use crate::data_service::Data;
use crate::error::{CoreError, Result};

/// Largest file that may be imported; larger ones are linked.
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

impl Data {
    pub(crate) fn imports_dir(&self) -> PathBuf {
        self.config.db_path.parent().map(|p| p.join("imported-sources")).unwrap_or_else(|| "imported-sources".into())
    }

    /// Rewrites a `configure_source` that asks for `import: true`: the file is copied into the
    /// project and the configuration records where it came from and its hash.
    pub(crate) async fn import_source(&self, project_id: &str, config: &mut SourceConfig) -> Result<()> {
        if config.import.take() != Some(true) {
            return Ok(());
        }
        // The browser sends the file itself (it has no path); the CLI and desktop send a path.
        let (path, bytes) = match config.content_base64.take() {
            Some(encoded) => {
                use base64::Engine;
                let name = config.file_name.clone().unwrap_or_else(|| "upload.csv".into());
                let bytes = base64::engine::general_purpose::STANDARD.decode(encoded.as_bytes()).map_err(|e| {
                    CoreError::invalid(format!("configuration.content_base64 of {name} is not base64: {e}"))
                })?;
                (PathBuf::from(name), bytes)
            }
            None => {
                let Some(path) = config.path.as_deref().map(PathBuf::from) else {
                    return Err(CoreError::invalid(
                        "import needs configuration.path (the file to copy) or content_base64 with file_name",
                    ));
                };
                let size = std::fs::metadata(&path)
                    .map_err(|e| CoreError::invalid(format!("cannot import {}: {e}", path.display())))?
                    .len();
                if size > MAX_IMPORT_BYTES {
                    return Err(CoreError::invalid(format!(
                        "{} is {} MiB; files over {} MiB are linked, not imported (leave out import)",
                        path.display(),
                        size >> 20,
                        MAX_IMPORT_BYTES >> 20
                    )));
                }
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|e| CoreError::invalid(format!("cannot import {}: {e}", path.display())))?;
                (std::path::absolute(&path).unwrap_or(path), bytes)
            }
        };
        let size = bytes.len() as u64;
        let sha = self.store.put_artifact(project_id, "source_file", &bytes).await?;
        let copy = self.copy_path(&sha, &path.to_string_lossy());
        write_copy(&copy, &bytes)?;
        config.file_name = None;
        config.imported_from = Some(path.to_string_lossy().into_owned());
        config.path = Some(copy.to_string_lossy().into_owned());
        config.linked = Some(false);
        config.sha256 = Some(sha);
        config.bytes = Some(size);
        Ok(())
    }

    fn copy_path(&self, sha: &str, original: &str) -> PathBuf {
        let ext = std::path::Path::new(original).extension().and_then(|e| e.to_str()).unwrap_or("csv");
        self.imports_dir().join(format!("{sha}.{ext}"))
    }

    /// The content as this machine reads it: each imported source read from its copy here
    /// when the path it records is not (a project from a `.studio` file or shared by a peer on
    /// another machine, a cleaned library folder), the copy written back from the store when
    /// missing. Answers it with the paths the sources record, by source name, for what is
    /// computed from it to name the same files on every machine. The content is copied only
    /// when a path is read from elsewhere.
    pub(crate) async fn materialise_imports<'a>(
        &self,
        content: &'a ProjectContent,
    ) -> Result<(Cow<'a, ProjectContent>, BTreeMap<String, String>)> {
        let mut local = Cow::Borrowed(content);
        let mut recorded = BTreeMap::new();
        for (name, config) in crate::source_config::sources(content) {
            let Ok(config) = config else { continue };
            if config.linked != Some(false) {
                continue;
            }
            let (Some(path), Some(sha)) = (config.path.as_deref().map(PathBuf::from), config.sha256.as_deref()) else {
                continue;
            };
            if path.exists() {
                continue;
            }
            let copy = self.copy_path(sha, &path.to_string_lossy());
            if !copy.exists()
                && let Ok(row) = self.store.artifact(sha).await
                && hex::encode(Sha256::digest(&row.content)) == sha
            {
                write_copy(&copy, &row.content)?;
            }
            if copy.exists()
                && let Some(raw) = local.to_mut().sources.get_mut(&name)
            {
                let mut value = raw.to_value();
                value["path"] = serde_json::Value::String(copy.to_string_lossy().into_owned());
                *raw = studio_model::RawJson::from_value(&value);
                recorded.insert(name, path.to_string_lossy().into_owned());
            }
        }
        Ok((local, recorded))
    }
}

fn write_copy(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CoreError::new("io_error", format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(path, bytes).map_err(|e| CoreError::new("io_error", format!("{}: {e}", path.display())))
}

/// A source's file is named by its full path: a relative one would mean another file to each
/// program that reads it (the app, a server, a command typed elsewhere).
pub(crate) fn check_source_path(config: &SourceConfig) -> Result<()> {
    let path = config.path.as_deref().unwrap_or_default();
    let uploaded = config.content_base64.is_some();
    if !path.is_empty() && !uploaded && std::path::Path::new(path).is_relative() {
        return Err(CoreError::invalid(format!(
            "configuration.path '{path}' must be absolute: the file's full path on this computer"
        )));
    }
    Ok(())
}
