//! Refresh rotation: a retry of a refresh whose answer was lost gets the same pair back within
//! the grace window; a reuse after it still ends the login; and a login ends for good at its
//! absolute lifetime however often it is refreshed.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;

use folio_server::{PlanId, TokenLifetimes};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use support::{assert_error, TestServer};

#[tokio::test]
async fn a_retried_refresh_within_the_grace_window_gets_the_same_pair() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let body = json!({"refresh_token": a.refresh});
    let (status, first) = t.post("/v1/auth/refresh", None, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    // The answer was "lost": the client retries with the old token.
    let (status, again) = t.post("/v1/auth/refresh", None, body).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["access_token"], first["access_token"]);
    assert_eq!(again["refresh_token"], first["refresh_token"]);
    assert_ne!(first["refresh_token"], a.refresh.as_str());
    // The login is alive, and the new pair works.
    let (status, v) = t
        .get("/v1/me", first["access_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, v) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // The database keeps no usable form of the new pair.
    let raw = std::fs::read(t.db_path()).unwrap_or_default();
    let needle = first["refresh_token"].as_str().unwrap().as_bytes();
    assert!(!raw.windows(needle.len()).any(|w| w == needle));
}

#[tokio::test]
async fn a_reuse_after_the_grace_window_still_ends_the_login() {
    let lifetimes = TokenLifetimes {
        refresh_grace: Duration::ZERO,
        ..TokenLifetimes::default()
    };
    let t = TestServer::start_with(PlanId::Growth, lifetimes).await;
    let a = t.register("alice@example.com").await;
    let body = json!({"refresh_token": a.refresh});
    let (status, first) = t.post("/v1/auth/refresh", None, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, v) = t.post("/v1/auth/refresh", None, body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
    assert_error(&v, "unauthenticated");
    // Theft assumed: the pair the first use got is dead too.
    let (status, _) = t
        .get("/v1/me", first["access_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_login_ends_at_its_absolute_lifetime() {
    let lifetimes = TokenLifetimes {
        session_max: Duration::from_secs(2),
        ..TokenLifetimes::default()
    };
    let t = TestServer::start_with(PlanId::Growth, lifetimes).await;
    let a = t.register("alice@example.com").await;
    let started = tokio::time::Instant::now();
    // Refreshing keeps working until the lifetime is up, and never stretches it.
    let mut refresh = a.refresh.clone();
    let (status, v) = loop {
        let (status, v) = t
            .post("/v1/auth/refresh", None, json!({"refresh_token": refresh}))
            .await;
        if status != StatusCode::OK {
            break (status, v);
        }
        refresh = v["refresh_token"].as_str().unwrap().to_owned();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the login outlived its lifetime"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
    assert_error(&v, "session_expired");
}
