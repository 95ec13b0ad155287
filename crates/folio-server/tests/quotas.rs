//! Quotas and floods on the sync socket: frames over 8 MiB, documents past the plan's count,
//! changes past the plan's stored bytes, a ninth connection of one user, and a compression bomb
//! are all refused before they cost the server more than their own bytes.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;
#[path = "support/sync_client.rs"]
mod sync_client;

use automerge::sync::{ChunkList, Message as SyncMessage, MessageVersion};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use folio_sync::{Frame, Refusal, MAX_FRAME_BYTES};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::json;
use std::io::Write;
use support::{article, assert_error, doc, TestServer};
use sync_client::*;
use tokio_tungstenite::tungstenite::Message;

/// Wait for the server to end the socket (a close frame, or the connection dropped).
async fn wait_for_end(ws: &mut Ws) -> Vec<Frame> {
    let mut frames = Vec::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, ws.next()).await {
            Err(_) => panic!("the socket stayed open"),
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return frames,
            Ok(Some(Ok(Message::Binary(b)))) => frames.push(Frame::decode(&b).unwrap()),
            Ok(Some(Ok(_))) => {}
        }
    }
}

#[tokio::test]
async fn a_frame_over_eight_mebibytes_is_refused() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut ws = connect(&t, Some(&a.access), Some("laptop")).await.unwrap();
    // For an unregistered document: a frame the server reads is answered `NotFound` at once
    // (the socket stays open), so silence and a close show it was never read.
    let frame = Frame::Sync {
        doc: doc(&article()),
        message: vec![0x42; 8 * 1024 * 1024 + 1],
    };
    // The server may hang up while the frame is still being written.
    let _ = ws.send(Message::Binary(frame.encode().into())).await;
    // Dropped by the WebSocket layer: never read whole, so never decoded or answered.
    let answered = wait_for_end(&mut ws).await;
    assert!(answered.is_empty(), "{answered:?}");
    assert!(server_heads(&t, &id).await.is_empty());
    // The server itself is fine.
    let mut dev = Device::connect(&t, &a, "laptop", id, AutoCommit::new()).await;
    dev.subscribe().await;
    dev.sync().await;
}

#[tokio::test]
async fn the_document_past_the_plans_count_is_refused() {
    let t = TestServer::start().await;
    t.sql("UPDATE plans SET max_docs = 3 WHERE id = 'growth'")
        .await;
    let a = t.register("alice@example.com").await;
    let site = t.add_site(&a, "Garden").await;
    t.add_doc(&a, &format!("site/{site}"), None).await;
    t.add_doc(&a, &format!("site/{site}/plan"), None).await;
    t.add_doc(&a, &format!("site/{site}/articles"), None).await;
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&a.access),
            json!({"doc_id": article(), "site_id": site}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_error(&v, "limit");
    // Registering one that exists is not a new document.
    let (status, v) = t
        .post(
            "/v1/docs",
            Some(&a.access),
            json!({"doc_id": format!("site/{site}")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, account) = t.get("/v1/account", &a.access).await;
    assert_eq!(account["limits"]["max_docs"], 3, "{account}");
}

#[tokio::test]
async fn changes_past_the_plans_storage_are_refused() {
    let t = TestServer::start().await;
    t.sql("UPDATE plans SET max_storage_bytes = 4000 WHERE id = 'growth'")
        .await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let (_, account) = t.get("/v1/account", &a.access).await;
    assert_eq!(account["limits"]["max_storage_bytes"], 4000, "{account}");
    let mut d = AutoCommit::new();
    d.put(ROOT, "title", "small").unwrap();
    d.commit();
    let mut dev = Device::connect(&t, &a, "laptop", id, d).await;
    dev.subscribe().await;
    dev.sync().await;
    let before = server_heads(&t, &id).await;
    assert!(!before.is_empty());
    // Random text does not compress: the change is about as large on the wire as stored.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let big: String = (0..12000)
        .map(|_| {
            // xorshift64: cheap bytes that deflate cannot shrink much.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect();
    dev.doc.put(ROOT, "body", big).unwrap();
    dev.doc.commit();
    match dev.send_changes().await {
        Frame::Refused { reason, .. } => assert_eq!(reason, Refusal::Limit),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(server_heads(&t, &id).await, before);
}

#[tokio::test]
async fn a_ninth_connection_of_one_user_is_refused() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let mut open = Vec::new();
    for i in 0..8 {
        open.push(
            connect(&t, Some(&a.access), Some(&format!("d{i}")))
                .await
                .unwrap(),
        );
    }
    assert_eq!(refused_status(&t, Some(&a.access), Some("d8")).await, 422);
    // Another user is not affected.
    let b = t.register("bob@example.com").await;
    connect(&t, Some(&b.access), Some("d0")).await.unwrap();
    // Closing one gives its place back (once the server has seen the close).
    let mut first = open.remove(0);
    first.close(None).await.unwrap();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match connect(&t, Some(&a.access), Some("d8")).await {
            Ok(_) => break,
            Err(_) => assert!(
                tokio::time::Instant::now() < deadline,
                "the closed connection's place never came back"
            ),
        }
        tokio::task::yield_now().await;
    }
}

/// A compressed change chunk (automerge's storage format, type 2) whose body inflates from
/// about 64 KiB to 64 MiB.
fn bomb_chunk() -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    let body = enc.finish().unwrap();
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
    let mut len = body.len() as u64;
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            chunk.push(b);
            break;
        }
        chunk.push(b | 0x80);
    }
    chunk.extend_from_slice(&body);
    chunk
}

#[tokio::test]
async fn a_compression_bomb_is_refused_before_it_inflates() {
    let t = TestServer::start().await;
    let a = t.register("alice@example.com").await;
    let (_, id) = site_doc(&t, &a).await;
    let mut ws = connect(&t, Some(&a.access), Some("laptop")).await.unwrap();
    let message = SyncMessage {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(vec![bomb_chunk()]),
        flags: None,
        version: MessageVersion::V1,
    }
    .encode();
    assert!(message.len() < MAX_FRAME_BYTES);
    ws.send(Message::Binary(
        Frame::Sync { doc: id, message }.encode().into(),
    ))
    .await
    .unwrap();
    let frames = wait_for_end(&mut ws).await;
    let said = frames
        .iter()
        .find_map(|f| match f {
            Frame::Error { message } => Some(message.clone()),
            _ => None,
        })
        .expect("an error frame");
    assert!(said.contains("inflate"), "{said}");
    assert!(server_heads(&t, &doc(&id.to_string())).await.is_empty());
}
