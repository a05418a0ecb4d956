//! The local user: an id (a UUID, as ever), a display name and a colour kept in `config.json`,
//! and an ed25519 key in `identity.key` beside it. Peers see the name and colour; the key
//! proves to a hub that a connection is this user's.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use studio_sync::Keypair;

use crate::config::{KEY_FILE, SETTINGS_FILE, Settings};
use crate::error::{CoreError, Result};
use crate::library::Library;

/// Colours a new user is given, by their id: distinct on light and dark backgrounds.
const PALETTE: [&str; 8] = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f"];

/// Who the local user is, as peers see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Profile {
    pub user_id: String,
    pub display_name: String,
    /// `#rrggbb`.
    pub color: String,
    /// The user's ed25519 public key, base64url.
    pub public_key: String,
    /// Where the settings and the key are kept.
    pub settings_dir: PathBuf,
}

/// A change to the profile: each field given is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProfileUpdate {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
}

/// The login name, which is what colleagues would recognise before a name is chosen.
fn default_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "Analyst".into())
}

fn display_name(settings: &Settings) -> String {
    settings.display_name.clone().unwrap_or_else(default_name)
}

fn color(settings: &Settings) -> String {
    settings.color.clone().unwrap_or_else(|| default_color(&settings.user_id).to_string())
}

fn default_color(user_id: &str) -> &'static str {
    let sum = user_id.bytes().fold(0usize, |acc, b| acc.wrapping_mul(31).wrapping_add(b as usize));
    PALETTE[sum % PALETTE.len()]
}

/// Checks a display name: what a colleague reads beside an edit.
pub fn check_display_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::invalid("display_name must not be empty"));
    }
    if name.chars().count() > 60 {
        return Err(CoreError::invalid("display_name must be at most 60 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(CoreError::invalid("display_name must not contain control characters"));
    }
    Ok(name.to_string())
}

/// Checks a colour: `#rrggbb`.
pub fn check_color(color: &str) -> Result<String> {
    let hex = color.trim().strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(CoreError::invalid(format!("color must be #rrggbb, not '{color}'")));
    }
    Ok(format!("#{}", hex.to_ascii_lowercase()))
}

impl Library {
    pub(crate) fn settings_path(&self) -> PathBuf {
        self.config.settings_dir.join(SETTINGS_FILE)
    }

    /// The local user's keypair, made on first use.
    /// Read (or made) once: every connection a hub admits and every invite is signed with it.
    pub(crate) fn keypair(&self) -> Result<Keypair> {
        if let Some(keypair) = self.keypair.get() {
            return Ok(keypair.clone());
        }
        let path = self.config.settings_dir.join(KEY_FILE);
        let keypair = Keypair::load_or_create(&path).map_err(|e| CoreError::new("io_error", e.to_string()))?;
        Ok(self.keypair.get_or_init(|| keypair).clone())
    }

    /// The project's collaborators as they stand (not the whole content: a hub asks on every
    /// connection and every presence message).
    pub(crate) async fn collaborators_of(
        &self,
        project_id: &str,
    ) -> Result<std::collections::BTreeMap<String, studio_model::Collaborator>> {
        Ok(self.project(project_id).await?.doc.content().collaborators.clone())
    }

    /// The local user's profile.
    pub fn profile(&self) -> Result<Profile> {
        let settings = Settings::load_or_create(&self.settings_path())?;
        Ok(Profile {
            display_name: display_name(&settings),
            color: color(&settings),
            user_id: settings.user_id,
            public_key: self.keypair()?.public_key(),
            settings_dir: self.config.settings_dir.clone(),
        })
    }

    /// Puts the local user's name, colour and key on their collaborator record, when `user_id`
    /// is the local user (a project they create or copy); anyone else is left as given.
    pub(crate) fn describe_local_user(&self, content: &mut studio_model::ProjectContent, user_id: &str) {
        let path = self.settings_path();
        let is_local = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Settings>(&text).ok())
            .is_some_and(|s| s.user_id == user_id);
        let Some(profile) = is_local.then(|| self.profile().ok()).flatten() else { return };
        if let Some(c) = content.collaborators.get_mut(user_id) {
            c.display_name = Some(profile.display_name);
            c.color = Some(profile.color);
            c.public_key = Some(profile.public_key);
        }
    }

    /// Sets the local user's display name or colour.
    pub fn update_profile(&self, update: &ProfileUpdate) -> Result<Profile> {
        let path = self.settings_path();
        let mut settings = Settings::load_or_create(&path)?;
        if update.display_name.is_none() && update.color.is_none() {
            return Err(CoreError::invalid("nothing to update: give display_name or color"));
        }
        if let Some(name) = &update.display_name {
            settings.display_name = Some(check_display_name(name)?);
        }
        if let Some(color) = &update.color {
            settings.color = Some(check_color(color)?);
        }
        settings.write(&path)?;
        self.profile()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_keep_keys_they_do_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, r#"{"user_id":"u1","theme":"dark"}"#).unwrap();
        let mut settings = Settings::load_or_create(&path).unwrap();
        assert_eq!(color(&settings), default_color("u1"));
        settings.display_name = Some("Ada".into());
        settings.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"theme\": \"dark\"") && text.contains("Ada"), "{text}");
    }

    #[test]
    fn names_and_colours_are_checked() {
        assert_eq!(check_color("#A1B2C3").unwrap(), "#a1b2c3");
        assert!(check_color("red").unwrap_err().message.contains("#rrggbb"));
        assert!(check_display_name("  ").is_err());
        assert!(check_display_name(&"x".repeat(61)).is_err());
        assert!(check_display_name("a\u{7}b").is_err());
        assert_eq!(check_display_name(" Ada ").unwrap(), "Ada");
    }
}
