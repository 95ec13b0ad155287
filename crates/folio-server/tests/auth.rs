//! Register, login, refresh rotation and reuse detection, logout, password reset — against a real
//! server over HTTP.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;

use folio_server::mail::MailKind;
use folio_server::{PlanId, TokenLifetimes};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use support::{assert_error, TestServer, PASSWORD};

#[tokio::test]
async fn register_returns_an_owner_with_tokens_on_the_default_plan() {
    let t = TestServer::start().await;
    let (status, v) = t
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "  Ann@Example.COM ", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["role"], "owner");
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 900);
    assert!(v["access_token"].as_str().unwrap().starts_with("fat_"));
    assert!(v["refresh_token"].as_str().unwrap().starts_with("frt_"));

    let (status, me) = t.get("/v1/me", v["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["email"], "ann@example.com");
    assert_eq!(me["account_id"], v["account_id"]);
    assert_eq!(me["plan_id"], "growth");

    let (_, account) = t
        .get("/v1/account", v["access_token"].as_str().unwrap())
        .await;
    assert_eq!(
        account["limits"],
        json!({
            "max_sites": 5,
            "max_users": 3,
            "max_keywords": 2000,
            "max_docs": 10000,
            "max_storage_bytes": 4u64 << 30,
        })
    );
    assert_eq!(account["plan"]["included_credits"], 2000);
    assert_eq!(account["users"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_device_can_bring_its_own_account_id() {
    let t = TestServer::start().await;
    let local = uuid::Uuid::now_v7().to_string();
    let body = |email: &str| json!({"email": email, "password": PASSWORD, "account_id": local});
    let (status, v) = t.post("/v1/auth/register", None, body("a@x.io")).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["account_id"], local.as_str());
    let (status, v) = t.post("/v1/auth/register", None, body("b@x.io")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&v, "conflict");
}

#[tokio::test]
async fn registration_input_is_validated() {
    let t = TestServer::start().await;
    let cases = [
        (
            json!({"email": "ann@example.com", "password": "short"}),
            "password",
        ),
        (
            json!({"email": "not-an-email", "password": PASSWORD}),
            "email",
        ),
        (
            json!({"email": "ann@localhost", "password": PASSWORD}),
            "email",
        ),
        (json!({"email": "ann@example.com"}), "body"),
    ];
    for (body, field) in cases {
        let (status, v) = t.post("/v1/auth/register", None, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
        assert_error(&v, "validation");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    t.register("ann@example.com").await;
    // Emails are unique case-insensitively.
    let (status, v) = t
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "ANN@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_error(&v, "conflict");
}

#[tokio::test]
async fn login_checks_the_password_and_never_says_which_part_was_wrong() {
    let t = TestServer::start().await;
    let ann = t.register("ann@example.com").await;

    let (status, v) = t.login("ANN@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["user_id"], ann.user_id.as_str());
    assert_ne!(v["access_token"], ann.access.as_str());

    let (status, wrong_password) = t.login("ann@example.com", "Wrong-password-123").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&wrong_password, "unauthenticated");
    let (status, unknown) = t.login("nobody@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown, wrong_password,
        "the same answer for a stranger and a wrong password"
    );
}

#[tokio::test]
async fn routes_need_a_valid_access_token() {
    let t = TestServer::start().await;
    let ann = t.register("ann@example.com").await;
    for token in [
        None,
        Some("garbage"),
        Some(ann.refresh.as_str()),
        Some("fat_AAAA"),
    ] {
        let (status, v) = t.call(reqwest::Method::GET, "/v1/me", token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_error(&v, "unauthenticated");
    }
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_login() {
    // No grace window, so the replay below is reuse at once (the window is pinned in
    // tests/refresh_rotation.rs).
    let lifetimes = TokenLifetimes {
        refresh_grace: Duration::ZERO,
        ..TokenLifetimes::default()
    };
    let t = TestServer::start_with(PlanId::Growth, lifetimes).await;
    let ann = t.register("ann@example.com").await;

    let (status, first) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let rotated_refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let rotated_access = first["access_token"].as_str().unwrap().to_owned();
    assert_ne!(rotated_refresh, ann.refresh);
    assert_eq!(t.get("/v1/me", &rotated_access).await.0, StatusCode::OK);

    // The spent token comes back (a thief's copy, or a replay): refused, and the whole family —
    // including the legitimately rotated tokens — stops working.
    let (status, v) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&v, "unauthenticated");
    let (status, _) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": rotated_refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        t.get("/v1/me", &rotated_access).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.get("/v1/me", &ann.access).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Other logins of the same person are untouched.
    let (status, other) = t.login("ann@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        t.get("/v1/me", other["access_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn logout_ends_the_login_at_once() {
    let t = TestServer::start().await;
    let ann = t.register("ann@example.com").await;
    let (status, second) = t.login("ann@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);

    let (status, v) = t
        .call(
            reqwest::Method::POST,
            "/v1/auth/logout",
            Some(&ann.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{v}");
    assert_eq!(
        t.get("/v1/me", &ann.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Only that login: the second device stays signed in.
    assert_eq!(
        t.get("/v1/me", second["access_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn expired_access_tokens_are_refused_and_refresh_still_works() {
    let lifetimes = TokenLifetimes {
        access: Duration::ZERO,
        ..TokenLifetimes::default()
    };
    let t = TestServer::start_with(PlanId::Growth, lifetimes).await;
    let ann = t.register("ann@example.com").await;
    assert_eq!(
        t.get("/v1/me", &ann.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn password_reset_sets_a_new_password_once_and_ends_every_login() {
    let t = TestServer::start().await;
    let ann = t.register("ann@example.com").await;

    // Known and unknown addresses get the same answer; only the member gets mail.
    for email in ["Ann@example.com", "nobody@example.com", "not an email"] {
        let (status, v) = t
            .post("/v1/auth/password-reset", None, json!({"email": email}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{v}");
    }
    let mail = t
        .wait_for_mail("ann@example.com", MailKind::PasswordReset)
        .await;
    assert!(mail.token.starts_with("fpr_"));
    assert!(mail.link.contains(&mail.token));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        t.outbox.messages().len(),
        1,
        "no mail for unknown addresses"
    );

    let new_password = "A-brand-new-passphrase";
    let (status, v) = t
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": mail.token, "password": "short"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "password");

    let (status, v) = t
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": mail.token, "password": new_password}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{v}");

    // Single use.
    let (status, v) = t
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": mail.token, "password": "Yet-another-passphrase"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "token");

    assert_eq!(
        t.login("ann@example.com", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.login("ann@example.com", new_password).await.0,
        StatusCode::OK
    );
    // Whoever was logged in with the old password is out.
    assert_eq!(
        t.get("/v1/me", &ann.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_reset_token_is_refused() {
    let lifetimes = TokenLifetimes {
        password_reset: Duration::ZERO,
        ..TokenLifetimes::default()
    };
    let t = TestServer::start_with(PlanId::Growth, lifetimes).await;
    t.register("ann@example.com").await;
    t.post(
        "/v1/auth/password-reset",
        None,
        json!({"email": "ann@example.com"}),
    )
    .await;
    let mail = t
        .wait_for_mail("ann@example.com", MailKind::PasswordReset)
        .await;
    let (status, v) = t
        .post(
            "/v1/auth/password-reset/confirm",
            None,
            json!({"token": mail.token, "password": "A-brand-new-passphrase"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(t.login("ann@example.com", PASSWORD).await.0, StatusCode::OK);
}

#[tokio::test]
async fn malformed_requests_and_unknown_routes_use_the_error_shape() {
    let t = TestServer::start().await;
    let resp = t
        .http
        .post(format!("{}/v1/auth/login", t.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_error(&v, "validation");

    let (status, v) = t.call(reqwest::Method::GET, "/v1/nope", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&v, "not_found");

    let (status, v) = t.call(reqwest::Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], "ok");
}
