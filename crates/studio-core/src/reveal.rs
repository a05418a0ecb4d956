//! "Show in folder": which report export may be shown (a file this Studio wrote), or the
//! outbox; the showing itself is the edge's (`FileManager`, `edge/reveal.rs`).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{CoreError, Result};
use crate::reports::{check_format, parse_file_url};
use crate::reports_service::Reports;

impl Reports {
    /// Shows report `report_id`'s `format` export in the file manager; answers its folder. Only
    /// a file this Studio wrote is shown: one in its export folder, or with the recorded hash
    /// (a project file from elsewhere cannot point it at other places).
    pub async fn reveal_export(&self, project_id: &str, report_id: &str, format: &str) -> Result<PathBuf> {
        check_format(format)?;
        let report = self.get_report(project_id, report_id).await?;
        let name = format.to_uppercase();
        let url = report.export_urls.get(format).ok_or_else(|| {
            CoreError::new("not_found", format!("report '{report_id}' has not been exported as {name} yet"))
        })?;
        let (file, sha256) = parse_file_url(url).ok_or_else(|| {
            CoreError::invalid(format!("the {name} export is recorded as '{url}', not as a file here"))
        })?;
        if !file.is_file() {
            return Err(CoreError::new(
                "not_found",
                format!("the {name} {} is no longer there (moved or deleted): export it again", file.display()),
            ));
        }
        let exports = std::fs::canonicalize(self.config.exports_dir()).ok();
        let in_exports = exports.is_some_and(|dir| file.starts_with(dir));
        if !in_exports && !same_hash(&file, &sha256) {
            return Err(CoreError::new(
                "forbidden",
                format!(
                    "{} is not the {name} this report was exported to (its contents differ): open it yourself",
                    file.display()
                ),
            ));
        }
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
        self.files.show(&folder, Some(&file))?;
        Ok(folder)
    }

    /// Opens the outbox folder (made if need be), where unsent scheduled reports wait.
    pub fn reveal_outbox(&self) -> Result<PathBuf> {
        let folder = self.config.outbox_dir();
        std::fs::create_dir_all(&folder)
            .map_err(|e| CoreError::new("io_error", format!("{}: {e}", folder.display())))?;
        self.files.show(&folder, None)?;
        Ok(folder)
    }
}

/// Whether the file's SHA-256 is `expected` (read in blocks, not whole).
fn same_hash(file: &Path, expected: &str) -> bool {
    let Ok(mut f) = std::fs::File::open(file) else { return false };
    let mut hasher = Sha256::new();
    if std::io::copy(&mut f, &mut hasher).is_err() {
        return false;
    }
    !expected.is_empty() && hex::encode(hasher.finalize()) == expected
}
