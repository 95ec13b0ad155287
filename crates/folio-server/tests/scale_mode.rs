//! Scale mode: folio-server on PostgreSQL (a throwaway cluster per test, from
//! scripts/postgres.sh). The HTTP API and the relay behave as on SQLite, and two server instances
//! sharing one database relay each other's changes to their clients (LISTEN/NOTIFY), honour each
//! other's grant revocations at the next frame, and catch up after their listener drops.
//!
//! These tests fail, never skip, when PostgreSQL is not installed.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/server.rs"]
mod support;
#[path = "support/sync_client.rs"]
mod sync_client;

use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use folio_server::{PlanId, TokenLifetimes};
use folio_sync::{DocId, Frame, Refusal};
use postgres::Postgres;
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{assert_error, Login, TestServer, PASSWORD};
use sync_client::*;

/// Put `value` under `key` on the device and sync it to its server.
async fn edit(dev: &mut Device, key: &str, value: &str) {
    dev.doc.put(ROOT, key, value).unwrap();
    dev.doc.commit();
    dev.sync().await;
    assert!(dev.refusals.is_empty(), "{:?}", dev.refusals);
}

async fn wait_for(dev: &mut Device, key: &str, value: &str) {
    dev.listen_until(|d| get_str(d, key).as_deref() == Some(value))
        .await;
}

/// A device of `who` on server `t`, subscribed to `id` and in sync with it.
async fn device(t: &TestServer, who: &Login, name: &str, id: DocId) -> Device {
    let mut dev = Device::connect(t, who, name, id, AutoCommit::new()).await;
    dev.subscribe().await;
    dev.sync().await;
    dev
}

#[tokio::test]
async fn accounts_people_grants_and_documents_work_on_postgres_as_on_sqlite() {
    // The same tour on both backends, so a difference shows up as a failure on one of them.
    // No refresh grace window, so the tour's replay of a spent token is reuse at once (the
    // window has its own suite, tests/refresh_rotation.rs).
    let no_grace = TokenLifetimes {
        refresh_grace: std::time::Duration::ZERO,
        ..TokenLifetimes::default()
    };
    api_tour(TestServer::start_with(PlanId::Growth, no_grace).await).await;
    let pg = Postgres::start();
    api_tour(TestServer::start_on_with(pg.database(), no_grace).await).await;
}

