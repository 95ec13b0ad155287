//! The sync relay (`GET /v1/sync`) against a real server on 127.0.0.1:0, with clients made of
//! tokio-tungstenite and Automerge: devices converge through it, it survives a restart, it keeps
//! accounts apart, viewers cannot write, a revoked grant stops the next frame, and hostile bytes
//! do not hurt it.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;
#[path = "support/sync_client.rs"]
mod sync_client;

use automerge::sync::{BloomFilter, Have, State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use folio_sync::{Frame, Refusal};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::json;
use support::{doc, TestServer};
use sync_client::*;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn two_devices_converge_through_the_relay_and_changes_are_pushed() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (site, id) = site_doc(&t, &a).await;
    // The second device registers the same document: already there, 200.
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&a.access),
            json!({"doc_id": id.to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v} {site}");

    // Both devices hold a common starting point, then edit offline.
    let mut base = AutoCommit::new();
    let body = base.put_object(ROOT, "body", ObjType::Text).unwrap();
    base.splice_text(&body, 0, 0, "Hello world").unwrap();
    base.commit();
    let mut doc_a = base.fork();
    let mut doc_b = base.fork();
    doc_a.put(ROOT, "from_a", "laptop").unwrap();
    doc_a.splice_text(&body, 0, 0, "A: ").unwrap();
    doc_a.commit();
    doc_b.put(ROOT, "from_b", "phone").unwrap();
    doc_b.splice_text(&body, 11, 0, " (B)").unwrap();
    doc_b.commit();

    let mut dev_a = Device::connect(&t, &a, "laptop", id, doc_a).await;
    let mut dev_b = Device::connect(&t, &a, "phone", id, doc_b).await;
    dev_a.subscribe().await;
    dev_b.subscribe().await;
    // Until both hold everything: the server's push of B's changes to A may not have reached
    // A's socket when A's sync ends (each connection pushes from its own task).
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while dev_a.doc.get_heads() != dev_b.doc.get_heads() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the devices never converged"
        );
        dev_a.sync().await;
        dev_b.sync().await;
    }
    for d in [&dev_a.doc, &dev_b.doc] {
        assert_eq!(get_str(d, "from_a").as_deref(), Some("laptop"));
        assert_eq!(get_str(d, "from_b").as_deref(), Some("phone"));
        assert_eq!(body_text(d), "A: Hello world (B)");
    }
    assert_eq!(server_heads(&t, &id).await, dev_a.doc.get_heads());
    assert!(dev_a.refusals.is_empty() && dev_b.refusals.is_empty());

    // A later edit on A reaches B without B sending anything first.
    dev_a.doc.put(ROOT, "late", "news").unwrap();
    dev_a.doc.commit();
    dev_a.sync().await;
    dev_b
        .listen_until(|d| get_str(d, "late").as_deref() == Some("news"))
        .await;
    assert_eq!(dev_b.doc.get_heads(), dev_a.doc.get_heads());
}

#[tokio::test]
async fn a_restart_between_syncs_loses_nothing_and_an_idle_reconnect_is_cheap() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut doc_a = AutoCommit::new();
    // A long history, so that describing it from scratch costs something.
    for i in 0..300 {
        doc_a.put(ROOT, format!("k{i}"), i as i64).unwrap();
        doc_a.commit();
    }
    let mut dev_a = Device::connect(&t, &a, "laptop", id, doc_a).await;
    dev_a.subscribe().await;
    dev_a.sync().await;
    let heads = dev_a.doc.get_heads();
    assert_eq!(server_heads(&t, &id).await, heads);
    // The device keeps its sync state the way doc_store does: encoded.
    let kept = dev_a.state.encode();
    let doc_a = dev_a.doc.clone();
    drop(dev_a);

    let t = t.restart().await;

    // Another device gets everything from the restarted server.
    let mut dev_b = Device::connect(&t, &a, "phone", id, AutoCommit::new()).await;
    dev_b.subscribe().await;
    dev_b.sync().await;
    assert_eq!(dev_b.doc.get_heads(), heads);
    assert_eq!(
        dev_b.doc.get(ROOT, "k299").unwrap().unwrap().0.as_i64(),
        Some(299)
    );
    drop(dev_b);

    // A comes back with nothing new: both sides kept their states, so it is two short messages.
    let state = State::decode(&kept).unwrap();
    let mut dev_a = Device::with_state(&t, &a, "laptop", id, doc_a.clone(), state).await;
    dev_a.subscribe().await;
    dev_a.sync().await;
    // The same reconnect from a device that kept no state, for comparison.
    let mut fresh = Device::connect(&t, &a, "tablet", id, doc_a).await;
    fresh.subscribe().await;
    fresh.sync().await;
    eprintln!(
        "idle reconnect after restart: {} bytes with kept states, {} without",
        dev_a.bytes, fresh.bytes
    );
    assert_eq!(dev_a.doc.get_heads(), heads);
    assert!(
        dev_a.bytes * 2 < fresh.bytes,
        "{} vs {}",
        dev_a.bytes,
        fresh.bytes
    );
    assert!(dev_a.bytes < 400, "{} bytes", dev_a.bytes);
}

