//! Reports through the Studio: generate from a simulated project (a task), read it back,
//! export it to PDF, PPTX, HTML and DOCX into the export folder with each file's hash in
//! `export_urls`; the errors an analyst can meet are named.

mod common;

use std::process::Command;

use common::{USER, act, action, fixture, fixture_with, project_with_data, run};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use studio_core::Studio;
use studio_core::model::{StageStatus, Workbench};
use studio_core::task_engine::TaskStatus;

/// Runs the baseline and a price scenario.
async fn simulated(studio: &Studio, project: &str) {
    let config = json!({"ticks": 30, "replicates": 8, "seed": 5, "threshold": {"share": 0.2, "tick": 20}});
    run(studio, project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    let created = act(
        studio,
        project,
        Workbench::Scenario,
        "create_scenario",
        json!({"scenario_config": {"name": "Prices fall 20%", "description": "cheaper units",
            "variable_overrides": [{"variable": "price", "value": 0.8}]}}),
    )
    .await;
    let id = created["scenario_id"].as_str().unwrap().to_string();
    run(studio, project, Workbench::Scenario, "run_scenario", json!({"scenario_id": id})).await;
}

/// An export's bytes from its URL, checked against the hash it names: a file on this computer,
/// or on a team server the project's artifact (kept in PostgreSQL, reachable from any instance).
async fn export_bytes(studio: &Studio, project: &str, url: &str) -> Vec<u8> {
    let (place, hash) = url.split_once("#sha256=").unwrap();
    let bytes = match place.strip_prefix("file://") {
        Some(path) => std::fs::read(path).unwrap(),
        None => {
            assert_eq!(place, format!("/api/v1/studio/projects/{project}/artifacts/{hash}"));
            let (kind, bytes) = studio.project_artifact(project, USER, hash).await.unwrap();
            assert!(kind.starts_with("export_"), "{kind}");
            bytes
        }
    };
    assert_eq!(hash, hex::encode(Sha256::digest(&bytes)));
    bytes
}

fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs (Debian package poppler-utils; scripts/setup installs it)");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_simulated_project_reports_in_four_formats_with_hashes() {
    let f = fixture().await;
    let (studio, project, _dir) = project_with_data(f, 3_000).await;
    simulated(&studio, &project).await;
    let config =
        json!({"template": "detailed_analysis", "sections": [], "include_charts": true, "include_methodology": true});
    act(
        &studio,
        &project,
        Workbench::Report,
        "add_annotation",
        json!({"annotation": {"section": "results", "text": "Prices are from the 2024 tariff.", "author": "Ana"}}),
    )
    .await;
    let out = run(&studio, &project, Workbench::Report, "generate", json!({"report_config": config})).await;
    let report_id = out["report_id"].as_str().expect("a report id").to_string();
    let load = studio_core::model::ProjectLoad { project_id: project.clone(), user_id: USER.into(), version: None };
    let state = studio.get_project(&load).await.unwrap();
    assert_eq!(state.workbench_states.report.status, StageStatus::Complete);
    assert_eq!(state.workbench_states.report.report_id.as_deref(), Some(report_id.as_str()));

    let report = studio.get_report(&project, &report_id).await.unwrap();
    let kinds: Vec<&str> = report.content.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        &kinds[..8],
        ["summary", "data", "population", "scenarios", "results", "comparison", "calibration", "sensitivity"]
    );
    let results = report.content.sections.iter().find(|s| s.kind == "results").unwrap();
    assert!(results.content_html.contains("Prices are from the 2024 tariff."), "the annotation is in its section");
    assert!(results.charts.iter().any(|c| c.chart_type == "fan"));
    assert!(report.content.appendix.caveats.iter().any(|c| c.contains("ran only 8 replicates")));
    assert!(report.content.appendix.data_sources.iter().any(|s| s.contains("marginals")));

    // All four at once: each writes its own file and keeps the others' entries.
    let mut started = Vec::new();
    for format in ["pdf", "pptx", "html", "docx"] {
        started.push((format, studio.start_report_export(&project, &report_id, USER, format, None).await.unwrap()));
    }
    for (format, task) in started {
        let done = studio.wait_task(&task.id, |_| {}).await.unwrap();
        assert_eq!(done.status, TaskStatus::Completed, "{format}: {:?}", done.reason());
        let receipt = serde_json::to_value(done.result.unwrap().outputs).unwrap();
        let path = std::path::PathBuf::from(receipt["path"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(receipt["sha256"], hex::encode(Sha256::digest(&bytes)), "{format}: the hash is the file's");
        assert!(path.to_string_lossy().contains("/exports/"), "{}", path.display());
        assert!(path.extension().unwrap() == format);
    }
    let report = studio.get_report(&project, &report_id).await.unwrap();
    assert_eq!(report.export_urls.len(), 4, "{:?}", report.export_urls);
    let pdf_bytes = export_bytes(&studio, &project, &report.export_urls["pdf"]).await;
    let scratch = tempfile::tempdir().unwrap();
    let pdf = scratch.path().join("report.pdf");
    std::fs::write(&pdf, &pdf_bytes).unwrap();
    let text = pdftotext(&pdf);
    assert!(text.contains("Heat pumps"), "{text}");
    let mean = report.content.sections[0].content_html.clone();
    let headline = mean.split("class=\"value\">").nth(1).unwrap().split('<').next().unwrap();
    assert!(text.contains(headline), "the PDF carries the headline {headline}");
    let html = String::from_utf8(export_bytes(&studio, &project, &report.export_urls["html"]).await).unwrap();
    assert!(html.contains("<svg") && html.contains("Prices fall 20%"));
}

#[tokio::test]
async fn reports_name_what_is_wrong() {
    let f = fixture().await;
    let (studio, project, dir) = project_with_data(f, 3_000).await;
    let generate = |payload: Value| {
        let studio = studio.clone();
        let project = project.clone();
        async move { studio.workbench_action(&action(&project, Workbench::Report, "generate", payload)).await }
    };
    let err = generate(json!({})).await.unwrap_err();
    assert_eq!(err.code, "not_ready", "{}", err.message);
    assert!(err.message.contains("run a scenario"), "{}", err.message);
    let err = studio
        .workbench_action(&action(&project, Workbench::Report, "export", json!({"export_format": "pdf"})))
        .await
        .unwrap_err();
    assert!(err.message.contains("generate one first"), "{}", err.message);
    simulated(&studio, &project).await;
    let bad_section = json!({"report_config": {"template": "custom", "sections": ["summary", "horoscope"],
        "include_charts": true, "include_methodology": false}});
    let err = generate(bad_section).await.unwrap_err();
    assert!(err.message.contains("unknown section 'horoscope'"), "{}", err.message);
    let missing = dir.path().join("no-such-logo.png");
    let bad_logo = json!({"report_config": {"template": "executive_summary", "sections": [],
        "branding": {"logo_url": missing}, "include_charts": true, "include_methodology": true}});
    let err = generate(bad_logo).await.unwrap_err();
    assert!(
        err.message.contains("branding.logo_url: cannot read") && err.message.contains("no-such-logo.png"),
        "{}",
        err.message
    );
    let not_image = dir.path().join("logo.png");
    std::fs::write(&not_image, "not an image").unwrap();
    let out = studio
        .generate_report(
            &project,
            USER,
            serde_json::from_value(json!({"template": "executive_summary", "sections": [],
            "branding": {"logo_url": not_image}, "include_charts": true, "include_methodology": true}))
            .unwrap(),
            &|_, _| {},
        )
        .await
        .unwrap_err();
    assert!(out.message.contains("neither a PNG nor an SVG"), "{}", out.message);
    let ok = run(&studio, &project, Workbench::Report, "generate", json!({})).await;
    let id = ok["report_id"].as_str().unwrap();
    let err = studio.start_report_export(&project, id, USER, "odt", None).await.unwrap_err();
    assert!(err.message.contains("'odt' is not one of: pdf, pptx, html, docx"), "{}", err.message);
    let relative = Some(std::path::PathBuf::from("report.pdf"));
    let err = studio.start_report_export(&project, id, USER, "pdf", relative).await.unwrap_err();
    assert!(err.message.contains("must be absolute"), "{}", err.message);
    let wrong = Some(dir.path().join("report.txt"));
    let err = studio.start_report_export(&project, id, USER, "pdf", wrong).await.unwrap_err();
    assert!(err.message.contains("must end in .pdf"), "{}", err.message);
    let folder = json!({"report_config": {"template": "executive_summary", "sections": [],
        "branding": {"logo_url": dir.path()}, "include_charts": true, "include_methodology": true}});
    let err = generate(folder).await.unwrap_err();
    assert!(err.message.contains("is not a file"), "{}", err.message);
    let err = studio.get_report(&project, "no-such-report").await.unwrap_err();
    assert_eq!(err.code, "not_found");
}

/// A PNG of one colour, `width` × `height`, written row by row.
fn png_file(path: &std::path::Path, width: u32, height: u32) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap().into_stream_writer().unwrap();
    let row: Vec<u8> = [30u8, 90, 160].repeat(width as usize);
    for _ in 0..height {
        std::io::Write::write_all(&mut writer, &row).unwrap();
    }
    writer.finish().unwrap();
}

