//! Outgoing email: password-reset and invite links. A link carries a secret token, so it is only
//! ever written into the message itself — never into the server's log (not even at debug level)
//! — and, for the admin-only invite-link route, into the response to the admin.
//!
//! Transports: SMTP ([`SmtpConfig`], with STARTTLS or implicit TLS; plain only to a loopback
//! relay), or an [`Outbox`] that keeps messages in memory for embedders and tests. With neither,
//! password reset and emailed invites answer `mail_not_configured`, and admins hand out invite
//! links themselves (`POST /v1/account/invites/link`).

use crate::ServerError;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

impl Mail {
    fn body(&self) -> String {
        let what = match self.kind {
            MailKind::PasswordReset => {
                "Someone (hopefully you) asked to reset the password of your Folio account.\n\
                 Open this link to choose a new one; it works once, for one hour:"
            }
            MailKind::Invite => {
                "You are invited to join a Folio account. Open this link to accept and choose \
                 your password; it works once, for seven days:"
            }
        };
        format!(
            "{what}\n\n{}\n\nIf you did not expect this email, ignore it.\n",
            self.link
        )
    }
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which is required (port 587 by convention).
    StartTls,
    /// TLS from the first byte (port 465 by convention).
    Tls,
    /// No TLS: only to a relay on this machine (127.0.0.1, ::1, localhost).
    None,
}

impl std::str::FromStr for SmtpTls {
    type Err = ServerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            "none" => Ok(Self::None),
            other => Err(ServerError::Config(format!(
                "unknown SMTP TLS mode {other:?}; use starttls, tls, or none (loopback only)"
            ))),
        }
    }
}

