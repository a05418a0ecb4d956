//! Who may talk to the server: requests must name this server in Host (and Origin, when a
//! browser sends one) — a defence against DNS rebinding — and carry the launch's token in the
//! `Authorization: Bearer` or `X-Studio-Token` header, a `token` query parameter, or the cookie
//! set when the UI was opened with `?token=`.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{ApiError, AppState};

const COOKIE: &str = "studio_token";

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if !state.hosts.iter().any(|h| h == host) {
        return ApiError::new("forbidden", format!("requests must be addressed to this server, not to host '{host}'"))
            .into_response();
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let own = state.hosts.iter().any(|h| origin == format!("http://{h}"));
        if !own {
            return ApiError::new("forbidden", format!("requests from origin '{origin}' are refused")).into_response();
        }
    }
    let from_query = query_token(request.uri().query());
    let presented = bearer(headers).or_else(|| from_query.clone()).or_else(|| cookie(headers));
    if presented.as_deref() != Some(&*state.token) {
        let message = if presented.is_some() { "the token is wrong" } else { "a token is required" };
        return ApiError::new("unauthorized", format!("{message}: use the URL `studio serve` printed")).into_response();
    }
    let mut response = next.run(request).await;
    if from_query.is_some() {
        // Opened with ?token=: the page's own requests (scripts, styles) then carry the cookie.
        let value = format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict", state.token);
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    auth.and_then(|a| a.strip_prefix("Bearer "))
        .map(str::to_string)
        .or_else(|| headers.get("x-studio-token").and_then(|v| v.to_str().ok()).map(str::to_string))
}

fn query_token(query: Option<&str>) -> Option<String> {
    query?.split('&').find_map(|pair| pair.strip_prefix("token=")).map(str::to_string)
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE).and_then(|rest| rest.strip_prefix('=')).map(str::to_string))
}
