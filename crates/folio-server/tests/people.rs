//! Invites, roles, removal and plan limits.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;

use folio_server::mail::MailKind;
use folio_server::{PlanId, TokenLifetimes};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{assert_error, TestServer, PASSWORD};

#[tokio::test]
async fn an_invite_brings_a_person_into_the_account_with_its_role() {
    let t = TestServer::start().await;
    let owner = t.register("owner@example.com").await;

    let (status, invite) = t
        .post(
            "/v1/account/invites",
            Some(&owner.access),
            json!({"email": "Ed@Example.com", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    assert_eq!(invite["email"], "ed@example.com");
    assert_eq!(invite["role"], "editor");
    assert!(invite.get("token").is_none(), "the token goes by mail only");
    let (_, account) = t.get("/v1/account", &owner.access).await;
    assert_eq!(account["invites"].as_array().unwrap().len(), 1);
    assert_eq!(account["usage"]["pending_invites"], 1);

    let mail = t
        .outbox
        .last_to("ed@example.com", MailKind::Invite)
        .unwrap();
    assert!(mail.token.starts_with("fin_") && mail.link.contains(&mail.token));
    let (status, v) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": mail.token, "password": "short"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, ed) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": mail.token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ed}");
    assert_eq!(ed["account_id"], owner.account_id.as_str());
    assert_eq!(ed["role"], "editor");
    // An invite is spent once accepted.
    let (status, _) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": mail.token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(t.login("ed@example.com", PASSWORD).await.0, StatusCode::OK);
    let (_, account) = t.get("/v1/account", &owner.access).await;
    let emails: Vec<&str> = account["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["owner@example.com", "ed@example.com"]);
    // Editors see the team but not the pending invites.
    let (_, seen_by_editor) = t
        .get("/v1/account", ed["access_token"].as_str().unwrap())
        .await;
    assert!(seen_by_editor.get("invites").is_none());
}

#[tokio::test]
async fn only_owners_and_admins_invite_and_only_owners_make_owners() {
    let t = TestServer::start_with(PlanId::Scale, TokenLifetimes::default()).await;
    let owner = t.register("owner@example.com").await;
    let admin = t
        .invite_and_accept(&owner, "admin@example.com", "admin")
        .await;
    let editor = t
        .invite_and_accept(&owner, "editor@example.com", "editor")
        .await;
    let viewer = t
        .invite_and_accept(&admin, "viewer@example.com", "viewer")
        .await;
    assert_eq!(viewer.role, "viewer");

    for who in [&editor, &viewer] {
        let (status, v) = t
            .post(
                "/v1/account/invites",
                Some(&who.access),
                json!({"email": "x@example.com", "role": "viewer"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
        assert_error(&v, "forbidden");
    }
    let (status, _) = t
        .post(
            "/v1/account/invites",
            Some(&admin.access),
            json!({"email": "x@example.com", "role": "owner"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = t
        .post(
            "/v1/account/invites",
            Some(&owner.access),
            json!({"email": "editor@example.com", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "already a member: {v}");
    let (status, v) = t
        .post(
            "/v1/account/invites",
            Some(&owner.access),
            json!({"email": "x@example.com", "role": "superuser"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn roles_change_under_the_rules_and_take_effect_on_the_next_request() {
    let t = TestServer::start_with(PlanId::Scale, TokenLifetimes::default()).await;
    let owner = t.register("owner@example.com").await;
    let admin = t
        .invite_and_accept(&owner, "admin@example.com", "admin")
        .await;
    let ed = t
        .invite_and_accept(&owner, "ed@example.com", "editor")
        .await;
    let role_path = |u: &str| format!("/v1/account/users/{u}/role");

    // The editor cannot promote themself.
    let (status, _) = t
        .call(
            Method::PUT,
            &role_path(&ed.user_id),
            Some(&ed.access),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An admin cannot demote the owner, nor make an owner.
    for (target, role) in [(&owner.user_id, "viewer"), (&ed.user_id, "owner")] {
        let (status, v) = t
            .call(
                Method::PUT,
                &role_path(target),
                Some(&admin.access),
                Some(json!({"role": role})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    }
    // The last owner cannot step down.
    let (status, v) = t
        .call(
            Method::PUT,
            &role_path(&owner.user_id),
            Some(&owner.access),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, _) = t
        .call(
            Method::DELETE,
            &format!("/v1/account/users/{}", owner.user_id),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The admin makes the editor a viewer: the very next request of the editor is a viewer's.
    let site = t.add_site(&owner, "Garden").await;
    t.post(
        &format!("/v1/sites/{site}/grants"),
        Some(&owner.access),
        json!({"email": "ed@example.com"}),
    )
    .await;
    let doc = json!({"doc_id": format!("site/{site}"), "kind": "site"});
    assert_eq!(
        t.post("/v1/docs", Some(&ed.access), doc.clone()).await.0,
        StatusCode::CREATED
    );
    let (status, v) = t
        .call(
            Method::PUT,
            &role_path(&ed.user_id),
            Some(&admin.access),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["role"], "viewer");
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&ed.access),
            json!({"doc_id": format!("site/{site}/plan")}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    let (_, me) = t.get("/v1/me", &ed.access).await;
    assert_eq!(me["role"], "viewer");

    // With a second owner, the first may step down.
    let (status, _) = t
        .call(
            Method::PUT,
            &role_path(&admin.user_id),
            Some(&owner.access),
            Some(json!({"role": "owner"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = t
        .call(
            Method::PUT,
            &role_path(&owner.user_id),
            Some(&owner.access),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_removed_person_is_locked_out_at_once() {
    let t = TestServer::start().await;
    let owner = t.register("owner@example.com").await;
    let ed = t
        .invite_and_accept(&owner, "ed@example.com", "editor")
        .await;
    assert_eq!(t.get("/v1/me", &ed.access).await.0, StatusCode::OK);

    let (status, v) = t
        .call(
            Method::DELETE,
            &format!("/v1/account/users/{}", ed.user_id),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{v}");
    assert_eq!(
        t.get("/v1/me", &ed.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": ed.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        t.login("ed@example.com", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, account) = t.get("/v1/account", &owner.access).await;
    assert_eq!(account["users"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_free_plan_allows_one_site_and_one_user() {
    let t = TestServer::start_with(PlanId::Free, TokenLifetimes::default()).await;
    let owner = t.register("owner@example.com").await;
    let (_, account) = t.get("/v1/account", &owner.access).await;
    assert_eq!(
        account["limits"],
        json!({
            "max_sites": 1,
            "max_users": 1,
            "max_keywords": 100,
            "max_docs": 500,
            "max_storage_bytes": 256u64 << 20,
        })
    );

    let first = t.add_site(&owner, "Garden").await;
    let (status, v) = t
        .post(
            "/v1/sites",
            Some(&owner.access),
            json!({"site_id": uuid::Uuid::now_v7(), "name": "Kitchen"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_error(&v, "limit");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("Free"),
        "{v}"
    );
    // Re-registering the site it already has is not a new site.
    let (status, _) = t
        .post(
            "/v1/sites",
            Some(&owner.access),
            json!({"site_id": first, "name": "Garden"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, v) = t
        .post(
            "/v1/account/invites",
            Some(&owner.access),
            json!({"email": "ed@example.com", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_error(&v, "limit");
}

#[tokio::test]
async fn pending_invites_count_against_the_user_limit() {
    // Starter: 2 users. The owner plus one pending invite fill it.
    let t = TestServer::start_with(PlanId::Starter, TokenLifetimes::default()).await;
    let owner = t.register("owner@example.com").await;
    let invite = |email: &'static str| {
        t.post(
            "/v1/account/invites",
            Some(&owner.access),
            json!({"email": email, "role": "viewer"}),
        )
    };
    assert_eq!(invite("a@example.com").await.0, StatusCode::CREATED);
    assert_eq!(
        invite("b@example.com").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Re-inviting the same address replaces its invite rather than taking another seat, and the
    // replaced link stops working.
    let old = t.outbox.last_to("a@example.com", MailKind::Invite).unwrap();
    assert_eq!(invite("a@example.com").await.0, StatusCode::CREATED);
    let (status, _) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": old.token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let new = t.outbox.last_to("a@example.com", MailKind::Invite).unwrap();
    let (status, _) = t
        .post(
            "/v1/invites/accept",
            None,
            json!({"token": new.token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        invite("b@example.com").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn concurrent_site_registrations_cannot_overshoot_the_plan() {
    let t = TestServer::start_with(PlanId::Starter, TokenLifetimes::default()).await;
    let owner = t.register("owner@example.com").await;
    // Real parallel requests, each on its own task.
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..12 {
        let (http, url, token) = (
            t.http.clone(),
            format!("{}/v1/sites", t.base),
            owner.access.clone(),
        );
        requests.spawn(async move {
            let body = json!({"site_id": uuid::Uuid::now_v7(), "name": format!("Site {i}")});
            http.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = requests.join_all().await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((created, limited), (2, 10), "{statuses:?}");
    let (_, account) = t.get("/v1/account", &owner.access).await;
    assert_eq!(account["usage"]["sites"], 2);
}