/// An SMTP relay. The password comes from the environment (see `main.rs`), never a flag.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: 587 for STARTTLS, 465 for TLS, 25 for none.
    pub port: Option<u16>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Folio <folio@example.com>`.
    pub from: String,
    pub tls: SmtpTls,
}

// The password never reaches a log line through Debug.
impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("from", &self.from)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A ready SMTP transport and the sender address.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
}

impl fmt::Debug for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl Smtp {
    pub fn new(config: &SmtpConfig) -> Result<Self, ServerError> {
        let bad =
            |what: &str, e: &dyn fmt::Display| ServerError::Config(format!("SMTP {what}: {e}"));
        let from: Mailbox = config.from.parse().map_err(|e| {
            bad(
                "sender",
                &format!(
                    "{e}; use an address such as \"Folio <folio@example.com>\" with --smtp-from"
                ),
            )
        })?;
        let host = config.host.trim();
        if host.is_empty() {
            return Err(ServerError::Config("--smtp-host is empty".into()));
        }
        let (tls, port) = match config.tls {
            SmtpTls::StartTls => (
                Tls::Required(
                    TlsParameters::new(host.to_owned()).map_err(|e| bad("TLS", &e))?,
                ),
                587,
            ),
            SmtpTls::Tls => (
                Tls::Wrapper(TlsParameters::new(host.to_owned()).map_err(|e| bad("TLS", &e))?),
                465,
            ),
            SmtpTls::None if is_loopback(host) => (Tls::None, 25),
            SmtpTls::None => {
                return Err(ServerError::Config(format!(
                    "--smtp-tls none sends passwords and links in the clear; it is only allowed to a relay on this machine, not {host:?}. Use starttls or tls"
                )))
            }
        };
        // The greeting names the sender's domain rather than this machine's hostname.
        let hello = ClientId::Domain(from.email.domain().to_owned());
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .tls(tls)
            .port(config.port.unwrap_or(port))
            .hello_name(hello)
            .timeout(Some(Duration::from_secs(30)));
        match (&config.username, &config.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (Some(_), None) => {
                return Err(ServerError::Config(
                    "an SMTP user is set but no password: put it in FOLIO_SERVER_SMTP_PASSWORD (or the variable --smtp-password-env names)".into(),
                ))
            }
            _ => {}
        }
        Ok(Self {
            transport: builder.build(),
            from,
            host: host.to_owned(),
        })
    }

    async fn send(&self, mail: &Mail) -> Result<(), ServerError> {
        let to: Mailbox = mail.to.parse().map_err(|e| {
            ServerError::invalid("email", format!("cannot send to this address: {e}"))
        })?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            // lettre picks the transfer encoding (quoted-printable here: the link line is long).
            .body(mail.body())
            .map_err(|e| ServerError::Internal(format!("building an email: {e}")))?;
        // lettre's errors describe the SMTP exchange (status codes, server replies), never the
        // message body: safe to log.
        self.transport.send(message).await.map_err(|e| {
            tracing::error!(target: "folio_server::mail", host = %self.host, error = %e, "email not sent");
            ServerError::MailFailed(format!(
                "the email could not be sent (the mail server {} refused or did not answer); try again later",
                self.host
            ))
        })?;
        Ok(())
    }
}

#[derive(Clone, Debug, Default)]
pub enum Mailer {
    /// No transport: password reset and emailed invites are refused with `mail_not_configured`.
    #[default]
    None,
    Smtp(Arc<Smtp>),
    /// Keep messages in memory, for tests and embedders.
    Outbox(Outbox),
}

impl Mailer {
    pub fn smtp(config: &SmtpConfig) -> Result<Self, ServerError> {
        Ok(Self::Smtp(Arc::new(Smtp::new(config)?)))
    }

    /// Refuse up front when there is nothing to send with.
    pub(crate) fn ensure_configured(&self) -> Result<(), ServerError> {
        match self {
            Mailer::None => Err(ServerError::MailNotConfigured),
            _ => Ok(()),
        }
    }

    pub(crate) async fn send(&self, mail: Mail) -> Result<(), ServerError> {
        match self {
            Mailer::None => Err(ServerError::MailNotConfigured),
            Mailer::Smtp(smtp) => {
                smtp.send(&mail).await?;
                tracing::info!(target: "folio_server::mail", to = %mail.to, subject = %mail.subject, "email sent");
                Ok(())
            }
            Mailer::Outbox(outbox) => {
                tracing::info!(target: "folio_server::mail", to = %mail.to, subject = %mail.subject, "email queued in the outbox");
                outbox.push(mail);
                Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config(host: &str, tls: SmtpTls) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port: None,
            username: None,
            password: None,
            from: "Folio <folio@example.com>".into(),
            tls,
        }
    }

    #[test]
    fn plain_smtp_only_to_loopback() {
        assert!(Smtp::new(&config("127.0.0.1", SmtpTls::None)).is_ok());
        assert!(Smtp::new(&config("::1", SmtpTls::None)).is_ok());
        assert!(Smtp::new(&config("localhost", SmtpTls::None)).is_ok());
        let err = Smtp::new(&config("smtp.example.com", SmtpTls::None)).unwrap_err();
        assert!(err.to_string().contains("starttls"), "{err}");
        assert!(Smtp::new(&config("smtp.example.com", SmtpTls::StartTls)).is_ok());
        assert!(Smtp::new(&config("smtp.example.com", SmtpTls::Tls)).is_ok());
    }

    #[test]
    fn a_user_without_a_password_and_a_bad_sender_are_config_errors() {
        let mut c = config("smtp.example.com", SmtpTls::StartTls);
        c.username = Some("folio".into());
        assert!(Smtp::new(&c).is_err());
        let mut c = config("smtp.example.com", SmtpTls::StartTls);
        c.from = "not an address".into();
        assert!(Smtp::new(&c).is_err());
        let c = SmtpConfig {
            password: Some("hunter2".into()),
            ..config("smtp.example.com", SmtpTls::StartTls)
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn tls_modes_parse() {
        assert_eq!("STARTTLS".parse::<SmtpTls>().unwrap(), SmtpTls::StartTls);
        assert_eq!("tls".parse::<SmtpTls>().unwrap(), SmtpTls::Tls);
        assert_eq!("none".parse::<SmtpTls>().unwrap(), SmtpTls::None);
        assert!("ssl".parse::<SmtpTls>().is_err());
    }
}
