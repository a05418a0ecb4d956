//! `studio config …`: the settings in effect and where each came from (default, file,
//! environment, command line, runtime); a live setting changed or reset for every program on
//! the library.

use anyhow::Result;
use clap::Subcommand;
use serde_json::{Value, json};
use studio_core::{Request, SettingSource, Studio};

use crate::call::call;
use crate::output::Printer;

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Every setting, its value and where it came from; `*` marks those a running program
    /// takes up when they change.
    Show,
    /// Change a live setting (such as workflow.max_concurrent_executions) for every program
    /// on this library; the value is JSON (a bare word is text).
    Set { key: String, value: String },
    /// Drop a change made with `set`: the configuration's value again.
    Reset { key: String },
}

fn line(e: &SettingSource) -> String {
    let live = if e.live { "*" } else { " " };
    let value = match &e.value {
        Value::Null => "(none)".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    format!("{live} {:<36} {:<28} {}", e.key, value, e.source)
}

pub async fn config(studio: &Studio, user: &str, command: ConfigCommand, out: &Printer) -> Result<()> {
    match command {
        ConfigCommand::Show => {
            let entries: Vec<SettingSource> = call(studio, Request::ShowConfig).await?;
            let text: Vec<String> = entries.iter().map(line).collect();
            out.message(&text.join("\n"), json!(entries))
        }
        ConfigCommand::Set { key, value } => {
            let value = serde_json::from_str(&value).unwrap_or(Value::String(value));
            let entry: SettingSource = call(studio, Request::SetConfig { key, value, user_id: user.into() }).await?;
            out.message(&line(&entry), json!(entry))
        }
        ConfigCommand::Reset { key } => {
            let entry: SettingSource = call(studio, Request::ResetConfig { key, user_id: user.into() }).await?;
            out.message(&line(&entry), json!(entry))
        }
    }
}
