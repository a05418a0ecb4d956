//! A webhook's delivery: one event POSTed as JSON, signed with the webhook's secret. The
//! signature header is `X-Studio-Signature: t=UNIX,v1=HEX`, HEX the HMAC-SHA256 of
//! `UNIX.BODY` under the secret (the time is signed, so a captured delivery cannot be replayed
//! later as new); `X-Studio-Topic`, `X-Studio-Seq` and `X-Studio-Webhook` name what it is.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What a delivery carries besides its body.
pub struct Delivery<'a> {
    pub url: &'a str,
    pub webhook_id: &'a str,
    pub secret: &'a str,
    pub topic: &'a str,
    pub seq: i64,
    pub body: &'a str,
}

/// `t=UNIX,v1=HEX` for `body` sent at `unix` under `secret`.
pub fn signature(secret: &str, unix: i64, body: &str) -> String {
    format!("t={unix},v1={}", hmac_hex(secret, &format!("{unix}.{body}")))
}

/// HMAC-SHA256 of `message` under `key`, in hex.
fn hmac_hex(key: &str, message: &str) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else { return String::new() };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Posts the delivery; `Ok` when the receiver answered 2xx, else why not (its status, or the
/// connection's error), never with the secret in it.
pub fn post(delivery: &Delivery<'_>) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let unix = chrono::Utc::now().timestamp();
    let answer = agent
        .post(delivery.url)
        .header("Content-Type", "application/json")
        .header("User-Agent", "FutureOS-Studio-Webhook/1")
        .header("X-Studio-Signature", &signature(delivery.secret, unix, delivery.body))
        .header("X-Studio-Topic", delivery.topic)
        .header("X-Studio-Seq", &delivery.seq.to_string())
        .header("X-Studio-Webhook", delivery.webhook_id)
        .send(delivery.body)
        .map_err(|e| format!("the receiver could not be reached: {e}"))?;
    let status = answer.status();
    if status.is_success() { Ok(()) } else { Err(format!("the receiver answered {status}")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_time_and_body() {
        // RFC 4231, test case 2.
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(hmac_hex("Jefe", "what do ya want for nothing?"), expected);
        assert_eq!(signature("k", 7, "{}"), format!("t=7,v1={}", hmac_hex("k", "7.{}")));
        assert_ne!(signature("k", 7, "{}"), signature("k", 8, "{}"));
    }
}
