//! `studio serve`: the API and UI on loopback until Ctrl-C, autosaving and sending scheduled
//! reports while it runs.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use serde_json::json;
use studio_core::Studio;
use studio_server::ServeOptions;

use crate::output::Printer;

pub async fn run(
    studio: &Arc<Studio>,
    user: &str,
    port: u16,
    open: bool,
    ui: Option<PathBuf>,
    share: Option<std::net::SocketAddr>,
    out: &Printer,
) -> Result<()> {
    let ui_dir = ui.or_else(|| Some(PathBuf::from("ui/dist")).filter(|d| d.join("index.html").exists()));
    let options = ServeOptions { port, ui_dir: ui_dir.clone(), ..ServeOptions::default() };
    // What a previous run acknowledged to its clients and did not save is theirs to see.
    studio.fold_previous_sessions().await?;
    let server = studio_server::start(studio.clone(), user.to_string(), options).await?;
    let _autosave = studio.spawn_autosave();
    let _schedule = studio.spawn_report_schedule();
    let _webhooks = studio.spawn_webhooks();
    let _team_sync = studio.spawn_team_sync();
    // The hub: asked for here, else as the analyst left the switch ("Share on this network").
    studio.sharing.set_hub_host(studio_server::hub_host(studio));
    let hub = match share {
        Some(listen) => Some(studio.sharing.share_on_network(true, Some(&listen.to_string()), false).await?),
        None => studio.sharing.resume_network_sharing().await?,
    };
    // Projects joined at other hubs sync while this runs.
    studio.sharing.resume_joined(user).await?;
    let _presence = studio.sharing.spawn_presence();
    let url = server.url();
    let hub_url = hub.and_then(|h| h.url);
    out.message(
        &format!(
            "FutureOS Studio is serving at {url}\n{}{}Press Ctrl-C to stop.",
            match &hub_url {
                Some(h) => format!("Sharing projects with peers at {h} (invite with `studio share PROJECT`)\n"),
                None => String::new(),
            },
            if ui_dir.is_none() {
                "(API only: build the UI with `npm --prefix ui run build` to serve it too)\n"
            } else {
                ""
            }
        ),
        json!({"url": url, "base": server.base(), "token": server.token, "ui": ui_dir, "hub": hub_url}),
    )?;
    if open {
        open_browser(&url);
    }
    server.run_until(interrupted()).await?;
    studio.sharing.share_on_network(false, None, false).await?;
    Ok(())
}

/// `studio serve --team`: the API (and UI) for a team, its projects in PostgreSQL, until
/// Ctrl-C or SIGTERM. Several instances may serve one database side by side.
pub async fn run_team(
    studio: &Arc<Studio>,
    team: &crate::team_config::Team,
    ui: Option<PathBuf>,
    out: &Printer,
) -> Result<()> {
    let ui_dir = ui.or_else(|| Some(PathBuf::from("ui/dist")).filter(|d| d.join("index.html").exists()));
    let options =
        ServeOptions { team: true, listen: Some(team.listen), ui_dir: ui_dir.clone(), ..ServeOptions::default() };
    studio.fold_previous_sessions().await?;
    if let Some(redis) = &team.redis {
        studio.join_team_bus(redis).await?;
    }
    let server = studio_server::start(studio.clone(), String::new(), options).await?;
    let _autosave = studio.spawn_autosave();
    let _schedule = studio.spawn_report_schedule();
    let _webhooks = studio.spawn_webhooks();
    let url = format!("http://{}", server.addr);
    let database = studio_core::redact_database_url(&team.database);
    let redis = team.redis.as_deref().map(studio_core::redact_database_url);
    let alone = match &redis {
        Some(redis) => format!("other instances in step through Redis at {redis}"),
        None => "serving alone: give --redis for instances side by side".into(),
    };
    out.message(
        &format!(
            "FutureOS Studio team server at {url} (database {database}; {alone})\nEach member signs in with the token their invitation gave them.\nPress Ctrl-C to stop."
        ),
        json!({"url": url, "database": database, "redis": redis, "ui": ui_dir}),
    )?;
    server.run_until(interrupted()).await?;
    Ok(())
}

/// Ctrl-C, or (on Unix) the SIGTERM a service manager or `kill` sends: either way the caller
/// then closes the library cleanly, folding unsaved edits in.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        crate::errln!("could not open a browser ({opener}: {e}); open {url} yourself");
    }
}
