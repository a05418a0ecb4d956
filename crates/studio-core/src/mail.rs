//! Mail for scheduled reports: a message with the report attached, sent over SMTP when one is
//! configured, else kept as a ready-to-send `.eml` in the outbox folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{CoreError, Result};

/// Where mail goes: `STUDIO_SMTP_URL` (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`
/// for STARTTLS, `smtps://user:pass@host:465`) and the sender `STUDIO_SMTP_FROM`.
#[derive(Clone, PartialEq)]
pub struct SmtpSettings {
    pub url: String,
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings").field("url", &redact(&self.url)).field("from", &self.from).finish()
    }
}

/// The sender when none is configured.
pub const DEFAULT_FROM: &str = "FutureOS Studio <studio@localhost>";

/// One report to mail.
pub struct Letter<'a> {
    pub from: &'a str,
    pub to: &'a [String],
    pub subject: String,
    pub body: String,
    pub attachment_name: String,
    pub attachment: Vec<u8>,
    pub content_type: &'a str,
}

impl Letter<'_> {
    pub fn message(&self) -> Result<Message> {
        let from: Mailbox = self
            .from
            .parse()
            .map_err(|e| CoreError::invalid(format!("the sender '{}' is not an address: {e}", self.from)))?;
        let mut builder = Message::builder().from(from).subject(&self.subject);
        for to in self.to {
            let mailbox: Mailbox =
                to.parse().map_err(|e| CoreError::invalid(format!("recipient '{to}' is not an address: {e}")))?;
            builder = builder.to(mailbox);
        }
        let kind = ContentType::parse(self.content_type).map_err(CoreError::internal)?;
        let parts = MultiPart::mixed()
            .singlepart(SinglePart::plain(self.body.clone()))
            .singlepart(Attachment::new(self.attachment_name.clone()).body(self.attachment.clone(), kind));
        builder.multipart(parts).map_err(|e| CoreError::internal(format!("composing the mail: {e}")))
    }
}

/// Sends over SMTP, waiting at most `timeout` for the server.
pub async fn send(smtp: &SmtpSettings, message: Message, timeout: Duration) -> Result<()> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
        .map_err(|e| CoreError::invalid(format!("STUDIO_SMTP_URL '{}': {e}", redact(&smtp.url))))?
        .timeout(Some(timeout))
        .build();
    transport
        .send(message)
        .await
        .map_err(|e| CoreError::new("smtp_error", format!("the mail server at {} refused: {e}", redact(&smtp.url))))?;
    Ok(())
}

/// Writes the message as `<name>.eml` in `dir`, marked unsent so a mail program opens it as a
/// draft ready to send; whole or not at all.
pub fn write_outbox(dir: &Path, name: &str, message: &Message) -> Result<PathBuf> {
    let mut bytes = b"X-Unsent: 1\r\n".to_vec();
    bytes.extend_from_slice(&message.formatted());
    let path = dir.join(format!("{name}.eml"));
    crate::reports::write_file(&path, &bytes)?;
    Ok(path)
}

/// The URL without its password, for messages (the password may itself hold `@` or `:`).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = rest.find(['/', '?']).map_or((rest, ""), |i| rest.split_at(i));
    match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redact("smtps://ana:s3cret@mail.example.org:465"), "smtps://ana:***@mail.example.org:465");
        assert_eq!(redact("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
        assert_eq!(
            redact("smtp://ana:p@ss:w@mail.example.org:587?tls=required"),
            "smtp://ana:***@mail.example.org:587?tls=required"
        );
        let settings = SmtpSettings { url: "smtps://ana:s3cret@mail.example.org".into(), from: DEFAULT_FROM.into() };
        assert!(!format!("{settings:?}").contains("s3cret"));
    }

    #[test]
    fn a_letter_carries_its_attachment() {
        let to = vec!["ana@example.org".to_string(), "bo@example.org".to_string()];
        let letter = Letter {
            from: DEFAULT_FROM,
            to: &to,
            subject: "Heat pumps — weekly report".into(),
            body: "Attached.".into(),
            attachment_name: "heat-pumps.pdf".into(),
            attachment: b"%PDF-1.7 test".to_vec(),
            content_type: "application/pdf",
        };
        let text = String::from_utf8(letter.message().unwrap().formatted()).unwrap();
        assert!(text.contains("To: ana@example.org, bo@example.org"), "{text}");
        assert!(text.contains("filename=\"heat-pumps.pdf\""), "{text}");
        let bad = Letter { from: "nobody", ..letter };
        assert!(bad.message().unwrap_err().message.contains("the sender 'nobody' is not an address"));
    }
}
