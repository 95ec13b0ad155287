//! A sync socket lives no longer than the login that opened it: logout, a password reset, a
//! reused refresh token, removal from the account and the access token's expiry each close it
//! with a `folio_sync::close` code, and a frame sent after the end is never applied.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;
#[path = "support/sync_client.rs"]
mod sync_client;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use folio_server::mail::MailKind;
use folio_server::secrets::{token_hash, TokenKind};
use folio_server::{PlanId, TokenLifetimes};
use folio_sync::{Frame, CLOSE_ACCESS_EXPIRED, CLOSE_REMOVED, CLOSE_SESSION_ENDED};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use support::{doc, Login, TestServer, PASSWORD};
use sync_client::*;

/// A device of `who` in sync with the server on `id`.
async fn synced(t: &TestServer, who: &Login, id: folio_sync::DocId) -> Device {
    let mut d = AutoCommit::new();
    d.put(ROOT, "title", "before").unwrap();
    d.commit();
    let mut dev = Device::connect(t, who, "laptop", id, d).await;
    dev.subscribe().await;
    dev.sync().await;
    dev
}

/// Right after the login ended (the HTTP call has returned), the device sends a change: the
/// socket closes with `code` and the server never applies it.
async fn late_change_is_refused(t: &TestServer, dev: &mut Device, code: u16) {
    let before = server_heads(t, &dev.id).await;
    dev.doc.put(ROOT, "title", "after the end").unwrap();
    dev.doc.commit();
    let message = message_with_changes(&mut dev.doc);
    dev.try_send(Frame::Sync {
        doc: dev.id,
        message,
    })
    .await;
    let (got, skipped) = dev.expect_close().await;
    assert_eq!(got, code, "close code");
    assert!(
        skipped.iter().all(|f| !matches!(f, Frame::Sync { .. })),
        "the server answered a frame after the end: {skipped:?}"
    );
    assert_eq!(
        server_heads(t, &dev.id).await,
        before,
        "a late change was applied"
    );
}

#[tokio::test]
async fn logout_closes_the_socket() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut dev = synced(&t, &a, id).await;
    let (status, _) = t
        .call(Method::POST, "/v1/auth/logout", Some(&a.access), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    late_change_is_refused(&t, &mut dev, CLOSE_SESSION_ENDED).await;
}

#[tokio::test]
async fn a_password_reset_closes_the_socket() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut dev = synced(&t, &a, id).await;
    let (status, _) = t
        .post("/v1/auth/password-reset", None, json!({"email": a.email}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let mail = t.wait_for_mail(&a.email, MailKind::PasswordReset).await;
    let (status, v) = t
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": mail.token, "password": format!("{PASSWORD}-new")}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{v}");
    late_change_is_refused(&t, &mut dev, CLOSE_SESSION_ENDED).await;
}

#[tokio::test]
async fn a_reused_refresh_token_closes_the_socket() {
    // No grace window: the second use is reuse at once.
    let lifetimes = TokenLifetimes {
        refresh_grace: Duration::ZERO,
        ..TokenLifetimes::default()
    };
    let t = TestServer::start_with(PlanId::Growth, lifetimes).await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut dev = synced(&t, &a, id).await;
    let body = json!({"refresh_token": a.refresh});
    let (status, v) = t.post("/v1/auth/refresh", None, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, _) = t.post("/v1/auth/refresh", None, body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    late_change_is_refused(&t, &mut dev, CLOSE_SESSION_ENDED).await;
}

#[tokio::test]
async fn removal_from_the_account_closes_the_socket() {
    let t = TestServer::start().await;
    let owner = t.register("owner@example.com").await;
    let bob = t
        .invite_and_accept(&owner, "bob@example.com", "editor")
        .await;
    let id = t
        .add_doc(&owner, &format!("account/{}", owner.account_id), None)
        .await;
    let mut dev = synced(&t, &bob, doc(&id)).await;
    let (status, v) = t
        .call(
            Method::DELETE,
            &format!("/v1/account/users/{}", bob.user_id),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{v}");
    late_change_is_refused(&t, &mut dev, CLOSE_REMOVED).await;
}

/// A login ended where this socket hears no notice (another instance in scale mode; here the
/// store directly): the next frame finds out, and is not applied.
#[tokio::test]
async fn a_login_ended_without_a_notice_stops_the_next_frame() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut dev = synced(&t, &a, id).await;
    let hash = token_hash(TokenKind::Access, &a.access).unwrap();
    let principal = t.server.store().authenticate(&hash).await.unwrap().unwrap();
    t.server
        .store()
        .revoke_session(&principal.session_id, "test")
        .await
        .unwrap();
    late_change_is_refused(&t, &mut dev, CLOSE_SESSION_ENDED).await;
}

#[tokio::test]
async fn the_access_token_expiring_closes_the_socket() {
    let lifetimes = TokenLifetimes {
        access: Duration::from_secs(3),
        ..TokenLifetimes::default()
    };
    let t = TestServer::start_with(PlanId::Growth, lifetimes).await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    // A fresh token for the socket; on a loaded machine it may expire before the upgrade, and
    // then a fresher one is taken.
    let mut dev = loop {
        let (status, v) = t.login(&a.email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let fresh = Login::from_tokens(&a.email, &v);
        match connect(&t, Some(&fresh.access), Some("laptop")).await {
            Ok(ws) => {
                break Device {
                    ws,
                    id,
                    doc: AutoCommit::new(),
                    state: automerge::sync::State::new(),
                    bytes: 0,
                    refusals: Vec::new(),
                }
            }
            Err(_) => continue,
        }
    };
    let before = server_heads(&t, &id).await;
    let (code, _) = dev.expect_close().await;
    assert_eq!(code, CLOSE_ACCESS_EXPIRED);
    dev.doc.put(ROOT, "title", "after expiry").unwrap();
    dev.doc.commit();
    let message = message_with_changes(&mut dev.doc);
    dev.try_send(Frame::Sync { doc: id, message }).await;
    assert_eq!(server_heads(&t, &id).await, before);
}