/// A logo is read, decoded whole and scaled down when it is set (`customize`), not at every
/// report: a damaged PNG is refused there, naming the problem; a large one is stored at 1024
/// pixels; reports use the stored logo, even once the file is gone.
#[tokio::test]
async fn a_logo_is_checked_and_scaled_once_when_it_is_set() {
    let f = fixture().await;
    let (studio, project, dir) = project_with_data(f, 2_000).await;
    let customize = |logo: &std::path::Path| {
        json!({"report_config": {"template": "executive_summary", "sections": [], "include_charts": true,
               "include_methodology": false, "branding": {"logo_url": logo}}})
    };
    let damaged = dir.path().join("damaged.png");
    png_file(&damaged, 64, 32);
    let mut bytes = std::fs::read(&damaged).unwrap();
    let at = bytes.windows(4).position(|w| w == b"IDAT").unwrap();
    let crc = at + 4 + u32::from_be_bytes(bytes[at - 4..at].try_into().unwrap()) as usize;
    bytes[crc] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    let err = studio
        .workbench_action(&action(&project, Workbench::Report, "customize", customize(&damaged)))
        .await
        .unwrap_err();
    assert!(err.message.contains("branding.logo_url") && err.message.contains("damaged"), "{}", err.message);
    assert!(studio.log(&project).await.unwrap().iter().all(|e| e.action != "customize"), "nothing was set");

    let large = dir.path().join("large.png");
    png_file(&large, 3000, 1500);
    studio.workbench_action(&action(&project, Workbench::Report, "customize", customize(&large))).await.unwrap();
    let load = studio_core::model::ProjectLoad { project_id: project.clone(), user_id: USER.into(), version: None };
    let state = studio.get_project(&load).await.unwrap();
    let branding = state.workbench_states.report.config.unwrap().branding.unwrap();
    let stored = studio.store().artifact(branding.logo_id.as_deref().expect("the logo is stored")).await.unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(stored.content));
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (1024, 512), "scaled down once, when it was set");
    // Saving other settings keeps the logo as prepared.
    studio.workbench_action(&action(&project, Workbench::Report, "customize", customize(&large))).await.unwrap();
    let again = studio.get_project(&load).await.unwrap().workbench_states.report.config.unwrap().branding.unwrap();
    assert_eq!(again.logo_id, branding.logo_id);

    std::fs::remove_file(&large).unwrap();
    // A name as long as names may be (255 characters, 510 bytes here) still makes file names
    // that fit: exports go to their default places.
    let update = studio_core::MetadataUpdate {
        project_name: Some("é".repeat(255)),
        description: None,
        initial_query: None,
        team_id: None,
    };
    studio.update_project(&project, USER, &update).await.unwrap();
    simulated(&studio, &project).await;
    let out = run(&studio, &project, Workbench::Report, "generate", json!({})).await;
    let id = out["report_id"].as_str().unwrap().to_string();
    let task = studio.start_report_export(&project, &id, USER, "docx", None).await.unwrap();
    let done = studio.wait_task(&task.id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    let path = done.result.unwrap().outputs["path"].as_str().unwrap().to_string();
    let name = std::path::Path::new(&path).file_name().unwrap().len();
    assert!(name < 100, "{path}");
    let data = act(&studio, &project, Workbench::Simulation, "export_data", json!({"export_format": "csv"})).await;
    assert!(std::path::Path::new(data["path"].as_str().unwrap()).exists(), "{data}");
}

