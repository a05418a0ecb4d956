//! Settings changed at runtime through the API: checked, kept in the library (so every program
//! on it — every instance of a team server — takes them up within a couple of seconds), shown
//! with where each came from, and reset.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::settings::SettingSource;

/// How often a program looks for changes made by another.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// Looks for settings changed by another program every `REFRESH_EVERY`, while the library is
/// open.
pub(crate) fn spawn_refresh(library: &Arc<Library>) {
    let weak = Arc::downgrade(library);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(library) = weak.upgrade() else { break };
            if let Err(e) = library.refresh_settings().await {
                tracing::debug!("could not look for changed settings: {e}");
            }
        }
    });
}

impl Library {
    /// Takes up the settings changed at runtime, by this program or another.
    pub(crate) async fn refresh_settings(&self) -> Result<()> {
        let rows = self.store.settings().await?;
        self.settings.take_up(rows.into_iter().map(|r| (r.key, r.value)).collect());
        Ok(())
    }

    /// Every setting, its value (secrets masked) and where it came from.
    pub async fn config_entries(&self) -> Result<Vec<SettingSource>> {
        self.refresh_settings().await?;
        Ok(self.settings.entries())
    }

    /// Changes a live setting for every program on this library; checked first.
    pub async fn set_config(&self, key: &str, value: Value, user_id: &str) -> Result<SettingSource> {
        self.settings.read(|l| l.with_runtime(&[(key.to_string(), value.clone())]))?;
        let row = studio_store::SettingRow {
            key: key.to_string(),
            value: value.to_string(),
            changed_by: user_id.to_string(),
            changed_at: studio_store::now(),
        };
        self.store.put_setting(&row).await?;
        self.refresh_settings().await?;
        tracing::info!("setting {key} changed to {} by {user_id}", crate::secrets::mask(&row.value));
        self.entry(key)
    }

    /// Drops a runtime change: the key's value is the layers' below again.
    pub async fn reset_config(&self, key: &str, user_id: &str) -> Result<SettingSource> {
        self.entry(key)?;
        self.store.remove_setting(key).await?;
        self.refresh_settings().await?;
        tracing::info!("setting {key} reset by {user_id}");
        self.entry(key)
    }

    fn entry(&self, key: &str) -> Result<SettingSource> {
        self.settings
            .entries()
            .into_iter()
            .find(|e| e.key == key)
            .ok_or_else(|| CoreError::new("not_found", format!("'{key}' is not a setting")))
    }
}
