//! How a connection to a hub says who it is, in its URL's query string (a browser's and
//! Node's WebSocket cannot send headers):
//!
//! - `peer` — the samod peer id the connection will use (the hub holds it to that);
//! - `project` — the project, for a collaborator coming back (an invite names its own);
//! - `invite` — an invite, for a first connection (or for a client that has no key, like the
//!   JavaScript automerge-repo: it then takes part as a guest with the invite's role);
//! - `user`, `key`, `ts`, `sig` — the user, their public key, the time (Unix milliseconds) and
//!   their signature over `studio-sync`, the hub's key, the user, the time (and, joining, the
//!   invite id): proof the connection is theirs, fresh within five minutes;
//! - `name`, `color` — how the user wants to be shown, on joining.

use std::collections::HashMap;

use crate::error::SyncError;
use crate::identity::{Keypair, verify};

/// How far a connection's time may be from the hub's.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// What a connection says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hello {
    pub peer: String,
    /// The project, for a collaborator's connection (an invite names its own).
    pub project: Option<String>,
    pub invite: Option<String>,
    pub user: Option<String>,
    pub key: Option<String>,
    pub ts: Option<i64>,
    pub sig: Option<String>,
    pub name: Option<String>,
    pub color: Option<String>,
}

fn proof_text(hub_key: &str, user: &str, ts: i64, invite_id: Option<&str>) -> String {
    format!("studio-sync\n{hub_key}\n{user}\n{ts}\n{}", invite_id.unwrap_or(""))
}

impl Hello {
    /// A signed hello from `user` to the hub whose owner's key is `hub_key`, at `now_ms`.
    pub fn signed(
        peer: &str,
        user: &str,
        keypair: &Keypair,
        hub_key: &str,
        now_ms: i64,
        invite: Option<(&str, &str)>,
    ) -> Hello {
        let (invite_text, invite_id) = match invite {
            Some((text, id)) => (Some(text.to_string()), Some(id)),
            None => (None, None),
        };
        Hello {
            peer: peer.into(),
            project: None,
            invite: invite_text,
            user: Some(user.into()),
            key: Some(keypair.public_key()),
            ts: Some(now_ms),
            sig: Some(keypair.sign(proof_text(hub_key, user, now_ms, invite_id).as_bytes())),
            name: None,
            color: None,
        }
    }

    /// The query string.
    pub fn to_query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("peer", &self.peer);
        let fields = [
            ("project", self.project.clone()),
            ("invite", self.invite.clone()),
            ("user", self.user.clone()),
            ("key", self.key.clone()),
            ("ts", self.ts.map(|t| t.to_string())),
            ("sig", self.sig.clone()),
            ("name", self.name.clone()),
            ("color", self.color.clone()),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                q.append_pair(k, &v);
            }
        }
        q.finish()
    }

    /// Reads a query string's parameters.
    pub fn from_params(params: &HashMap<String, String>) -> Result<Hello, SyncError> {
        let peer = params
            .get("peer")
            .filter(|p| !p.is_empty() && p.len() <= 200)
            .ok_or_else(|| SyncError::invalid("say which peer id the connection uses: ?peer=ID (at most 200 bytes)"))?;
        let ts = match params.get("ts") {
            Some(t) => {
                Some(t.parse().map_err(|_| SyncError::invalid(format!("ts must be Unix milliseconds, not '{t}'")))?)
            }
            None => None,
        };
        let get = |k: &str| params.get(k).cloned();
        Ok(Hello {
            peer: peer.clone(),
            project: get("project"),
            invite: get("invite"),
            user: get("user"),
            key: get("key"),
            ts,
            sig: get("sig"),
            name: get("name"),
            color: get("color"),
        })
    }

    /// Checks that the user's key signed this hello, recently, for the hub `hub_key` (and the
    /// invite `invite_id` when joining). Answers the user and their key.
    pub fn check_signature(
        &self,
        hub_key: &str,
        now_ms: i64,
        invite_id: Option<&str>,
    ) -> Result<(String, String), SyncError> {
        let (Some(user), Some(key), Some(ts), Some(sig)) = (&self.user, &self.key, self.ts, &self.sig) else {
            return Err(SyncError::refused("say who you are: user, key, ts and sig (or come with an invite)"));
        };
        if (now_ms - ts).abs() > MAX_SKEW_MS {
            return Err(SyncError::refused(format!(
                "the connection's time is {} s from the hub's: check the clocks (at most 300 s apart)",
                (now_ms - ts).abs() / 1000
            )));
        }
        verify(key, proof_text(hub_key, user, ts, invite_id).as_bytes(), sig).map_err(|_| {
            SyncError::refused(format!("the signature does not prove that this connection is {user}'s"))
        })?;
        Ok((user.clone(), key.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> HashMap<String, String> {
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
    }

    #[test]
    fn a_signed_hello_reads_back_and_checks() {
        let (bea, hub) = (Keypair::generate(), Keypair::generate());
        let hello = Hello::signed("p1", "bea", &bea, &hub.public_key(), 1_000_000, Some(("TOKEN+/", "i1")));
        let read = Hello::from_params(&params(&hello.to_query())).unwrap();
        assert_eq!(read, hello);
        assert_eq!(read.check_signature(&hub.public_key(), 1_000_500, Some("i1")).unwrap().0, "bea");
        // Another hub, another invite, too late, or a user who is not the key's: refused.
        assert!(read.check_signature(&bea.public_key(), 1_000_500, Some("i1")).is_err());
        assert!(read.check_signature(&hub.public_key(), 1_000_500, Some("i2")).is_err());
        let late = read.check_signature(&hub.public_key(), 1_000_000 + MAX_SKEW_MS + 1, Some("i1")).unwrap_err();
        assert!(late.to_string().contains("clocks"), "{late}");
        let mut other = read.clone();
        other.user = Some("ada".into());
        assert!(other.check_signature(&hub.public_key(), 1_000_500, Some("i1")).is_err());
    }

    #[test]
    fn a_hello_without_a_peer_or_with_a_bad_time_is_named() {
        let err = Hello::from_params(&params("user=bea")).unwrap_err().to_string();
        assert!(err.contains("?peer="), "{err}");
        let err = Hello::from_params(&params("peer=p&ts=soon")).unwrap_err().to_string();
        assert!(err.contains("Unix milliseconds"), "{err}");
        let anonymous = Hello::from_params(&params("peer=p")).unwrap();
        assert!(anonymous.check_signature("k", 0, None).unwrap_err().to_string().contains("say who you are"));
    }
}