async fn api_tour(t: TestServer) {
    // Health reads the database.
    let (status, v) = t.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");

    // Register, log in, and the same answer for a wrong password and an unknown email.
    let a = t.register("alice@example.com").await;
    assert_eq!(a.role, "owner");
    let (status, v) = t
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "ALICE@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, v) = t.login("alice@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (wrong, wrong_body) = t.login("alice@example.com", "not-the-password-1").await;
    let (unknown, unknown_body) = t.login("nobody@example.com", "not-the-password-1").await;
    assert_eq!(wrong, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong, wrong_body), (unknown, unknown_body));

    // Refresh rotates; replaying the spent token ends that login.
    let (status, v) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": a.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let rotated = Login::from_tokens(&a.email, &v);
    let (status, _) = t
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": a.refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = t.get("/v1/me", &rotated.access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, v) = t.login("alice@example.com", PASSWORD).await;
    let a = Login::from_tokens("alice@example.com", &v);
    let (status, me) = t.get("/v1/me", &a.access).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["plan_id"], "growth");

    // People: an editor, a grant, and what the editor sees.
    let e = t.invite_and_accept(&a, "ed@example.com", "editor").await;
    let site = t.add_site(&a, "Garden").await;
    let other_site = t.add_site(&a, "Orchard").await;
    let site_doc = t.add_doc(&a, &format!("site/{site}"), None).await;
    let other_doc = t.add_doc(&a, &format!("site/{other_site}"), None).await;
    let account_doc = t
        .add_doc(&a, &format!("account/{}", a.account_id), None)
        .await;
    // Registering again is idempotent.
    let (status, v) = t
        .post("/v1/docs", Some(&a.access), json!({"doc_id": site_doc}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(t.visible_docs(&e).await, {
        let mut ids = vec![account_doc.clone()];
        ids.sort();
        ids
    });
    t.grant(&a, &site, &e.email).await;
    let mut expected = vec![account_doc.clone(), site_doc.clone()];
    expected.sort();
    assert_eq!(t.visible_docs(&e).await, expected);
    let (status, v) = t.get(&format!("/v1/docs/{site_doc}"), &e.access).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["access"], "write", "{v}");
    let (status, v) = t.get(&format!("/v1/docs/{other_doc}"), &e.access).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");

    // Another account: its ids are taken, its sites and documents not found.
    let b = t.register("bob@example.com").await;
    let (status, v) = t
        .post("/v1/docs", Some(&b.access), json!({"doc_id": site_doc}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    let article = support::article();
    t.add_doc(&a, &article, Some(&site)).await;
    let b_site = t.add_site(&b, "Bob's").await;
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&b.access),
            json!({"doc_id": article, "site_id": b_site}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, v) = t.get(&format!("/v1/docs/{site_doc}"), &b.access).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    assert_error(&v, "not_found");

    // Plan limits hold: Growth allows 3 users and 5 sites.
    t.invite_and_accept(&a, "vi@example.com", "viewer").await;
    let (status, v) = t
        .post(
            "/v1/account/invites",
            Some(&a.access),
            json!({"email": "four@example.com", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_error(&v, "limit");
    for name in ["Three", "Four", "Five"] {
        t.add_site(&a, name).await;
    }
    let (status, v) = t
        .post(
            "/v1/sites",
            Some(&a.access),
            json!({"site_id": uuid::Uuid::now_v7().to_string(), "name": "Six"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // The last owner stays; revoking a grant and removing a person take effect at once.
    let (status, v) = t
        .call(
            Method::PUT,
            &format!("/v1/account/users/{}/role", a.user_id),
            Some(&a.access),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, _) = t
        .call(
            Method::DELETE,
            &format!("/v1/sites/{site}/grants/{}", e.user_id),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(t.visible_docs(&e).await, vec![account_doc]);
    let (status, _) = t
        .call(
            Method::DELETE,
            &format!("/v1/account/users/{}", e.user_id),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = t.get("/v1/me", &e.access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn two_devices_sync_through_one_server_on_postgres_and_a_restart_keeps_it() {
    let pg = Postgres::start();
    let t = TestServer::start_on(pg.database()).await;
    let a = t.register("alice@example.com").await;
    let site = t.add_site(&a, "Garden").await;
    let id = doc_id(&t.add_doc(&a, &format!("site/{site}"), None).await);

    // Concurrent text edits on two devices merge.
    let mut base = AutoCommit::new();
    let body = base.put_object(ROOT, "body", ObjType::Text).unwrap();
    base.splice_text(&body, 0, 0, "Hello world").unwrap();
    base.commit();
    let (mut doc_a, mut doc_b) = (base.fork(), base.fork());
    doc_a.splice_text(&body, 0, 5, "Howdy").unwrap();
    doc_a.commit();
    doc_b.splice_text(&body, 11, 0, "!").unwrap();
    doc_b.commit();
    let mut dev_a = Device::connect(&t, &a, "laptop", id, doc_a).await;
    let mut dev_b = Device::connect(&t, &a, "phone", id, doc_b).await;
    dev_a.subscribe().await;
    dev_b.subscribe().await;
    dev_a.sync().await;
    dev_b.sync().await;
    dev_a.listen_until(|d| body_text(d) == "Howdy world!").await;
    assert_eq!(body_text(&dev_b.doc), "Howdy world!");

    // Many small edits: the stored document is folded into snapshots and still loads whole.
    for i in 0..40 {
        edit(&mut dev_a, "counter", &i.to_string()).await;
    }
    wait_for(&mut dev_b, "counter", "39").await;
    drop((dev_a, dev_b));

    let t = t.restart().await;
    let mut stored = t.server.store().load_doc(&id).await.unwrap().unwrap();
    assert_eq!(body_text(&stored.doc), "Howdy world!");
    let heads = stored.doc.get_heads();
    let dev_c = device(&t, &a, "tablet", id).await;
    assert_eq!(get_str(&dev_c.doc, "counter").as_deref(), Some("39"));
    let mut c = dev_c.doc;
    assert_eq!(c.get_heads(), heads);
}

/// Two instances on one database, as behind a load balancer.
async fn two_servers(pg: &Postgres) -> (TestServer, TestServer) {
    let a = TestServer::start_on(pg.database()).await;
    let b = TestServer::start_on(pg.database()).await;
    (a, b)
}

#[tokio::test]
async fn an_edit_through_one_instance_reaches_a_client_of_the_other() {
    let pg = Postgres::start();
    let (s1, s2) = two_servers(&pg).await;
    // Tokens from one instance work on the other: the database is the only state.
    let a = s1.register("alice@example.com").await;
    let e = s1.invite_and_accept(&a, "ed@example.com", "editor").await;
    let site = s2.add_site(&a, "Garden").await;
    s2.grant(&a, &site, &e.email).await;
    let id = doc_id(&s1.add_doc(&a, &format!("site/{site}"), None).await);

    let mut on_1 = device(&s1, &a, "laptop", id).await;
    let mut on_2 = device(&s2, &e, "phone", id).await;

    edit(&mut on_1, "title", "from instance 1").await;
    wait_for(&mut on_2, "title", "from instance 1").await;

    edit(&mut on_2, "reply", "from instance 2").await;
    wait_for(&mut on_1, "reply", "from instance 2").await;

    // Concurrent edits on both sides converge, and the database holds them all.
    on_1.doc.put(ROOT, "left", "1").unwrap();
    on_1.doc.commit();
    on_2.doc.put(ROOT, "right", "2").unwrap();
    on_2.doc.commit();
    let (_, _) = tokio::join!(on_1.sync(), on_2.sync());
    wait_for(&mut on_1, "right", "2").await;
    wait_for(&mut on_2, "left", "1").await;
    on_1.sync().await;
    on_2.sync().await;
    let mut stored = s1.server.store().load_doc(&id).await.unwrap().unwrap();
    let mut heads = stored.doc.get_heads();
    heads.sort();
    for dev in [&mut on_1, &mut on_2] {
        let mut theirs = dev.doc.get_heads();
        theirs.sort();
        assert_eq!(theirs, heads);
    }

    // A third instance started later serves the same document.
    let s3 = TestServer::start_on(pg.database()).await;
    let on_3 = device(&s3, &a, "tablet", id).await;
    assert_eq!(
        get_str(&on_3.doc, "reply").as_deref(),
        Some("from instance 2")
    );
}

#[tokio::test]
async fn a_grant_revoked_on_one_instance_stops_sync_on_the_other() {
    let pg = Postgres::start();
    let (s1, s2) = two_servers(&pg).await;
    let a = s1.register("alice@example.com").await;
    let e = s1.invite_and_accept(&a, "ed@example.com", "editor").await;
    let site = s1.add_site(&a, "Garden").await;
    s1.grant(&a, &site, &e.email).await;
    let id = doc_id(&s1.add_doc(&a, &format!("site/{site}"), None).await);

    let mut owner = device(&s1, &a, "laptop", id).await;
    let mut editor = device(&s2, &e, "phone", id).await;
    edit(&mut editor, "draft", "one").await;
    wait_for(&mut owner, "draft", "one").await;

    let (status, body) = s1
        .call(
            Method::DELETE,
            &format!("/v1/sites/{site}/grants/{}", e.user_id),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // The editor's next frame on instance 2 is refused, and nothing of it is applied.
    editor.doc.put(ROOT, "draft", "two").unwrap();
    editor.doc.commit();
    let m = editor
        .doc
        .sync()
        .generate_sync_message(&mut editor.state)
        .unwrap();
    editor
        .send(Frame::Sync {
            doc: id,
            message: m.encode(),
        })
        .await;
    assert_eq!(editor.expect_refusal().await, Refusal::Revoked);
    let stored = s1.server.store().load_doc(&id).await.unwrap().unwrap();
    assert_eq!(get_str(&stored.doc, "draft").as_deref(), Some("one"));

    // The owner's later edits through instance 1 no longer reach them.
    edit(&mut owner, "secret", "after the revocation").await;
    assert!(editor
        .recv(std::time::Duration::from_secs(1))
        .await
        .is_none());
    assert_eq!(get_str(&editor.doc, "secret"), None);
}

#[tokio::test]
async fn a_dropped_listener_reconnects_and_catches_up() {
    let pg = Postgres::start();
    let (s1, s2) = two_servers(&pg).await;
    let a = s1.register("alice@example.com").await;
    let site = s1.add_site(&a, "Garden").await;
    let id = doc_id(&s1.add_doc(&a, &format!("site/{site}"), None).await);
    let mut on_1 = device(&s1, &a, "laptop", id).await;
    let mut on_2 = device(&s2, &a, "phone", id).await;

    // Cut both instances' listeners, then edit at once: the notification may go nowhere, but the
    // reconnect wakes every document in use.
    assert_eq!(pg.cut_listeners().await, 2);
    edit(&mut on_1, "title", "while cut").await;
    wait_for(&mut on_2, "title", "while cut").await;

    // And the new listeners carry later edits, both ways.
    edit(&mut on_1, "title", "after").await;
    wait_for(&mut on_2, "title", "after").await;
    edit(&mut on_2, "reply", "back").await;
    wait_for(&mut on_1, "reply", "back").await;
}

fn doc_id(id: &str) -> DocId {
    support::doc(id)
}
