//! The report's logo: read from its file (an absolute path or a `file://` URL, 5 MB at most)
//! when the analyst sets it (`customize`), decoded whole and scaled once by the report crate,
//! and stored by hash; reports use the stored logo rather than reading the file again.

use std::path::Path;

use studio_model::ReportConfig;

use crate::actor::Actor;
use crate::error::{CoreError, Result};
use crate::reports_service::Reports;

/// Largest logo file read.
const MAX_LOGO_BYTES: u64 = 5 * 1024 * 1024;

/// Reads the branding's logo file (an absolute path or a `file://` URL), at most 5 MB.
pub(crate) fn read_logo(url: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let path = Path::new(url.strip_prefix("file://").unwrap_or(url));
    let bad = |why: String| CoreError::invalid(format!("branding.logo_url: {why}"));
    if url.contains("://") && !url.starts_with("file://") {
        return Err(bad(format!(
            "'{url}': give a file on this computer (a path or a file:// URL); Studio does not download"
        )));
    }
    if !path.is_absolute() {
        return Err(bad(format!("'{url}' is not an absolute path")));
    }
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(bad(format!("{} is not a file", path.display())));
    }
    if meta.len() > MAX_LOGO_BYTES {
        return Err(bad(format!("{} is {} bytes; a logo may be 5 MB at most", path.display(), meta.len())));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_LOGO_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
    Ok(bytes)
}

impl Reports {
    /// The logo's bytes: as stored when it was set, else (settings given with the request, or
    /// made before logos were stored) read from its file now.
    pub(crate) async fn logo_bytes(&self, config: &ReportConfig) -> Result<Option<Vec<u8>>> {
        let Some(branding) = config.branding.as_ref() else { return Ok(None) };
        if let Some(id) = &branding.logo_id
            && let Ok(row) = self.store.artifact(id).await
        {
            return Ok(Some(row.content));
        }
        match branding.logo_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Ok(Some(read_logo(url)?)),
            None => Ok(None),
        }
    }

    /// Rewrites a `customize` that names a logo: the file is read, decoded whole (a damaged
    /// PNG is refused here, not at export), scaled down once if large, and stored; the
    /// settings keep its hash as `branding.logo_id`.
    pub(crate) async fn prepare_logo(&self, actor: &Actor, config: &mut ReportConfig) -> Result<()> {
        let Some(branding) = config.branding.as_mut() else {
            return Ok(());
        };
        // Only Studio says which stored logo goes with the settings.
        branding.logo_id = None;
        let Some(url) = branding.logo_url.clone().filter(|u| !u.is_empty()) else {
            return Ok(());
        };
        // The same logo as the settings have already: kept as it was prepared (other settings
        // are saved often; the file is read again only when it is named anew).
        let current = {
            let open = self.project(&actor.project_id).await?;
            open.doc.content().report.get("config").and_then(|c| c.branding.clone())
        };
        if let Some(current) = current.filter(|b| b.logo_url.as_deref() == Some(url.as_str()))
            && let Some(id) = current.logo_id
            && self.store.artifact(&id).await.is_ok()
        {
            branding.logo_id = Some(id);
            return Ok(());
        }
        let bytes = read_logo(&url)?;
        let prepared = tokio::task::spawn_blocking(move || studio_report::raster::prepare_logo(&bytes))
            .await
            .map_err(CoreError::internal)?
            .map_err(CoreError::from)?;
        branding.logo_id = Some(self.store.put_artifact(&actor.project_id, "logo", &prepared.bytes).await?);
        Ok(())
    }
}
