//! Secrets kept out of everything the product writes about itself — logs, the audit log,
//! events, error messages: API keys, passwords, tokens and SMTP credentials are replaced by
//! `***` wherever they would appear. Three nets: the secrets this program knows (its SMTP and
//! database passwords, `STUDIO_SECRET_*` values, tokens and webhook secrets it issued), their
//! shapes (a password in a URL, a bearer token, a team token), and in JSON the values of keys
//! that name a secret (`password`, `api_key`, `token`, `authorization`, …).

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

use regex::Regex;
use serde_json::Value;

/// What a secret becomes.
pub const MASK: &str = "***";

/// Shorter values are not remembered (they would mask ordinary words).
const SHORTEST: usize = 6;

static KNOWN: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// The shapes of secrets and what each becomes (each one is tried by the tests below).
static SHAPES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let shape = |pattern: &str, with: &'static str| Regex::new(pattern).ok().map(|r| (r, with));
    [
        // scheme://user:password@host
        shape(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]*):[^\s@/]+@", "${1}:***@"),
        shape(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", "${1} ***"),
        // A team server's token.
        shape(r"\bst_[0-9a-f]{16,}", "st_***"),
        // key=value and "key": "value" for keys that name a secret.
        shape(
            r#"(?i)((?:api[_-]?key|apikey|access[_-]?key|secret|password|passwd|pwd|token|authorization|private[_-]?key)["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"'&,;}]{3,}"#,
            "${1}***",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
});

/// Whether a JSON key names a secret.
pub fn secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace('-', "_");
    ["password", "passwd", "secret", "token", "api_key", "apikey", "access_key", "private_key", "authorization"]
        .iter()
        .any(|s| key.contains(s))
}

/// Remembers a secret's value: from now on it is masked wherever it appears.
pub fn remember(secret: &str) {
    let secret = secret.trim();
    if secret.len() < SHORTEST {
        return;
    }
    let mut known = KNOWN.write().unwrap_or_else(|p| p.into_inner());
    if !known.iter().any(|k| k == secret) {
        known.push(secret.to_string());
        // Longest first, so a secret containing another is masked whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }
}

/// Remembers the password of a URL (`smtp://user:pass@host`, `postgres://…`), as written and
/// percent-decoded.
pub fn remember_url(url: &str) {
    let Some((_, rest)) = url.split_once("://") else { return };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((userinfo, _)) = authority.rsplit_once('@') else { return };
    let Some((_, password)) = userinfo.split_once(':') else { return };
    remember(password);
    remember(&percent_decoded(password));
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Remembers every `STUDIO_SECRET_*` variable's value (the secrets workflows name as
/// `${secrets.NAME}`).
pub fn remember_environment() {
    for (name, value) in std::env::vars() {
        if name.starts_with("STUDIO_SECRET_") {
            remember(&value);
        }
    }
}

/// The text with every secret it holds masked.
pub fn mask(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for secret in KNOWN.read().unwrap_or_else(|p| p.into_inner()).iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), MASK));
        }
    }
    for (shape, with) in SHAPES.iter() {
        if let Cow::Owned(masked) = shape.replace_all(&out, *with) {
            out = Cow::Owned(masked);
        }
    }
    out
}

/// The JSON with the values of secret-naming keys and every secret in its strings masked.
pub fn mask_json(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(masked) = mask(s) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if secret_key(key) && !matches!(item, Value::Null | Value::Bool(_)) {
                    *item = Value::String(MASK.into());
                } else {
                    mask_json(item);
                }
            }
        }
        _ => {}
    }
}

/// Standard error with every secret masked: the log's writer (each event is written whole, so
/// a secret is never cut in two).
pub struct MaskedStderr;

impl std::io::Write for MaskedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(mask(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_known_secrets_are_masked() {
        remember("hunter2-very-secret");
        let cases = [
            ("smtp://mailer:p%40ss@mail.example:587 refused", "smtp://mailer:***@mail.example:587 refused"),
            ("postgres://studio:pw123@db/studio", "postgres://studio:***@db/studio"),
            ("Authorization: Bearer abcdefghijklmnop", "Authorization: ***"),
            ("header Bearer abcdefghijklmnop sent", "header Bearer *** sent"),
            ("token st_0123456789abcdef0123456789abcdef rejected", "token st_*** rejected"),
            ("?api_key=sk-live-123&x=1", "?api_key=***&x=1"),
            (r#"{"password": "letmein"}"#, r#"{"password": "***"}"#),
            ("the key hunter2-very-secret leaked", "the key *** leaked"),
            ("nothing to hide here", "nothing to hide here"),
        ];
        for (text, masked) in cases {
            assert_eq!(mask(text), masked, "{text}");
        }
        let mut json = serde_json::json!({"headers": {"X-Api-Key": "abc123", "Accept": "json"},
                                          "note": "uses hunter2-very-secret", "token": null});
        mask_json(&mut json);
        assert_eq!(json["headers"]["X-Api-Key"], MASK);
        assert_eq!(json["headers"]["Accept"], "json");
        assert_eq!(json["note"], "uses ***");
        assert!(json["token"].is_null());
    }
}
