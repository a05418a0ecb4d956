//! The menu bar: File and Edit with the platform's shortcuts. Items that act on the open
//! project are forwarded to the page as `studio-menu` events; file dialogs run here.

use std::path::PathBuf;

use serde_json::json;
use studio_core::ProjectSummary;
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItemBuilder, PredefinedMenuItem, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, Wry};
use tauri_plugin_dialog::DialogExt;

use crate::Desktop;

/// How many projects File ▸ Open Recent lists.
const RECENT: usize = 8;

/// The menu bar, with the most recently changed projects under File ▸ Open Recent.
pub fn build(app: &AppHandle, recent: &[ProjectSummary]) -> tauri::Result<Menu<Wry>> {
    let item = |id: &str, text: &str, accel: Option<&str>| {
        let builder = MenuItemBuilder::with_id(id, text);
        match accel {
            Some(a) => builder.accelerator(a).build(app),
            None => builder.build(app),
        }
    };
    let mut recent_menu = SubmenuBuilder::new(app, "Open Recent");
    for project in recent.iter().take(RECENT) {
        recent_menu = recent_menu.item(&item(&format!("recent:{}", project.project_id), &project.project_name, None)?);
    }
    if recent.is_empty() {
        recent_menu = recent_menu.item(&MenuItemBuilder::new("No recent projects").enabled(false).build(app)?);
    }
    let recent =
        recent_menu.separator().item(&item("library", "Show the Project Library", Some("CmdOrCtrl+L"))?).build()?;
    let file = SubmenuBuilder::new(app, "File")
        .item(&item("new", "New Project", Some("CmdOrCtrl+N"))?)
        .item(&item("open", "Open…", Some("CmdOrCtrl+O"))?)
        .item(&recent)
        .separator()
        .item(&item("save", "Save", Some("CmdOrCtrl+S"))?)
        .item(&item("save-template", "Save as Template…", None)?)
        .separator()
        .item(&item("import", "Import .studio…", Some("CmdOrCtrl+I"))?)
        .item(&item("export", "Export .studio…", Some("CmdOrCtrl+E"))?)
        .separator()
        .item(&PredefinedMenuItem::quit(app, Some("Quit"))?)
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .item(&item("undo", "Undo", Some("CmdOrCtrl+Z"))?)
        .item(&item("redo", "Redo", Some("CmdOrCtrl+Shift+Z"))?)
        .separator()
        .item(&PredefinedMenuItem::cut(app, None)?)
        .item(&PredefinedMenuItem::copy(app, None)?)
        .item(&PredefinedMenuItem::paste(app, None)?)
        .item(&PredefinedMenuItem::select_all(app, None)?)
        .build()?;
    MenuBuilder::new(app).item(&file).item(&edit).build()
}

pub fn handle(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        "import" | "open" => {
            let app = app.clone();
            app.dialog().file().add_filter("FutureOS Studio project", &["studio"]).pick_file(move |file| {
                if let Some(path) = file.and_then(|f| f.into_path().ok()) {
                    crate::dropped(&app, vec![path]);
                }
            });
        }
        "export" => {
            // The page knows which project is open; it answers with `export_project` once the
            // path is chosen, so ask it first.
            let _ = app.emit("studio-menu", json!({"id": "export"}));
        }
        id if id.starts_with("recent:") => {
            let _ = app.emit("studio-open", json!({"project_id": &id["recent:".len()..]}));
        }
        id => {
            let _ = app.emit("studio-menu", json!({"id": id}));
        }
    }
}

/// Rebuilds the menu bar with the library's most recently changed projects.
pub async fn refresh(app: &AppHandle) {
    let desktop = app.state::<Desktop>();
    let Ok(mut projects) = desktop.studio.list_projects(Some(&desktop.user)).await else { return };
    // RFC 3339 timestamps in one zone sort as text.
    projects.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    projects.truncate(RECENT);
    match build(app, &projects) {
        Ok(menu) => {
            let _ = app.set_menu(menu);
        }
        Err(e) => eprintln!("FutureOS Studio could not rebuild its menu: {e}"),
    }
}

/// Asks where to write a `.studio` file and exports the project there.
#[tauri::command]
pub async fn export_dialog(
    app: AppHandle,
    project_id: String,
    name: String,
) -> Result<Option<String>, studio_core::CoreError> {
    let (tx, rx) = tokio::sync::oneshot::channel::<Option<PathBuf>>();
    app.dialog()
        .file()
        .add_filter("FutureOS Studio project", &["studio"])
        .set_file_name(format!("{name}.studio"))
        .save_file(move |file| {
            let _ = tx.send(file.and_then(|f| f.into_path().ok()));
        });
    let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
    let studio = app.state::<Desktop>().studio.clone();
    studio.export_project(&project_id, &path, false).await?;
    Ok(Some(path.display().to_string()))
}