#[tokio::test]
async fn accounts_never_reach_each_others_documents() {
    let t = TestServer::start().await;
    let a = t.register("alice@a.example").await;
    let b = t.register("bob@b.example").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut doc_a = AutoCommit::new();
    doc_a.put(ROOT, "secret", "A's").unwrap();
    doc_a.commit();
    let mut dev_a = Device::connect(&t, &a, "laptop", id, doc_a).await;
    dev_a.subscribe().await;
    dev_a.sync().await;
    let before = server_heads(&t, &id).await;
    assert_eq!(before, dev_a.doc.get_heads());

    // B subscribes to A's document: not found.
    let mut doc_b = AutoCommit::new();
    doc_b.put(ROOT, "secret", "B was here").unwrap();
    doc_b.commit();
    let message = message_with_changes(&mut doc_b);
    let mut dev_b = Device::connect(&t, &b, "laptop", id, doc_b).await;
    dev_b.subscribe().await;
    assert_eq!(dev_b.expect_refusal().await, Refusal::NotFound);
    // B pushes changes into it: not found, nothing applied, nothing leaked.
    dev_b.send(Frame::Sync { doc: id, message }).await;
    assert_eq!(dev_b.expect_refusal().await, Refusal::NotFound);
    assert!(dev_b.recv(QUIET).await.is_none());
    assert_eq!(get_str(&dev_b.doc, "secret").as_deref(), Some("B was here"));
    assert_eq!(server_heads(&t, &id).await, before);
    // And A, still connected, was sent nothing.
    assert!(dev_a.recv(QUIET).await.is_none());

    // An id nobody registered is not found either (and is not created).
    let unknown = doc(&format!("site/{}", uuid::Uuid::now_v7()));
    dev_b.id = unknown;
    dev_b.subscribe().await;
    assert_eq!(dev_b.expect_refusal().await, Refusal::NotFound);
    assert!(t.server.store().doc(&unknown).await.unwrap().is_none());
    assert!(server_heads(&t, &unknown).await.is_empty());

    // The upgrade itself: no token, a bad token, a bad device.
    assert_eq!(refused_status(&t, None, Some("laptop")).await, 401);
    assert_eq!(
        refused_status(&t, Some("fat_nonsense"), Some("laptop")).await,
        401
    );
    assert_eq!(
        refused_status(&t, Some(&a.refresh), Some("laptop")).await,
        401
    );
    assert_eq!(refused_status(&t, Some(&a.access), None).await, 400);
    assert_eq!(
        refused_status(&t, Some(&a.access), Some("my%20laptop")).await,
        400
    );
    let long = "x".repeat(65);
    assert_eq!(refused_status(&t, Some(&a.access), Some(&long)).await, 400);
}

