//! A desktop's client of a team server (`studio serve --team`): its teams and projects, a
//! project published into a team as a `.studio` file, one downloaded, and the exchange of
//! document changes that keeps a local copy in step. Every call carries the member's token.
//! A server that cannot be reached is `not_ready`, named; what the server refused is its own
//! error, passed on.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use ureq::Agent;

use crate::error::{CoreError, Result};

/// The largest answer read: a `.studio` file the server sends, or the changes of an exchange.
const MAX_ANSWER_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Clone)]
pub struct TeamClient {
    agent: Agent,
    server: String,
    token: String,
}

/// The server's answer to an exchange: its heads and the changes the desktop lacks (base64).
#[derive(Debug, serde::Deserialize)]
pub struct Exchanged {
    pub heads: Vec<String>,
    pub changes: String,
}

type Answer = ureq::http::Response<ureq::Body>;

impl TeamClient {
    pub fn new(server: &str, token: &str) -> Result<TeamClient> {
        let server = server.trim().trim_end_matches('/').to_string();
        let parsed = server.parse::<ureq::http::Uri>().ok().filter(|u| u.scheme().is_some() && u.host().is_some());
        let Some(uri) = parsed else {
            return Err(CoreError::invalid(format!("'{server}' is not a team server's address (https://host:port)")));
        };
        let loopback = uri.host().is_some_and(|h| h == "localhost" || h == "127.0.0.1" || h == "[::1]");
        let scheme = uri.scheme_str().unwrap_or_default();
        if scheme != "https" && !(scheme == "http" && loopback) {
            return Err(CoreError::invalid(format!(
                "'{server}': a team server is reached over https (http only on this computer's loopback)"
            )));
        }
        if token.trim().is_empty() {
            return Err(CoreError::invalid("the token is empty: paste the one your team invitation gave you"));
        }
        let agent: Agent = Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(300)))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(TeamClient { agent, server, token: token.trim().to_string() })
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    fn unreachable(&self, e: impl std::fmt::Display) -> CoreError {
        CoreError::new(
            "not_ready",
            format!("the team server at {} could not be reached ({e}); your local copy keeps working", self.server),
        )
    }

    /// Runs one blocking call off the async threads; an answer that is not a success is the
    /// server's error, passed on with its code.
    async fn send(
        &self,
        call: impl FnOnce(&TeamClient) -> std::result::Result<Answer, ureq::Error> + Send + 'static,
    ) -> Result<Answer> {
        let me = self.clone();
        let sent = tokio::task::spawn_blocking(move || call(&me).map_err(|e| me.unreachable(e)))
            .await
            .map_err(|e| CoreError::internal(format!("a call to the team server: {e}")))??;
        if sent.status().is_success() {
            return Ok(sent);
        }
        let status = sent.status();
        let mut sent = sent;
        let said: Value = sent.body_mut().read_json().unwrap_or(Value::Null);
        let code = said["code"].as_str().unwrap_or("invalid_request");
        let message = said["message"].as_str().map(str::to_string).unwrap_or_else(|| status.to_string());
        // A refused token is the desktop's to fix, not a bug: say where it came from.
        let code = if code == "unauthorized" { "forbidden" } else { code };
        Err(CoreError::new(code, format!("the team server at {} says: {message}", self.server)))
    }

    async fn read<T: DeserializeOwned + Send + 'static>(&self, answer: Answer) -> Result<T> {
        let server = self.server.clone();
        tokio::task::spawn_blocking(move || {
            let mut answer = answer;
            answer
                .body_mut()
                .with_config()
                .limit(MAX_ANSWER_BYTES)
                .read_json::<T>()
                .map_err(|e| CoreError::internal(format!("the answer of the team server at {server}: {e}")))
        })
        .await
        .map_err(|e| CoreError::internal(format!("reading the team server's answer: {e}")))?
    }

    /// One request of the core, in its envelope, through the server's generic route.
    pub async fn request<T: DeserializeOwned + Send + 'static>(&self, mut request: Value) -> Result<T> {
        request["api_version"] = json!(1);
        let answer = self
            .send(move |c| {
                let url = format!("{}/api/v1/studio/requests", c.server);
                c.agent.post(&url).header("Authorization", &c.bearer()).send_json(&request)
            })
            .await?;
        self.read(answer).await
    }

    /// Publishes a `.studio` file into `team_id`; answers the project as the server has it.
    pub async fn publish(&self, team_id: &str, file: Vec<u8>) -> Result<Value> {
        let team_id = team_id.to_string();
        let answer = self
            .send(move |c| {
                let url = format!("{}/api/v1/studio/teams/{team_id}/projects", c.server);
                c.agent.post(&url).header("Authorization", &c.bearer()).send(&file[..])
            })
            .await?;
        self.read(answer).await
    }

    /// The project as a `.studio` file.
    pub async fn download(&self, project_id: &str) -> Result<Vec<u8>> {
        let project_id = project_id.to_string();
        let answer = self
            .send(move |c| {
                let url = format!("{}/api/v1/studio/projects/{project_id}/file", c.server);
                c.agent.get(&url).header("Authorization", &c.bearer()).call()
            })
            .await?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut answer = answer;
            answer.body_mut().with_config().limit(MAX_ANSWER_BYTES).read_to_vec().map_err(|e| me.unreachable(e))
        })
        .await
        .map_err(|e| CoreError::internal(format!("reading the team server's file: {e}")))?
    }

    /// Sends the changes made here (base64) with every head this copy has; answers the server's.
    pub async fn exchange(&self, project_id: &str, have: &[String], changes: &str) -> Result<Exchanged> {
        self.request(json!({"request": "exchange_changes", "project_id": project_id, "have": have, "changes": changes}))
            .await
    }
}
