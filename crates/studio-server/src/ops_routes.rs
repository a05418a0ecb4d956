//! What an operator watches: `/health` (the seed's status and scores, answered without a token
//! so a load balancer or a supervisor can probe it, 503 when the program is unhealthy) and
//! `/metrics` (Prometheus's text format, for a scraper holding the token). The same under
//! `/api/v1/studio/` answer what each component saw, too.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use studio_core::{Health, HealthStatus, MetricsText, Request};

use crate::handlers::{Answer, run};
use crate::{ApiError, AppState};

/// Prometheus's text exposition format.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

async fn checked(s: &AppState) -> Result<Health, ApiError> {
    let answer = run(s, Request::Health).await?;
    serde_json::from_str(answer.json()).map_err(|e| ApiError::new("internal", format!("the health answer: {e}")))
}

fn with_status(health: Health) -> Answer {
    let status =
        if health.status == HealthStatus::Unhealthy { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    Ok((status, axum::Json(health)).into_response())
}

/// The probe: statuses and scores only.
pub async fn probe(State(s): State<AppState>) -> Answer {
    with_status(checked(&s).await?.without_details())
}

/// The health check with each component's detail.
pub async fn health(State(s): State<AppState>) -> Answer {
    with_status(checked(&s).await?)
}

pub async fn metrics(State(s): State<AppState>) -> Answer {
    let answer = run(&s, Request::Metrics).await?;
    let metrics: MetricsText = serde_json::from_str(answer.json())
        .map_err(|e| ApiError::new("internal", format!("the metrics answer: {e}")))?;
    Ok(([(header::CONTENT_TYPE, PROMETHEUS_TEXT)], metrics.text).into_response())
}
