//! FutureOS Studio on the desktop: a Tauri window over `studio-core`. Thin: one generic
//! `dispatch` command for every core request, core events forwarded to the page, and the
//! native parts people expect — menus with platform shortcuts, open/save dialogs, dropping
//! files on the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod menu;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use studio_core::{CoreError, Studio, StudioConfig, StudioEvent};
use tauri::{DragDropEvent, Emitter, Manager, State, WindowEvent};

/// The window starts hidden until the page has its first screen, or this long at most.
const SHOW_AT_LATEST: Duration = Duration::from_secs(4);

/// What the commands share.
struct Desktop {
    studio: Arc<Studio>,
    user: String,
    /// The project to show first (`--project ID`, or a `.studio` file given on the command line).
    initial: std::sync::Mutex<Option<String>>,
    started: Instant,
    ready: AtomicBool,
}

/// Every core request, as the HTTP API's `dispatch_json` takes it.
#[tauri::command]
async fn dispatch(desktop: State<'_, Desktop>, request: Value) -> Result<studio_core::Answer, CoreError> {
    desktop.studio.dispatch_json(&request).await
}

/// The local user the window acts as.
#[tauri::command]
fn whoami(desktop: State<'_, Desktop>) -> String {
    desktop.user.clone()
}

/// The page has its first screen on show: the window appears (it starts hidden, so it never
/// shows blank) and, with `STUDIO_STARTUP_REPORT` set, the startup time is printed as JSON.
#[tauri::command]
fn ui_ready(window: tauri::WebviewWindow, desktop: State<'_, Desktop>) {
    show(&window);
    if std::env::var_os("STUDIO_STARTUP_REPORT").is_some() && !desktop.ready.swap(true, Ordering::SeqCst) {
        let unix_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
        let since_start_ms = desktop.started.elapsed().as_secs_f64() * 1000.0;
        println!("{}", json!({"event": "ui_ready", "unix_ms": unix_ms, "since_start_ms": since_start_ms}));
    }
}

fn show(window: &tauri::WebviewWindow) {
    if !window.is_visible().unwrap_or(true) {
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The project to open when the window starts, once.
#[tauri::command]
fn take_initial_project(desktop: State<'_, Desktop>) -> Option<String> {
    desktop.initial.lock().ok().and_then(|mut initial| initial.take())
}

fn open_studio(started: Instant) -> Result<Desktop, CoreError> {
    let mut config = StudioConfig::resolve(std::env::var_os("STUDIO_DB").map(PathBuf::from))?;
    config.program = studio_core::Program::Desktop;
    let user = match std::env::var("STUDIO_USER") {
        Ok(user) => user,
        Err(_) => studio_core::local_user_id()?,
    };
    let studio = tauri::async_runtime::block_on(Studio::open(config))?;
    // `--project ID` opens that project; a `.studio` path (a double-click through the file
    // association) is imported and opened.
    let mut initial = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--project" {
            initial = args.next();
        } else if arg.ends_with(".studio") && PathBuf::from(&arg).exists() {
            let state = tauri::async_runtime::block_on(studio.import_project(&PathBuf::from(&arg), &user))?;
            initial = Some(state.project_id);
        }
    }
    let initial = std::sync::Mutex::new(initial);
    Ok(Desktop { studio: Arc::new(studio), user, initial, started, ready: AtomicBool::new(false) })
}

/// A dropped `.studio` file is imported and opened; dropped data files go to the Data workbench.
pub(crate) fn dropped(app: &tauri::AppHandle, paths: Vec<PathBuf>) {
    let desktop = app.state::<Desktop>();
    let (studio, user, app) = (desktop.studio.clone(), desktop.user.clone(), app.clone());
    tauri::async_runtime::spawn(async move {
        let mut data_files = Vec::new();
        for path in paths {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
            match ext.as_str() {
                "studio" => match studio.import_project(&path, &user).await {
                    Ok(state) => {
                        let _ = app.emit("studio-open", json!({"project_id": state.project_id}));
                    }
                    Err(e) => {
                        let _ = app.emit("studio-error", e);
                    }
                },
                "csv" | "json" | "parquet" => data_files.push(path.display().to_string()),
                _ => {
                    let message = format!("{} is not a .studio project or a CSV, JSON or Parquet file", path.display());
                    let _ = app.emit("studio-error", CoreError::invalid(message));
                }
            }
        }
        if !data_files.is_empty() {
            let _ = app.emit("studio-data-files", json!({"paths": data_files}));
        }
    });
}

fn main() {
    let started = Instant::now();
    let filter = tracing_subscriber::EnvFilter::try_from_env("STUDIO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,studio::request=info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(|| studio_core::MaskedStderr).init();
    let desktop = match open_studio(started) {
        Ok(desktop) => desktop,
        Err(e) => {
            tracing::error!("could not open the library: {e}");
            std::process::exit(1);
        }
    };
    let studio = desktop.studio.clone();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(desktop)
        .invoke_handler(tauri::generate_handler![
            dispatch,
            whoami,
            take_initial_project,
            ui_ready,
            menu::export_dialog,
            menu::save_svg_dialog
        ])
        .setup(move |app| {
            let (bar, recent) = menu::build(app.handle())?;
            app.set_menu(bar)?;
            app.manage(recent);
            let handle = app.handle().clone();
            let mut events = studio.subscribe();
            tauri::async_runtime::spawn(async move {
                menu::refresh(&handle).await;
                while let Ok(event) = events.recv().await {
                    let recent_changed = matches!(
                        event,
                        StudioEvent::Saved { .. } | StudioEvent::Autosaved { .. } | StudioEvent::Deleted { .. }
                    );
                    let _ = handle.emit("studio-event", event);
                    if recent_changed {
                        menu::refresh(&handle).await;
                    }
                }
            });
            // Should the page never report ready, the window still appears.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(SHOW_AT_LATEST).await;
                if let Some(window) = handle.get_webview_window("main") {
                    show(&window);
                }
            });
            // Autosave, scheduled reports, webhooks, team syncs and the task agents run on Tauri's Tokio runtime, for
            // as long as the app does.
            let autosaving = studio.clone();
            tauri::async_runtime::spawn(async move {
                let _task = autosaving.spawn_autosave();
                let _schedule = autosaving.spawn_report_schedule();
                let _webhooks = autosaving.spawn_webhooks();
                // Local copies of team projects keep in step with their team servers.
                let _team_sync = autosaving.spawn_team_sync();
                if let Err(e) = autosaving.start_tasks().await {
                    tracing::error!("could not start the task agents: {e}");
                }
                // Projects joined at hubs sync while the app runs; presence goes out.
                let _presence = autosaving.sharing.spawn_presence();
                if let Ok(user) = studio_core::local_user_id()
                    && let Err(e) = autosaving.sharing.resume_joined(&user).await
                {
                    tracing::error!("could not reconnect the joined projects: {}", e.message);
                }
                // "Share on this network": the app is the hub of its shared projects, when the
                // analyst turned that on (it stays on from one start to the next).
                autosaving.sharing.set_hub_host(studio_server::hub_host(&autosaving));
                if let Err(e) = autosaving.sharing.resume_network_sharing().await {
                    tracing::error!("could not share on the network again: {}", e.message);
                }
            });
            Ok(())
        })
        .on_menu_event(menu::handle)
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                dropped(window.app_handle(), paths.clone());
            }
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("could not start the window: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Fold unsaved edits into the library and end the session cleanly.
            let studio = handle.state::<Desktop>().studio.clone();
            let _ = tauri::async_runtime::block_on(studio.close());
        }
    });
}
