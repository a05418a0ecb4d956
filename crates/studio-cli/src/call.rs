//! The command line's one way into the core: every operation is a `Request` run through
//! `Studio::dispatch`, as HTTP and the desktop run theirs, so what dispatch adds (today its
//! timing and log line; later permission checks, audit, receipts) covers the command line too.
//! The answer is read back as the type the command prints.

use serde::de::DeserializeOwned;
use studio_core::{CoreError, Request, Studio};

pub async fn call<T: DeserializeOwned>(studio: &Studio, request: Request) -> Result<T, CoreError> {
    let name = request.name();
    let answer = studio.dispatch(request).await?;
    serde_json::from_str(answer.json()).map_err(|e| CoreError::internal(format!("the answer to {name}: {e}")))
}
