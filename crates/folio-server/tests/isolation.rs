//! The server as the authorization point: accounts never see each other, and inside an account
//! editors and viewers see only the sites granted to them — over HTTP and through the
//! `authz::can_read` / `can_write` functions the sync socket will call.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;

use folio_model::UserId;
use folio_server::authz::{can_read, can_write};
use folio_server::{PlanId, TokenLifetimes};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{article, doc, Login, TestServer};

fn uid(l: &Login) -> UserId {
    l.user_id.parse().unwrap()
}

#[tokio::test]
async fn account_b_cannot_reach_account_a_on_any_route() {
    let t = TestServer::start_with(PlanId::Scale, TokenLifetimes::default()).await;
    let a = t.register("alice@a.example").await;
    let a_ed = t.invite_and_accept(&a, "ed@a.example", "editor").await;
    let a_site = t.add_site(&a, "A-Secret-Site").await;
    t.grant(&a, &a_site, "ed@a.example").await;
    let a_account_doc = t
        .add_doc(&a, &format!("account/{}", a.account_id), None)
        .await;
    let a_site_doc = t.add_doc(&a, &format!("site/{a_site}/plan"), None).await;
    let a_article = t.add_doc(&a, &article(), Some(&a_site)).await;

    let b = t.register("bob@b.example").await;
    let b_site = t.add_site(&b, "B site").await;
    let b_doc = t.add_doc(&b, &format!("site/{b_site}"), None).await;

    let a_before = t.visible_docs(&a).await;
    // (method, path, body, expected status) — every route that takes an id, aimed at A's.
    let probes: Vec<(Method, String, Option<Value>, StatusCode)> = vec![
        (
            Method::GET,
            format!("/v1/docs/{a_account_doc}"),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/v1/docs/{a_site_doc}"),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/v1/docs/{a_article}"),
            None,
            StatusCode::NOT_FOUND,
        ),
        // An account document is named after its account: B may only register its own.
        (
            Method::POST,
            "/v1/docs".into(),
            Some(json!({"doc_id": a_account_doc})),
            StatusCode::FORBIDDEN,
        ),
        // A's article id, filed under B's site: taken, and the answer says nothing more.
        (
            Method::POST,
            "/v1/docs".into(),
            Some(json!({"doc_id": a_article, "site_id": b_site})),
            StatusCode::CONFLICT,
        ),
        // Documents of A's site: the site is not found for B.
        (
            Method::POST,
            "/v1/docs".into(),
            Some(json!({"doc_id": a_site_doc})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/v1/docs".into(),
            Some(json!({"doc_id": format!("site/{a_site}/keywords/0")})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/v1/docs".into(),
            Some(json!({"doc_id": article(), "site_id": a_site})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/v1/sites".into(),
            Some(json!({"site_id": a_site, "name": "mine now"})),
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            format!("/v1/sites/{a_site}/grants"),
            Some(json!({"email": "bob@b.example"})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/v1/sites/{a_site}/grants"),
            Some(json!({"email": "ed@a.example"})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/v1/sites/{b_site}/grants"),
            Some(json!({"email": "ed@a.example"})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/v1/sites/{a_site}/grants"),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            format!("/v1/sites/{a_site}/grants/{}", a_ed.user_id),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            format!("/v1/sites/{b_site}/grants/{}", a_ed.user_id),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PUT,
            format!("/v1/account/users/{}/role", a.user_id),
            Some(json!({"role": "viewer"})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PUT,
            format!("/v1/account/users/{}/role", a_ed.user_id),
            Some(json!({"role": "admin"})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            format!("/v1/account/users/{}", a_ed.user_id),
            None,
            StatusCode::NOT_FOUND,
        ),
        (Method::GET, "/v1/docs".into(), None, StatusCode::OK),
        (
            Method::GET,
            format!("/v1/docs?site_id={a_site}"),
            None,
            StatusCode::OK,
        ),
        (Method::GET, "/v1/sites".into(), None, StatusCode::OK),
        (Method::GET, "/v1/account".into(), None, StatusCode::OK),
        (Method::GET, "/v1/me".into(), None, StatusCode::OK),
    ];
    // Nothing of A's may show up in any answer to B: not its account, people, sites or names.
    let a_secrets = [
        a.account_id.as_str(),
        a.user_id.as_str(),
        a_ed.user_id.as_str(),
        "alice@a.example",
        "ed@a.example",
        "A-Secret-Site",
    ];
    for (method, path, body, expected) in probes {
        let (status, v) = t.call(method.clone(), &path, Some(&b.access), body).await;
        assert_eq!(status, expected, "{method} {path}: {v}");
        let text = v.to_string();
        for secret in a_secrets {
            assert!(
                !text.contains(secret),
                "{method} {path} leaked {secret}: {text}"
            );
        }
        if status == StatusCode::OK && path.starts_with("/v1/docs") {
            let ids: Vec<&str> = v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["doc_id"].as_str().unwrap())
                .collect();
            assert!(
                !ids.contains(&a_account_doc.as_str()) && !ids.contains(&a_site_doc.as_str()),
                "{path}: {ids:?}"
            );
        }
    }
    assert_eq!(t.visible_docs(&b).await, vec![b_doc.clone()]);

    // The socket's checks agree, and A's world is exactly as it was.
    for id in [&a_account_doc, &a_site_doc, &a_article] {
        assert!(!can_read(t.server.store(), uid(&b), &doc(id)).await.unwrap());
        assert!(!can_write(t.server.store(), uid(&b), &doc(id))
            .await
            .unwrap());
        assert!(can_write(t.server.store(), uid(&a), &doc(id))
            .await
            .unwrap());
    }
    assert!(!can_read(t.server.store(), uid(&a), &doc(&b_doc))
        .await
        .unwrap());
    assert_eq!(t.visible_docs(&a).await, a_before);
    assert_eq!(t.visible_docs(&a_ed).await, a_before);
    let (_, account) = t.get("/v1/account", &a.access).await;
    let roles: Vec<&str> = account["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["owner", "editor"]);
    let (_, sites) = t.get("/v1/sites", &a.access).await;
    assert_eq!(sites["items"][0]["name"], "A-Secret-Site");
}

#[tokio::test]
async fn editors_and_viewers_see_only_granted_sites_and_a_revoked_grant_applies_at_once() {
    let t = TestServer::start_with(PlanId::Scale, TokenLifetimes::default()).await;
    let owner = t.register("owner@example.com").await;
    let ed = t
        .invite_and_accept(&owner, "ed@example.com", "editor")
        .await;
    let viewer = t
        .invite_and_accept(&owner, "vi@example.com", "viewer")
        .await;
    let garden = t.add_site(&owner, "Garden").await;
    let kitchen = t.add_site(&owner, "Kitchen").await;
    let account_doc = t
        .add_doc(&owner, &format!("account/{}", owner.account_id), None)
        .await;
    let garden_doc = t
        .add_doc(&owner, &format!("site/{garden}/keywords/3"), None)
        .await;
    let kitchen_doc = t.add_doc(&owner, &article(), Some(&kitchen)).await;
    let (account_d, garden_d, kitchen_d) = (doc(&account_doc), doc(&garden_doc), doc(&kitchen_doc));
    let ed_plan = format!("site/{garden}/plan");
    let store = t.server.store();

    // No grants yet: account-level documents only.
    assert_eq!(t.visible_docs(&ed).await, vec![account_doc.clone()]);
    assert_eq!(t.visible_docs(&viewer).await, vec![account_doc.clone()]);
    assert_eq!(
        t.get(&format!("/v1/docs/{garden_doc}"), &ed.access).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(!can_read(store, uid(&ed), &garden_d).await.unwrap());
    let (status, v) = t
        .post("/v1/docs", Some(&ed.access), json!({"doc_id": ed_plan}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    let (_, sites) = t.get("/v1/sites", &ed.access).await;
    assert_eq!(sites["items"], json!([]));
    // Viewers read account documents but never write them.
    assert!(can_read(store, uid(&viewer), &account_d).await.unwrap());
    assert!(!can_write(store, uid(&viewer), &account_d).await.unwrap());
    assert!(can_write(store, uid(&ed), &account_d).await.unwrap());

    // Grant Garden to both.
    for email in ["ed@example.com", "vi@example.com"] {
        t.grant(&owner, &garden, email).await;
    }
    let (status, _) = t
        .post(
            &format!("/v1/sites/{garden}/grants"),
            Some(&owner.access),
            json!({"email": "ed@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "granting twice is harmless");
    let mut expected = vec![account_doc.clone(), garden_doc.clone()];
    expected.sort();
    assert_eq!(t.visible_docs(&ed).await, expected);
    assert_eq!(t.visible_docs(&viewer).await, expected);
    let (_, v) = t
        .get(&format!("/v1/docs/{garden_doc}"), &viewer.access)
        .await;
    assert_eq!(v["access"], "read");
    let (_, v) = t.get(&format!("/v1/docs/{garden_doc}"), &ed.access).await;
    assert_eq!(v["access"], "write");
    assert!(can_write(store, uid(&ed), &garden_d).await.unwrap());
    assert!(can_read(store, uid(&viewer), &garden_d).await.unwrap());
    assert!(!can_write(store, uid(&viewer), &garden_d).await.unwrap());
    assert!(!can_read(store, uid(&ed), &kitchen_d).await.unwrap());
    // Granted editors register documents in the site; viewers never do.
    let (status, _) = t
        .post("/v1/docs", Some(&ed.access), json!({"doc_id": ed_plan}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = t
        .post(
            "/v1/docs",
            Some(&viewer.access),
            json!({"doc_id": format!("site/{garden}/articles")}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, grants) = t
        .get(&format!("/v1/sites/{garden}/grants"), &owner.access)
        .await;
    assert_eq!(grants["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        t.get(&format!("/v1/sites/{garden}/grants"), &ed.access)
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    // Revoke the editor's grant: the very next check says no.
    let (status, _) = t
        .call(
            Method::DELETE,
            &format!("/v1/sites/{garden}/grants/{}", ed.user_id),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(t.visible_docs(&ed).await, vec![account_doc.clone()]);
    assert!(!can_read(store, uid(&ed), &garden_d).await.unwrap());
    assert!(!can_write(store, uid(&ed), &doc(&ed_plan)).await.unwrap());
    assert_eq!(
        t.get(&format!("/v1/docs/{ed_plan}"), &ed.access).await.0,
        StatusCode::NOT_FOUND
    );
    // The viewer's grant is untouched.
    assert!(can_read(store, uid(&viewer), &garden_d).await.unwrap());
    // Only owners and admins grant.
    let (status, _) = t
        .post(
            &format!("/v1/sites/{garden}/grants"),
            Some(&ed.access),
            json!({"email": "ed@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn documents_register_once_never_move_and_unknown_ids_have_no_access() {
    let t = TestServer::start().await;
    let owner = t.register("owner@example.com").await;
    let ed = t
        .invite_and_accept(&owner, "ed@example.com", "editor")
        .await;
    let garden = t.add_site(&owner, "Garden").await;
    let kitchen = t.add_site(&owner, "Kitchen").await;
    let store = t.server.store();

    let plan = format!("site/{garden}/plan");
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&owner.access),
            json!({"doc_id": plan, "kind": "plan"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["account_id"], owner.account_id.as_str());
    assert_eq!(v["site_id"], garden.as_str());
    assert_eq!(v["kind"], "plan");
    // Idempotent for the same account.
    let (status, _) = t
        .post("/v1/docs", Some(&owner.access), json!({"doc_id": plan}))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Ids contain slashes; they survive the URL.
    let (status, v) = t.get(&format!("/v1/docs/{plan}"), &owner.access).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["access"], "write");

    // An article's id names no site, so its registration does — and it cannot move afterwards
    // (moving would take it out from under one site's grants into another's).
    let art = article();
    t.add_doc(&owner, &art, Some(&garden)).await;
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&owner.access),
            json!({"doc_id": art, "site_id": kitchen}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");

    let upper = format!("site/{}", garden.to_uppercase());
    let own_account = format!("account/{}", owner.account_id);
    for (body, field) in [
        (json!({"doc_id": ""}), "doc_id"),
        (json!({"doc_id": "has space"}), "doc_id"),
        (json!({"doc_id": format!("site/{garden}/plans")}), "doc_id"),
        (
            json!({"doc_id": format!("site/{garden}/keywords/16")}),
            "doc_id",
        ),
        (json!({"doc_id": upper}), "doc_id"),
        (json!({"doc_id": plan, "kind": "articles"}), "kind"),
        (json!({"doc_id": plan, "site_id": kitchen}), "site_id"),
        (json!({"doc_id": article()}), "site_id"),
        (json!({"doc_id": own_account, "site_id": garden}), "site_id"),
    ] {
        let (status, v) = t.post("/v1/docs", Some(&owner.access), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    // Another account's document name, even an unregistered one, is not for this account.
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&owner.access),
            json!({"doc_id": format!("account/{}", uuid::Uuid::now_v7())}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");

    // The socket will never create documents: an unregistered id is no access for anyone.
    let unknown = doc(&article());
    assert!(!can_read(store, uid(&owner), &unknown).await.unwrap());
    assert!(!can_write(store, uid(&owner), &unknown).await.unwrap());
    assert_eq!(
        t.get(&format!("/v1/docs/{unknown}"), &owner.access).await.0,
        StatusCode::NOT_FOUND
    );

    // An editor who registers a site is granted it, so they can sync what they made.
    let own = t.add_site(&ed, "Ed's").await;
    let own_doc = t.add_doc(&ed, &format!("site/{own}"), None).await;
    assert!(can_write(store, uid(&ed), &doc(&own_doc)).await.unwrap());
    let (_, me) = t.get("/v1/me", &ed.access).await;
    assert_eq!(me["site_grants"], json!([own]));
}