#[tokio::test]
async fn viewers_receive_but_never_write() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let v = t.invite_and_accept(&a, "vera@example.com", "viewer").await;
    let w = t.invite_and_accept(&a, "walt@example.com", "viewer").await;
    let (site, id) = site_doc(&t, &a).await;
    t.grant(&a, &site, &v.email).await;

    let mut doc_a = AutoCommit::new();
    doc_a.put(ROOT, "title", "Owner's").unwrap();
    doc_a.commit();
    let mut dev_a = Device::connect(&t, &a, "laptop", id, doc_a).await;
    dev_a.subscribe().await;
    dev_a.sync().await;

    // A viewer without a grant for the site: forbidden.
    let mut dev_w = Device::connect(&t, &w, "laptop", id, AutoCommit::new()).await;
    dev_w.subscribe().await;
    assert_eq!(dev_w.expect_refusal().await, Refusal::Forbidden);

    // The granted viewer reads.
    let mut dev_v = Device::connect(&t, &v, "laptop", id, AutoCommit::new()).await;
    dev_v.subscribe().await;
    dev_v.sync().await;
    assert_eq!(get_str(&dev_v.doc, "title").as_deref(), Some("Owner's"));
    assert!(dev_v.refusals.is_empty());

    // …but what the viewer writes is refused and not applied.
    let before = server_heads(&t, &id).await;
    dev_v.doc.put(ROOT, "title", "Viewer's").unwrap();
    dev_v.doc.commit();
    assert_eq!(
        dev_v.send_changes().await,
        Frame::Refused {
            doc: id,
            reason: Refusal::ReadOnly
        }
    );
    assert_eq!(server_heads(&t, &id).await, before);

    // The same when the first message leaves the change out, as a Bloom filter false positive
    // does about 1% of the time (here forced: the server's filter claims every change): the
    // message carries none, so it is not refused, and the server asks for the change by hash.
    dev_v.doc.put(ROOT, "title", "Viewer's again").unwrap();
    dev_v.doc.commit();
    let all: Vec<_> = dev_v
        .doc
        .get_changes(&[])
        .iter()
        .map(|c| c.hash())
        .collect();
    dev_v.state.their_have = Some(vec![Have {
        last_sync: Vec::new(),
        bloom: BloomFilter::from_hashes(all.iter()),
    }]);
    let mut probe = dev_v.state.clone();
    let first = dev_v.doc.sync().generate_sync_message(&mut probe).unwrap();
    assert!(
        first.changes.is_empty(),
        "the false positive hides the change"
    );
    assert_eq!(
        dev_v.send_changes().await,
        Frame::Refused {
            doc: id,
            reason: Refusal::ReadOnly
        }
    );
    assert_eq!(server_heads(&t, &id).await, before);
    dev_a.sync().await;
    assert_eq!(get_str(&dev_a.doc, "title").as_deref(), Some("Owner's"));

    // The viewer still receives the owner's changes.
    dev_a.doc.put(ROOT, "more", "from the owner").unwrap();
    dev_a.doc.commit();
    dev_a.sync().await;
    dev_v
        .listen_until(|d| get_str(d, "more").as_deref() == Some("from the owner"))
        .await;
    let reloaded = t.server.store().load_doc(&id).await.unwrap().unwrap();
    assert_eq!(get_str(&reloaded.doc, "title").as_deref(), Some("Owner's"));
}

#[tokio::test]
async fn a_revoked_grant_stops_the_next_frame() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let e = t.invite_and_accept(&a, "ed@example.com", "editor").await;
    let (site, id) = site_doc(&t, &a).await;
    t.grant(&a, &site, &e.email).await;

    let mut dev_e = Device::connect(&t, &e, "laptop", id, AutoCommit::new()).await;
    dev_e.doc.put(ROOT, "draft", "one").unwrap();
    dev_e.doc.commit();
    dev_e.subscribe().await;
    dev_e.sync().await;
    assert!(dev_e.refusals.is_empty());
    let synced = server_heads(&t, &id).await;
    assert_eq!(synced, dev_e.doc.get_heads());

    let (status, body) = t
        .call(
            reqwest::Method::DELETE,
            &format!("/v1/sites/{site}/grants/{}", e.user_id),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    dev_e.doc.put(ROOT, "draft", "two").unwrap();
    dev_e.doc.commit();
    let m = dev_e
        .doc
        .sync()
        .generate_sync_message(&mut dev_e.state)
        .unwrap();
    dev_e
        .send(Frame::Sync {
            doc: id,
            message: m.encode(),
        })
        .await;
    assert_eq!(dev_e.expect_refusal().await, Refusal::Revoked);
    assert_eq!(server_heads(&t, &id).await, synced);
    // Dropped from the subscription: subscribing again is plainly forbidden.
    dev_e.subscribe().await;
    assert_eq!(dev_e.expect_refusal().await, Refusal::Forbidden);
}

