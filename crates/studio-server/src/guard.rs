//! Who may talk to the server: requests must name this server in Host (and Origin, when a
//! browser sends one) — a defence against DNS rebinding — and carry the launch's token in the
//! `Authorization: Bearer` or `X-Studio-Token` header, a `token` query parameter, or the cookie
//! set when the UI was opened with `?token=`.
//!
//! A team server (`studio serve --team`) answers to whatever address it is reached at (it
//! stands behind the team's own name), takes a browser's requests only from that same origin,
//! and knows each caller by their own token, issued by an invitation: the request then runs
//! as that user (`Caller`), whatever `user_id` it names.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use sha2::Digest;

use crate::{ApiError, AppState};

const COOKIE: &str = "studio_token";

/// The user a team server's request runs as, from their token, and their sign-in (`token:`
/// and the first characters of the token's hash: which of their tokens, never the token).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub sign_in: String,
}

tokio::task_local! {
    /// The caller of the request this task runs (team servers), for the one dispatch.
    pub static CALLER: Option<Caller>;
}

/// The caller of the request being handled, on a team server.
pub fn caller() -> Option<Caller> {
    CALLER.try_with(Clone::clone).ok().flatten()
}

/// The health probe answers statuses and scores to anyone who can reach the server (a load
/// balancer, a supervisor); a desktop's still only when addressed to it.
const PROBE: &str = "/health";

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let probe = request.uri().path() == PROBE && request.method() == axum::http::Method::GET;
    if state.team && probe {
        return next.run(request).await;
    }
    if state.team {
        let presented = team_token(request.headers(), request.uri().query());
        return match team_caller(&state, presented).await {
            Ok(caller) => {
                request.extensions_mut().insert(caller);
                next.run(request).await
            }
            Err(refused) => {
                // Refused before it was read: the audit log has it still.
                state.studio.record_refusal(request.method().as_str(), request.uri().path(), &refused.0);
                refused.into_response()
            }
        };
    }
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
    if probe {
        return next.run(request).await;
    }
    let from_query = query_token(request.uri().query());
    let presented = bearer(headers).or_else(|| from_query.clone()).or_else(|| cookie(headers));
    if presented.as_deref() != Some(&*state.token) {
        let message = if presented.is_some() { "the token is wrong" } else { "a token is required" };
        let refused = ApiError::new("unauthorized", format!("{message}: use the URL `studio serve` printed"));
        state.studio.record_refusal(request.method().as_str(), request.uri().path(), &refused.0);
        return refused.into_response();
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

/// A team server's request's token, once a browser's is known to come from the same origin.
fn team_token(headers: &HeaderMap, query: Option<&str>) -> Result<String, ApiError> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok())
        && origin != format!("http://{host}")
        && origin != format!("https://{host}")
    {
        return Err(ApiError::new("forbidden", format!("requests from origin '{origin}' are refused")));
    }
    let token = bearer(headers).or_else(|| query_token(query)).or_else(|| cookie(headers));
    token.ok_or_else(|| ApiError::new("unauthorized", "a token is required: the one your team invitation gave you"))
}

/// A team server's caller: the user of a token the team issued.
async fn team_caller(state: &AppState, token: Result<String, ApiError>) -> Result<Caller, ApiError> {
    let token = token?;
    let db = state
        .studio
        .store()
        .team_db()
        .ok_or_else(|| ApiError::new("internal", "a team server without its database"))?;
    let user = db.authenticate(&token).await.map_err(|e| ApiError(e.into()))?;
    let digest = sha2::Sha256::digest(token.as_bytes());
    Ok(Caller { user_id: user.user_id, sign_in: format!("token:{}", &hex::encode(digest)[..12]) })
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
