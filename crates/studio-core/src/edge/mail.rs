//! The postmen of scheduled reports (the edge of the `Postman` port): a message with the report
//! attached, sent over SMTP when one is configured, else kept as a ready-to-send `.eml` in the
//! outbox folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpSettings, redact};
use crate::error::{CoreError, Result};
use crate::ports::{DeliveryChannel, Letter, Posted, Posting, Postman};
use crate::settings::DEFAULT_FROM;

/// How long a delivery waits for the mail server.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The letter as a MIME message from `from`.
pub fn message(letter: &Letter, from: &str) -> Result<Message> {
    let sender: Mailbox =
        from.parse().map_err(|e| CoreError::invalid(format!("the sender '{from}' is not an address: {e}")))?;
    let mut builder = Message::builder().from(sender).subject(&letter.subject);
    for to in &letter.to {
        let mailbox: Mailbox =
            to.parse().map_err(|e| CoreError::invalid(format!("recipient '{to}' is not an address: {e}")))?;
        builder = builder.to(mailbox);
    }
    let kind = ContentType::parse(&letter.content_type).map_err(CoreError::internal)?;
    let parts = MultiPart::mixed()
        .singlepart(SinglePart::plain(letter.body.clone()))
        .singlepart(Attachment::new(letter.attachment_name.clone()).body(letter.attachment.clone(), kind));
    builder.multipart(parts).map_err(|e| CoreError::internal(format!("composing the mail: {e}")))
}

/// Mails through the configured SMTP server; a letter the server refuses is kept in the outbox.
pub struct SmtpPostman {
    pub smtp: SmtpSettings,
    pub outbox: PathBuf,
}

/// Keeps every letter in the outbox, ready to send (no mail server is configured).
pub struct OutboxPostman {
    pub outbox: PathBuf,
}

impl Postman for SmtpPostman {
    fn channel(&self) -> DeliveryChannel {
        DeliveryChannel::Smtp
    }

    fn post<'a>(&'a self, letter: &'a Letter, name: &'a str) -> Posting<'a> {
        Box::pin(async move {
            let message = message(letter, &self.smtp.from)?;
            let to = recipients(letter);
            match send(&self.smtp, message.clone(), SMTP_TIMEOUT).await {
                Ok(()) => Ok(Posted::Sent { via: format!("mailed to {to} through {}", redact(&self.smtp.url)) }),
                Err(e) => {
                    let eml = write_outbox(&self.outbox, name, &message)?;
                    let why = format!("{}; the mail is in the outbox: {}", e.message, eml.display());
                    Ok(Posted::Outbox { eml, why })
                }
            }
        })
    }
}

impl Postman for OutboxPostman {
    fn channel(&self) -> DeliveryChannel {
        DeliveryChannel::Outbox
    }

    fn post<'a>(&'a self, letter: &'a Letter, name: &'a str) -> Posting<'a> {
        Box::pin(async move {
            let message = message(letter, DEFAULT_FROM)?;
            let eml = write_outbox(&self.outbox, name, &message)?;
            let why = format!(
                "no mail server is set (STUDIO_SMTP_URL): the mail to {} is ready to send in {}",
                recipients(letter),
                eml.display()
            );
            Ok(Posted::Outbox { eml, why })
        })
    }
}

/// "2 recipients".
fn recipients(letter: &Letter) -> String {
    let n = letter.to.len();
    format!("{n} recipient{}", if n == 1 { "" } else { "s" })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_carries_its_attachment() {
        let letter = Letter {
            to: vec!["ana@example.org".to_string(), "bo@example.org".to_string()],
            subject: "Heat pumps — weekly report".into(),
            body: "Attached.".into(),
            attachment_name: "heat-pumps.pdf".into(),
            attachment: b"%PDF-1.7 test".to_vec(),
            content_type: "application/pdf".into(),
        };
        let text = String::from_utf8(message(&letter, DEFAULT_FROM).unwrap().formatted()).unwrap();
        assert!(text.contains("To: ana@example.org, bo@example.org"), "{text}");
        assert!(text.contains("filename=\"heat-pumps.pdf\""), "{text}");
        assert!(message(&letter, "nobody").unwrap_err().message.contains("the sender 'nobody' is not an address"));
        let bad = Letter { to: vec!["not an address".into()], ..letter };
        assert!(message(&bad, DEFAULT_FROM).unwrap_err().message.contains("recipient 'not an address'"));
    }
}
