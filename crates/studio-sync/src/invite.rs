//! An invitation to a shared project: which hub, which project, in which role, until when, and
//! the fingerprint of the hub's TLS certificate, signed by the hub owner's key. As text it is
//! `PAYLOAD.SIGNATURE`, both base64url, so it fits a URL's query string and a chat message.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};

use crate::error::SyncError;
use crate::identity::{Keypair, verify};

pub const INVITE_FORMAT: u32 = 1;

/// What an invite says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    pub v: u32,
    pub invite_id: String,
    /// The hub's sync address: `ws://127.0.0.1:PORT/sync/v1` or `wss://HOST:PORT/sync/v1`.
    pub hub: String,
    pub project_id: String,
    pub project_name: String,
    /// The project's document id, in the automerge-repo form (`automerge:` + this).
    pub doc_id: String,
    /// `editor` or `viewer`.
    pub role: String,
    /// RFC 3339; the hub refuses the invite after it.
    pub expires_at: String,
    /// SHA-256 of the hub's TLS certificate (hex); `None` for a loopback hub without TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The public key that signed the invite: the hub owner's.
    pub issuer_key: String,
}

impl Invite {
    /// The invite as text, signed with `keypair` (whose public key must be `issuer_key`).
    pub fn sign(&self, keypair: &Keypair) -> Result<String, SyncError> {
        if keypair.public_key() != self.issuer_key {
            return Err(SyncError::invalid("an invite is signed by the key it names as its issuer"));
        }
        let payload = serde_json::to_vec(self).map_err(|e| SyncError::invalid(e.to_string()))?;
        let payload = B64.encode(payload);
        let signature = keypair.sign(payload.as_bytes());
        Ok(format!("{payload}.{signature}"))
    }

    /// Reads an invite and checks that its issuer signed it. Whether that issuer is the hub's
    /// owner, and whether it has expired or was revoked, is for the hub to say.
    pub fn parse(text: &str) -> Result<Invite, SyncError> {
        let text = text.trim();
        let text = text.strip_prefix("studio-invite:").unwrap_or(text);
        let (payload, signature) =
            text.split_once('.').ok_or_else(|| SyncError::invalid("this is not a Studio invite (no signature)"))?;
        let bytes =
            B64.decode(payload).map_err(|_| SyncError::invalid("this is not a Studio invite (not base64url)"))?;
        let invite: Invite = serde_json::from_slice(&bytes)
            .map_err(|e| SyncError::invalid(format!("this is not a Studio invite: {e}")))?;
        if invite.v != INVITE_FORMAT {
            return Err(SyncError::invalid(format!(
                "this invite is of format {}; this Studio reads format {INVITE_FORMAT}",
                invite.v
            )));
        }
        verify(&invite.issuer_key, payload.as_bytes(), signature)
            .map_err(|_| SyncError::refused("the invite's signature does not match: it was altered or forged"))?;
        Ok(invite)
    }

    /// Whether the invite has expired at `now`. An expiry that cannot be read is no permission.
    pub fn expired_at(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        chrono::DateTime::parse_from_rfc3339(&self.expires_at).map_or(true, |expires| now >= expires)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(owner: &Keypair) -> Invite {
        Invite {
            v: INVITE_FORMAT,
            invite_id: "i1".into(),
            hub: "ws://127.0.0.1:9/sync/v1".into(),
            project_id: "p1".into(),
            project_name: "Project".into(),
            doc_id: "doc".into(),
            role: "editor".into(),
            expires_at: "2030-01-01T00:00:00Z".into(),
            fingerprint: None,
            issuer_key: owner.public_key(),
        }
    }

    #[test]
    fn an_invite_reads_back_and_a_changed_one_does_not() {
        let owner = Keypair::generate();
        let text = invite(&owner).sign(&owner).unwrap();
        assert_eq!(Invite::parse(&text).unwrap(), invite(&owner));
        assert_eq!(Invite::parse(&format!("studio-invite:{text}")).unwrap().invite_id, "i1");
        // Someone turns a viewer's invite into an editor's: the signature no longer matches.
        let mut viewer = invite(&owner);
        viewer.role = "viewer".into();
        let text = viewer.sign(&owner).unwrap();
        let (_, signature) = text.split_once('.').unwrap();
        let forged = format!("{}.{signature}", B64.encode(serde_json::to_vec(&invite(&owner)).unwrap()));
        let err = Invite::parse(&forged).unwrap_err().to_string();
        assert!(err.contains("altered or forged"), "{err}");
        assert!(Invite::parse("hello").unwrap_err().to_string().contains("not a Studio invite"));
        let other = Keypair::generate();
        assert!(invite(&owner).sign(&other).is_err());
    }

    #[test]
    fn expiry_is_compared_in_time() {
        let owner = Keypair::generate();
        let invite = invite(&owner);
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc();
        assert!(!invite.expired_at(at("2029-12-31T23:59:59.999Z")));
        assert!(invite.expired_at(at("2030-01-01T00:00:00Z")));
        let mut odd = invite.clone();
        odd.expires_at = "soon".into();
        assert!(odd.expired_at(at("2000-01-01T00:00:00Z")));
    }
}