/// xorshift64*: deterministic bytes for the hostile-input test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[tokio::test]
async fn malformed_frames_never_hurt_the_server() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut doc_a = AutoCommit::new();
    doc_a.put(ROOT, "title", "kept").unwrap();
    doc_a.commit();
    let mut dev_a = Device::connect(&t, &a, "laptop", id, doc_a).await;
    dev_a.subscribe().await;
    dev_a.sync().await;
    let heads = dev_a.doc.get_heads();
    drop(dev_a);

    let id_text = id.to_string();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut errors = 0;
    for i in 0..300 {
        let len = (rng.next() % 200) as usize;
        let message = match i % 4 {
            // Pure noise.
            0 => rng.bytes(len),
            // The right version, any type, noise after.
            1 => [vec![1, (rng.next() % 8) as u8], rng.bytes(len)].concat(),
            // A well-formed Sync frame for a real document whose Automerge message is noise.
            2 => {
                let noise = rng.bytes(len);
                let mut f = vec![1, 2];
                f.extend_from_slice(&(id_text.len() as u16).to_be_bytes());
                f.extend_from_slice(id_text.as_bytes());
                f.extend_from_slice(&(noise.len() as u32).to_be_bytes());
                f.extend_from_slice(&noise);
                f
            }
            // A real frame with bits flipped.
            _ => {
                let mut f = Frame::Subscribe { docs: vec![id] }.encode();
                let at = (rng.next() as usize) % f.len();
                f[at] ^= 1 << (rng.next() % 8);
                f
            }
        };
        let mut ws = connect(&t, Some(&a.access), Some("fuzz")).await.unwrap();
        ws.send(Message::Binary(message.into())).await.unwrap();
        // Whatever that was, this one is surely bad: the connection must end with an Error.
        let _ = ws.send(Message::Binary(vec![0xFF].into())).await;
        let mut last = None;
        loop {
            match tokio::time::timeout(PATIENCE, ws.next()).await {
                Err(_) => panic!("message {i}: the server neither answered nor closed"),
                Ok(Some(Ok(Message::Binary(b)))) => last = Some(Frame::decode(&b).unwrap()),
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => break,
                Ok(Some(Ok(_))) => {}
            }
        }
        match last {
            Some(Frame::Error { .. }) => errors += 1,
            other => panic!("message {i}: the connection ended with {other:?}"),
        }
    }
    assert_eq!(errors, 300);

    // A text message is an error too.
    let mut ws = connect(&t, Some(&a.access), Some("fuzz")).await.unwrap();
    ws.send(Message::Text("subscribe me".into())).await.unwrap();
    let frame = match ws.next().await {
        Some(Ok(Message::Binary(b))) => Frame::decode(&b).unwrap(),
        other => panic!("{other:?}"),
    };
    assert!(matches!(frame, Frame::Error { .. }), "{frame:?}");

    // The server is fine: health answers, the document is intact, and a good client syncs.
    let resp = t
        .http
        .get(format!("{}/health", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(server_heads(&t, &id).await, heads);
    let mut dev_b = Device::connect(&t, &a, "phone", id, AutoCommit::new()).await;
    dev_b.subscribe().await;
    dev_b.sync().await;
    assert_eq!(dev_b.doc.get_heads(), heads);
    assert_eq!(get_str(&dev_b.doc, "title").as_deref(), Some("kept"));
}

#[tokio::test]
async fn a_registered_document_is_announced_to_the_accounts_connected_devices() {
    let t = TestServer::start().await;
    let owner = t.register("owner@a.example").await;
    let other = t.register("someone@b.example").await;
    let (site, id) = site_doc(&t, &owner).await;
    let mut laptop = Device::connect(&t, &owner, "laptop", id, AutoCommit::new()).await;
    laptop.subscribe().await;
    laptop.sync().await;
    let mut stranger = Device::connect(&t, &other, "laptop", id, AutoCommit::new()).await;

    // Another device of the owner registers the site's plan document.
    let plan = t.add_doc(&owner, &format!("site/{site}/plan"), None).await;
    let announced = laptop.recv(PATIENCE).await;
    assert_eq!(announced, Some(Frame::Available { doc: doc(&plan) }));
    // Registering it again announces nothing; another account hears nothing at all.
    let (status, _) = t
        .post("/v1/docs", Some(&owner.access), json!({"doc_id": plan}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(laptop.recv(QUIET).await.is_none());
    assert!(stranger.recv(QUIET).await.is_none());
}
