//! Mail: password-reset and invite links go out over SMTP (here to a real SMTP sink on
//! 127.0.0.1, plain as only loopback allows) and never into the server's log; without a
//! transport those flows answer `mail_not_configured` and admins get invite links instead.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/smtp_sink.rs"]
mod smtp_sink;
#[path = "support/server.rs"]
mod support;

use folio_server::mail::{Mailer, SmtpConfig, SmtpTls};
use reqwest::StatusCode;
use serde_json::json;
use smtp_sink::SmtpSink;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use support::{assert_error, Login, TestServer, PASSWORD};

/// Everything every server in this test binary logs, at every level.
fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        tracing_subscriber::fmt()
            .with_env_filter("trace")
            .with_ansi(false)
            .with_writer(move || Capture(sink.clone()))
            .init();
        buf
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logged() -> String {
    String::from_utf8_lossy(&log().lock().unwrap()).into_owned()
}

/// The token after `marker` in `text` (up to the first character no token has). Undoes the
/// quoted-printable encoding lettre gives the long link line (soft breaks, `=3D` for `=`).
fn token_after(text: &str, marker: &str) -> String {
    let text = text.replace("=\r\n", "").replace("=3D", "=");
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {text}"))
        + marker.len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

#[tokio::test]
async fn links_go_out_over_smtp_and_never_into_the_log() {
    log();
    let sink = SmtpSink::start().await;
    let smtp = Mailer::smtp(&SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(sink.addr.port()),
        username: None,
        password: None,
        from: "Folio <folio@example.com>".into(),
        tls: SmtpTls::None,
    })
    .unwrap();
    let t = TestServer::start_adjusted(|c| c.mailer = smtp).await;
    let ann = t.register("ann@example.com").await;

    let (status, v) = t
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"email": "ann@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{v}");
    let reset = sink.wait_for("ann@example.com").await;
    assert_eq!(reset.from, "folio@example.com");
    assert!(
        reset.data.contains("Subject: Reset your Folio password"),
        "{}",
        reset.data
    );
    let reset_token = token_after(&reset.data, "/reset-password#token=");
    assert!(reset_token.starts_with("fpr_"), "{reset_token}");
    let (status, v) = t
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": reset_token, "password": format!("{PASSWORD}-2")}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{v}");

    let (_, v) = t.login("ann@example.com", &format!("{PASSWORD}-2")).await;
    let ann = Login::from_tokens(&ann.email, &v);
    let (status, v) = t
        .post(
            "/v1/account/invites",
            Some(&ann.access),
            json!({"email": "bob@example.com", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let invite = sink.wait_for("bob@example.com").await;
    let invite_token = token_after(&invite.data, "/accept-invite#token=");
    assert!(invite_token.starts_with("fin_"), "{invite_token}");
    let (status, v) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": invite_token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");

    let log = logged();
    assert!(log.contains("email sent"), "the capture works:\n{log}");
    for secret in [&reset_token, &invite_token] {
        assert!(!log.contains(secret.as_str()), "a token was logged:\n{log}");
    }
    assert!(!log.contains("#token="), "a link was logged:\n{log}");
}

#[tokio::test]
async fn without_mail_reset_and_invites_say_so_and_admins_get_invite_links() {
    log();
    let t = TestServer::start_adjusted(|c| c.mailer = Mailer::None).await;
    let ann = t.register("ann@example.com").await;
    let (status, v) = t
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"email": "ann@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{v}");
    assert_error(&v, "mail_not_configured");
    // Unknown addresses get the same answer: it says nothing about membership.
    let (_, v2) = t
        .post(
            "/v1/auth/password-reset",
            None,
            json!({"email": "nobody@example.com"}),
        )
        .await;
    assert_eq!(v, v2);

    let (status, v) = t
        .post(
            "/v1/account/invites",
            Some(&ann.access),
            json!({"email": "bob@example.com", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{v}");
    assert_error(&v, "mail_not_configured");
    let (_, account) = t.get("/v1/account", &ann.access).await;
    assert_eq!(account["invites"].as_array().unwrap().len(), 0, "{account}");

    let (status, v) = t
        .post(
            "/v1/account/invites/link",
            Some(&ann.access),
            json!({"email": "bob@example.com", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let link = v["link"].as_str().unwrap().to_owned();
    assert_eq!(v["email"], "bob@example.com");
    let token = token_after(&link, "/accept-invite#token=");
    let (status, v) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let bob = Login::from_tokens("bob@example.com", &v);
    // Only owners and admins get links.
    let (status, v) = t
        .post(
            "/v1/account/invites/link",
            Some(&bob.access),
            json!({"email": "carl@example.com", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");

    let log = logged();
    assert!(!log.contains(&token), "the invite token was logged:\n{log}");
    assert!(!log.contains("#token="), "a link was logged:\n{log}");
}
