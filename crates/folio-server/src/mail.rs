//! Outgoing email. There is no mail transport yet: a message is "delivered" as one log line that
//! carries its link — the only place a reset or invite token is ever written outside the response
//! to the person it belongs to. Embedders and tests can collect messages in an [`Outbox`] instead.

use std::fmt;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    PasswordReset,
    Invite,
}

/// One message. `token` is the secret the link carries; `Debug` leaves it out.
#[derive(Clone)]
pub struct Mail {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub link: String,
    pub token: String,
}

impl fmt::Debug for Mail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mail")
            .field("kind", &self.kind)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, Default)]
pub enum Mailer {
    /// Write each message as one `info` log line (target `folio_server::mail`).
    #[default]
    Log,
    /// Keep messages in memory, for tests and embedders; nothing secret is logged.
    Outbox(Outbox),
}

impl Mailer {
    pub(crate) fn send(&self, mail: Mail) {
        match self {
            Mailer::Log => tracing::info!(
                target: "folio_server::mail",
                to = %mail.to,
                subject = %mail.subject,
                link = %mail.link,
                "email (delivery is logged until a mail transport is configured)"
            ),
            Mailer::Outbox(outbox) => {
                tracing::info!(target: "folio_server::mail", to = %mail.to, subject = %mail.subject, "email queued in the outbox");
                outbox.push(mail);
            }
        }
    }
}

/// Messages collected instead of sent.
#[derive(Clone, Debug, Default)]
pub struct Outbox(Arc<Mutex<Vec<Mail>>>);

impl Outbox {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&self, mail: Mail) {
        // A poisoned lock only means another thread panicked mid-push; the Vec is still usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(mail);
    }

    /// Every message so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The newest message to `to` of `kind`, if any.
    pub fn last_to(&self, to: &str, kind: MailKind) -> Option<Mail> {
        self.messages()
            .into_iter()
            .rev()
            .find(|m| m.kind == kind && m.to.eq_ignore_ascii_case(to))
    }
}
