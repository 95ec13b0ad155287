//! A hostile member of the account (DESIGN §3, trust inside an account): an editor may write
//! the documents of the sites they were granted, and every editor may write the account
//! document — but the server refuses changes that put records where they do not belong
//! (`folio_sync::records`): another kind of document's tables, another owner's records, an
//! article that names a site other than the one it was registered under.
//! The device's own checks: `crates/folio-core/tests/hostile_member.rs`.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;
#[path = "support/sync_client.rs"]
mod sync_client;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use folio_sync::{Frame, Refusal};
use support::{article, doc, TestServer};
use sync_client::*;

fn put_record(d: &mut AutoCommit, key: &str, fields: &[(&str, &str)]) {
    let rec = d.put_object(ROOT, key, ObjType::Map).unwrap();
    for (k, v) in fields {
        d.put(&rec, *k, *v).unwrap();
    }
}

#[tokio::test]
async fn records_out_of_place_are_refused_and_nothing_is_kept() {
    let t = TestServer::start().await;
    let owner = t.register("owner@example.com").await;
    let granted = t.add_site(&owner, "Granted").await;
    let other = t.add_site(&owner, "Other").await;
    let editor = t
        .invite_and_accept(&owner, "editor@example.com", "editor")
        .await;
    t.grant(&owner, &granted, "editor@example.com").await;

    // An article registered under the granted site whose record says it is the other site's.
    let id = t.add_doc(&editor, &article(), Some(&granted)).await;
    let content = id.strip_prefix("article/").unwrap().to_owned();
    let mut dev = Device::connect(&t, &editor, "evil", doc(&id), AutoCommit::new()).await;
    dev.subscribe().await;
    // the server's first message, before any edit
    let first = dev.recv(PATIENCE).await.unwrap();
    dev.handle(first);
    let key = format!("content:{content}");
    put_record(
        &mut dev.doc,
        &key,
        &[("id", &content), ("site_id", &other), ("title", "Planted")],
    );
    match dev.send_changes().await {
        Frame::Refused { reason, .. } => assert_eq!(reason, Refusal::Misplaced),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let kept = server_heads(&t, &doc(&id)).await;
    assert!(kept.is_empty(), "nothing was kept: {kept:?}");

    // The same article naming its own site is accepted: the rule refuses only what is out of
    // place.
    let mut dev = Device::connect(&t, &editor, "honest", doc(&id), AutoCommit::new()).await;
    dev.subscribe().await;
    // the server's first message, before any edit
    let first = dev.recv(PATIENCE).await.unwrap();
    dev.handle(first);
    put_record(
        &mut dev.doc,
        &key,
        &[("id", &content), ("site_id", &granted), ("title", "Mine")],
    );
    match dev.send_changes().await {
        answer @ Frame::Sync { .. } => dev.handle(answer),
        other => panic!("expected the changes to be taken, got {other:?}"),
    }
    dev.sync().await;
    assert!(dev.converged());

    // Through the account document: a site's WordPress connection.
    let account = t
        .add_doc(&owner, &format!("account/{}", owner.account_id), None)
        .await;
    let mut dev = Device::connect(&t, &editor, "evil-2", doc(&account), AutoCommit::new()).await;
    dev.subscribe().await;
    // the server's first message, before any edit
    let first = dev.recv(PATIENCE).await.unwrap();
    dev.handle(first);
    let before = server_heads(&t, &doc(&account)).await;
    let integration = uuid::Uuid::now_v7().to_string();
    put_record(
        &mut dev.doc,
        &format!("site_integrations:{integration}"),
        &[
            ("id", &integration),
            ("site_id", &other),
            ("api_root", "https://attacker.example/wp-json/"),
        ],
    );
    match dev.send_changes().await {
        Frame::Refused { reason, .. } => assert_eq!(reason, Refusal::Misplaced),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(server_heads(&t, &doc(&account)).await, before);
}
