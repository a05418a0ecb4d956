//! "Show in folder": opens the folder of a report's export, or the outbox, in the platform's
//! file manager (`xdg-open`, `open`, `explorer`; `STUDIO_OPENER` names another program).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::reports::{check_format, path_of_file_url};
use crate::{CoreError, Result, Studio};

/// The platform's program that opens a folder.
pub const DEFAULT_OPENER: &str = if cfg!(target_os = "macos") {
    "open"
} else if cfg!(windows) {
    "explorer"
} else {
    "xdg-open"
};

impl Studio {
    /// Opens the folder holding report `report_id`'s `format` export; answers the folder.
    pub async fn reveal_export(&self, project_id: &str, report_id: &str, format: &str) -> Result<PathBuf> {
        check_format(format)?;
        let report = self.get_report(project_id, report_id).await?;
        let name = format.to_uppercase();
        let url = report.export_urls.get(format).ok_or_else(|| {
            CoreError::new("not_found", format!("report '{report_id}' has not been exported as {name} yet"))
        })?;
        let file = path_of_file_url(url);
        if !file.is_file() {
            return Err(CoreError::new(
                "not_found",
                format!("the {name} {} is no longer there (moved or deleted): export it again", file.display()),
            ));
        }
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
        self.open_folder(&folder)?;
        Ok(folder)
    }

    /// Opens the outbox folder (made if need be), where unsent scheduled reports wait.
    pub fn reveal_outbox(&self) -> Result<PathBuf> {
        let folder = self.config.outbox_dir();
        std::fs::create_dir_all(&folder)
            .map_err(|e| CoreError::new("io_error", format!("{}: {e}", folder.display())))?;
        self.open_folder(&folder)?;
        Ok(folder)
    }

    fn open_folder(&self, folder: &Path) -> Result<()> {
        let program = self.config.opener.as_deref().unwrap_or(DEFAULT_OPENER);
        let mut child = Command::new(program)
            .arg(folder)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                CoreError::new("io_error", format!("could not open {} with {program}: {e}", folder.display()))
            })?;
        // The file manager outlives the call; its exit is collected off the caller's thread.
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}
