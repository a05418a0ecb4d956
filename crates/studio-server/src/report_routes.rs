//! Report routes: generate (answers the `GeneratedReport`), get one, list a project's,
//! export (a task: 202 with it; the file and its hash land in `export_urls`), and the
//! schedule's status and "send now" (a task).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use studio_core::model::ReportConfig;

use crate::bodies::{GenerateBody, ReportExportBody, RevealBody};

use studio_core::Request;

use crate::handlers::{Answer, Params, answer, body, run, user};
use crate::{ApiError, AppState};

/// Who asks and with which settings, from a generate or preview body.
fn generate_body(
    raw: Result<Bytes, BytesRejection>,
    q: &std::collections::HashMap<String, String>,
    s: &AppState,
) -> Result<(String, Option<ReportConfig>), ApiError> {
    let req: GenerateBody = body(raw, s)?;
    Ok((req.user_id.unwrap_or_else(|| user(q, s)), req.report_config))
}

pub async fn generate(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let (user_id, report_config) = generate_body(raw, &q, &s)?;
    answer(&s, Request::GenerateReport { project_id: id, user_id, report_config }).await
}

/// The builder's live preview: the report as it would be generated now, stored nowhere.
pub async fn preview(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let (user_id, report_config) = generate_body(raw, &q, &s)?;
    answer(&s, Request::PreviewReport { project_id: id, user_id, report_config }).await
}

pub async fn get_report(State(s): State<AppState>, Path((id, rid)): Path<(String, String)>) -> Answer {
    answer(&s, Request::GetReport { project_id: id, report_id: rid }).await
}

pub async fn list_reports(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::ListReports { project_id: id }).await
}

pub async fn export(
    State(s): State<AppState>,
    Path((id, rid)): Path<(String, String)>,
    Query(q): Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let req: ReportExportBody = body(raw, &s)?;
    if req.path.as_ref().is_some_and(|p| !p.is_absolute()) {
        return Err(ApiError::new(
            "invalid_request",
            "path must be absolute: where on this machine to write the report",
        ));
    }
    let user_id = req.user_id.unwrap_or_else(|| user(&q, &s));
    let request =
        Request::ExportReport { project_id: id, report_id: rid, user_id, format: req.export_format, path: req.path };
    Ok((StatusCode::ACCEPTED, Json(run(&s, request).await?)).into_response())
}

pub async fn schedule(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::ReportSchedule { project_id: id }).await
}

pub async fn send_now(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    let task = run(&s, Request::SendReport { project_id: id, user_id: user(&q, &s) }).await?;
    Ok((StatusCode::ACCEPTED, Json(task)).into_response())
}

/// "Show in folder": the file manager opens on this machine (the server serves loopback only).
pub async fn reveal(
    State(s): State<AppState>,
    Path((id, rid)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let req: RevealBody = body(raw, &s)?;
    answer(&s, Request::RevealExport { project_id: id, report_id: rid, format: req.export_format }).await
}

pub async fn reveal_outbox(State(s): State<AppState>) -> Answer {
    answer(&s, Request::RevealOutbox).await
}
