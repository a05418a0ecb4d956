//! The file manager (the edge of the `FileManager` port): shows a folder with the file selected
//! where the platform can — `open -R` on macOS, `explorer /select,` on Windows, the folder with
//! `xdg-open` elsewhere. `STUDIO_OPENER` names another program, given the folder.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{CoreError, Result};
use crate::ports::FileManager;

/// The platform's file manager, or the program `opener` names.
pub struct SystemFileManager {
    pub opener: Option<String>,
}

impl FileManager for SystemFileManager {
    fn show(&self, folder: &Path, file: Option<&Path>) -> Result<()> {
        let (program, args): (&str, Vec<std::ffi::OsString>) = match (&self.opener, file) {
            (Some(opener), _) => (opener, vec![folder.into()]),
            (None, Some(file)) if cfg!(target_os = "macos") => ("open", vec!["-R".into(), file.into()]),
            (None, Some(file)) if cfg!(windows) => {
                let mut select = std::ffi::OsString::from("/select,");
                select.push(file);
                ("explorer", vec![select])
            }
            (None, _) if cfg!(target_os = "macos") => ("open", vec![folder.into()]),
            (None, _) if cfg!(windows) => ("explorer", vec![folder.into()]),
            (None, _) => ("xdg-open", vec![folder.into()]),
        };
        let mut child = Command::new(program)
            .args(&args)
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