/// Waits until the recording opener has written `expected`; answers what it holds.
async fn opened_with(record: &std::path::Path, expected: &std::path::Path) -> String {
    let started = std::time::Instant::now();
    loop {
        let got = std::fs::read_to_string(record).unwrap_or_default();
        if got == expected.to_string_lossy() || started.elapsed() > std::time::Duration::from_secs(10) {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[cfg(unix)]
#[tokio::test]
async fn show_in_folder_opens_the_exports_folder() {
    let scripts = tempfile::tempdir().unwrap();
    let opener = scripts.path().join("opener.sh");
    let record = scripts.path().join("opened.txt");
    // Written whole, then moved into place: a reader never sees it half written.
    let script = format!("#!/bin/sh\nprintf '%s' \"$1\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n", record.display());
    std::fs::write(&opener, script).unwrap();
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let program = opener.to_string_lossy().into_owned();
    let f = fixture_with(|c| c.opener = Some(program)).await;
    if f.team_database.is_some() {
        // "Show in folder" is the desktop's: a team server keeps its exports as the team's
        // artifacts (tested above) and refuses it by name at its gate.
        return;
    }
    let (studio, project, dir) = project_with_data(f, 1_000).await;
    let config = json!({"ticks": 10, "replicates": 2, "seed": 1});
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    let report = run(&studio, &project, Workbench::Report, "generate", json!({})).await;
    let rid = report["report_id"].as_str().unwrap();
    let html = studio.export_report(&project, rid, "html", None, &|_, _| {}).await.unwrap();

    let folder = studio.reveal_export(&project, rid, "html").await.unwrap();
    assert_eq!(folder, html.path.parent().unwrap());
    assert_eq!(opened_with(&record, &folder).await, folder.to_string_lossy(), "the opener got the folder");

    // Written elsewhere: shown while it is the file exported, refused once it is another.
    let elsewhere = dir.path().join("shared").join("report.pdf");
    studio.export_report(&project, rid, "pdf", Some(elsewhere.clone()), &|_, _| {}).await.unwrap();
    let folder = studio.reveal_export(&project, rid, "pdf").await.unwrap();
    assert_eq!(opened_with(&record, &folder).await, folder.to_string_lossy());
    assert!(folder.ends_with("shared"));
    std::fs::write(&elsewhere, b"something else").unwrap();
    let e = studio.reveal_export(&project, rid, "pdf").await.unwrap_err();
    assert_eq!(e.code, "forbidden", "{}", e.message);
    assert!(e.message.contains("its contents differ"), "{}", e.message);

    let e = studio.reveal_export(&project, rid, "docx").await.unwrap_err();
    assert!(e.message.contains("has not been exported as DOCX yet"), "{}", e.message);
    let e = studio.reveal_export(&project, rid, "odt").await.unwrap_err();
    assert!(e.message.contains("not one of: pdf, pptx, html, docx"), "{}", e.message);
    std::fs::remove_file(&html.path).unwrap();
    let e = studio.reveal_export(&project, rid, "html").await.unwrap_err();
    assert!(e.message.contains("is no longer there"), "{}", e.message);

    let outbox = studio.reveal_outbox().unwrap();
    assert!(outbox.is_dir() && outbox.ends_with("outbox"));
    assert_eq!(opened_with(&record, &outbox).await, outbox.to_string_lossy());
}

#[tokio::test]
async fn a_missing_file_manager_is_named() {
    let f = fixture_with(|c| c.opener = Some("/nonexistent/file-manager".into())).await;
    let e = f.studio.reveal_outbox().unwrap_err();
    assert_eq!(e.code, "io_error");
    assert!(e.message.contains("with /nonexistent/file-manager"), "{}", e.message);
}

#[tokio::test]
async fn a_preview_is_stored_and_logged_nowhere() {
    let f = fixture().await;
    let (studio, project, _dir) = project_with_data(f, 1_000).await;
    let config = json!({"ticks": 10, "replicates": 2, "seed": 1});
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    let log = studio.log(&project).await.unwrap().len();
    let custom = serde_json::from_value(
        json!({"template": "custom", "sections": ["results", "caveats"], "include_charts": false, "include_methodology": false}),
    )
    .unwrap();
    let preview = studio.preview_report(&project, USER, Some(custom)).await.unwrap();
    assert_eq!(preview.report_id, studio_core::REPORT_PREVIEW_ID);
    let kinds: Vec<&str> = preview.content.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["results", "caveats"], "the given sections, in order");
    assert!(preview.content.appendix.caveats.iter().any(|c| c.contains("ran only 2 replicates")));
    assert!(studio.list_reports(&project).await.unwrap().is_empty(), "nothing stored");
    assert_eq!(studio.log(&project).await.unwrap().len(), log, "nothing logged");
    assert_eq!(studio.get_report(&project, "preview").await.unwrap_err().code, "not_found");
    let bad = serde_json::from_value(
        json!({"template": "custom", "sections": ["horoscope"], "include_charts": true, "include_methodology": true}),
    )
    .unwrap();
    let e = studio.preview_report(&project, USER, Some(bad)).await.unwrap_err();
    assert!(e.message.contains("horoscope"), "{}", e.message);
}
