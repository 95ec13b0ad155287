//! Passwords and tokens never reach the database in clear: after a run through every flow that
//! handles one, the database files' bytes contain none of them.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;

use folio_server::mail::MailKind;
use reqwest::StatusCode;
use serde_json::json;
use support::{TestServer, PASSWORD};

const NEW_PASSWORD: &str = "Reset-Passphrase-c0ffee-42";
const INVITEE_PASSWORD: &str = "Invitee-Passphrase-beef-77";

/// Every file of the database (main file, WAL, shared memory), concatenated.
fn database_bytes(t: &TestServer) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(t.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("folio-server.db")
        {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn no_password_or_token_is_stored_in_clear() {
    let t = TestServer::start().await;
    let owner = t.register("owner@example.com").await;
    let mut secrets = vec![
        PASSWORD.to_owned(),
        NEW_PASSWORD.to_owned(),
        INVITEE_PASSWORD.to_owned(),
        owner.access.clone(),
        owner.refresh.clone(),
    ];
    let (_, login) = t.login("owner@example.com", PASSWORD).await;
    let (_, rotated) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    for v in [&login, &rotated] {
        secrets.push(v["access_token"].as_str().unwrap().to_owned());
        secrets.push(v["refresh_token"].as_str().unwrap().to_owned());
    }

    t.post(
        "/v1/auth/password-reset",
        None,
        json!({"email": "owner@example.com"}),
    )
    .await;
    let reset = t
        .wait_for_mail("owner@example.com", MailKind::PasswordReset)
        .await;
    let (status, _) = t
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": reset.token, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    secrets.push(reset.token);

    let (_, fresh) = t.login("owner@example.com", NEW_PASSWORD).await;
    let fresh_access = fresh["access_token"].as_str().unwrap();
    t.post(
        "/v1/account/invites",
        Some(fresh_access),
        json!({"email": "ed@example.com", "role": "editor"}),
    )
    .await;
    let invite = t
        .outbox
        .last_to("ed@example.com", MailKind::Invite)
        .unwrap();
    let (status, ed) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": invite.token, "password": INVITEE_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    secrets.push(invite.token);
    for v in [&fresh, &ed] {
        secrets.push(v["access_token"].as_str().unwrap().to_owned());
        secrets.push(v["refresh_token"].as_str().unwrap().to_owned());
    }

    let check = |bytes: &[u8]| {
        // The scan really sees the data: the stored addresses are there.
        assert!(contains(bytes, "owner@example.com") && contains(bytes, "ed@example.com"));
        for secret in &secrets {
            // The whole token, and its random part on its own.
            assert!(!contains(bytes, secret), "found {secret} in the database");
            let random = secret.split_once('_').map_or(secret.as_str(), |(_, r)| r);
            assert!(
                !contains(bytes, random),
                "found {secret}'s random part in the database"
            );
        }
    };
    check(&database_bytes(&t));
    let TestServer { server, dir, .. } = t;
    server.shutdown().await.unwrap();
    // After a clean shutdown the WAL is checkpointed into the main file; scan again.
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    check(&bytes);
}
