//! The menu bar: File and Edit with the platform's shortcuts. Items that act on the open
//! project are forwarded to the page as `studio-menu` events; file dialogs run here.

use std::path::PathBuf;

use serde_json::json;
use studio_core::ProjectSummary;
use tauri::menu::{
    Menu, MenuBuilder, MenuEvent, MenuItem, MenuItemBuilder, PredefinedMenuItem, Submenu, SubmenuBuilder,
};
use tauri::{AppHandle, Emitter, Manager, Wry};
use tauri_plugin_dialog::DialogExt;

use crate::Desktop;

/// How many projects File ▸ Open Recent lists.
const RECENT: usize = 8;

/// The Open Recent submenu, whose project items are replaced as projects change.
pub struct RecentMenu {
    submenu: Submenu<Wry>,
    /// Project items at its top (the library item and a separator follow them).
    projects: std::sync::Mutex<usize>,
}

/// The menu bar; File ▸ Open Recent starts empty and is filled by [`refresh`].
pub fn build(app: &AppHandle) -> tauri::Result<(Menu<Wry>, RecentMenu)> {
    let item = |id: &str, text: &str, accel: Option<&str>| {
        let builder = MenuItemBuilder::with_id(id, text);
        match accel {
            Some(a) => builder.accelerator(a).build(app),
            None => builder.build(app),
        }
    };
    let recent = SubmenuBuilder::new(app, "Open Recent")
        .item(&MenuItemBuilder::new("No recent projects").enabled(false).build(app)?)
        .separator()
        .item(&item("library", "Show the Project Library", Some("CmdOrCtrl+L"))?)
        .build()?;
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
    let menu = MenuBuilder::new(app).item(&file).item(&edit).build()?;
    Ok((menu, RecentMenu { submenu: recent, projects: std::sync::Mutex::new(1) }))
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

/// Puts the library's most recently changed projects at the top of File ▸ Open Recent.
pub async fn refresh(app: &AppHandle) {
    let desktop = app.state::<Desktop>();
    let Ok(mut projects) = desktop.studio.list_projects(Some(&desktop.user)).await else { return };
    // RFC 3339 timestamps in one zone sort as text.
    projects.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    projects.truncate(RECENT);
    if let Err(e) = replace_projects(app, &projects) {
        tracing::warn!("could not update Open Recent: {e}");
    }
}

fn replace_projects(app: &AppHandle, projects: &[ProjectSummary]) -> tauri::Result<()> {
    let recent = app.state::<RecentMenu>();
    let mut count = recent.projects.lock().unwrap_or_else(|p| p.into_inner());
    for _ in 0..*count {
        recent.submenu.remove_at(0)?;
    }
    let items: Vec<MenuItem<Wry>> = if projects.is_empty() {
        vec![MenuItemBuilder::new("No recent projects").enabled(false).build(app)?]
    } else {
        projects
            .iter()
            .map(|p| MenuItemBuilder::with_id(format!("recent:{}", p.project_id), &p.project_name).build(app))
            .collect::<tauri::Result<_>>()?
    };
    for (i, item) in items.iter().enumerate() {
        recent.submenu.insert(item, i)?;
    }
    *count = items.len();
    Ok(())
}

/// Asks where to write a `.studio` file and starts exporting the project there, as a task
/// (its progress reaches the window's tasks panel).
#[tauri::command]
pub async fn export_dialog(
    app: AppHandle,
    project_id: String,
    name: String,
) -> Result<Option<studio_core::task_engine::Task>, studio_core::CoreError> {
    let (tx, rx) = tokio::sync::oneshot::channel::<Option<PathBuf>>();
    app.dialog()
        .file()
        .add_filter("FutureOS Studio project", &["studio"])
        .set_file_name(format!("{}.studio", studio_core::file_stem(&name)))
        .save_file(move |file| {
            let _ = tx.send(file.and_then(|f| f.into_path().ok()));
        });
    let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
    let studio = app.state::<Desktop>().studio.clone();
    Ok(Some(studio.start_export(&project_id, path, false).await?))
}

/// The largest drawing `save_svg_dialog` writes.
const MAX_SVG_BYTES: usize = 20 << 20;

/// Asks where to save an SVG drawing (the causal graph's "Export SVG": the web view does not
/// download) and writes it there; false when the analyst cancels.
#[tauri::command]
pub async fn save_svg_dialog(app: AppHandle, name: String, svg: String) -> Result<bool, studio_core::CoreError> {
    check_svg(&svg)?;
    let (tx, rx) = tokio::sync::oneshot::channel::<Option<PathBuf>>();
    app.dialog().file().add_filter("SVG drawing", &["svg"]).set_file_name(name).save_file(move |file| {
        let _ = tx.send(file.and_then(|f| f.into_path().ok()));
    });
    let Some(path) = rx.await.ok().flatten() else { return Ok(false) };
    write_svg(&path, &svg)?;
    Ok(true)
}

/// A drawing the shell will write: an `<svg` element, not too large.
fn check_svg(svg: &str) -> Result<(), studio_core::CoreError> {
    if svg.len() > MAX_SVG_BYTES {
        return Err(studio_core::CoreError::invalid(format!(
            "the drawing is {} MB; the most that is saved is {} MB",
            svg.len() >> 20,
            MAX_SVG_BYTES >> 20
        )));
    }
    if !svg.trim_start().starts_with("<svg") {
        return Err(studio_core::CoreError::invalid("only an SVG drawing (<svg …>) is saved"));
    }
    Ok(())
}

/// Writes the drawing beside its place, then moves it there: a failed write leaves no half file.
fn write_svg(path: &std::path::Path, svg: &str) -> Result<(), studio_core::CoreError> {
    let partial = path.with_extension("svg.partial");
    let failed = |e: std::io::Error| studio_core::CoreError::invalid(format!("cannot save {}: {e}", path.display()));
    std::fs::write(&partial, svg).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawing_is_saved_whole_and_only_a_drawing() {
        let dir = std::env::temp_dir().join(format!("studio-svg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("graph.svg");
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>"#;
        check_svg(svg).unwrap();
        write_svg(&path, svg).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), svg);
        assert!(!dir.join("graph.svg.partial").exists());
        let not = check_svg("#!/bin/sh\nrm -rf ~").unwrap_err().to_string();
        assert!(not.contains("only an SVG drawing"), "{not}");
        let big = format!("<svg>{}</svg>", "x".repeat(MAX_SVG_BYTES));
        assert!(check_svg(&big).unwrap_err().to_string().contains("the most that is saved is 20 MB"));
        let nowhere = write_svg(&dir.join("missing/graph.svg"), svg).unwrap_err().to_string();
        assert!(nowhere.contains("cannot save"), "{nowhere}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
