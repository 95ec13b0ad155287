//! Documents and sync states in a real SQLite file.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use automerge::sync::{State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use folio_sync::doc_store::{self, Saved, StoredDoc};
use folio_sync::DocId;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use uuid::Uuid;

async fn db(dir: &std::path::Path, name: &str) -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(dir.join(name))
                .create_if_missing(true),
        )
        .await
        .unwrap();
    doc_store::ensure_tables(&mut pool.acquire().await.unwrap())
        .await
        .unwrap();
    pool
}

fn text(doc: &AutoCommit, key: &str) -> Option<String> {
    doc.get(ROOT, key)
        .unwrap()
        .map(|(v, _)| v.into_string().unwrap_or_default())
}

async fn chunk_count(pool: &SqlitePool, id: &DocId) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM doc_chunks WHERE doc_id = ?")
        .bind(id.to_string())
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn documents_save_incrementally_compact_and_load_back() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db(dir.path(), "a.db").await;
    let id = DocId::Site(Uuid::now_v7());
    let mut conn = pool.acquire().await.unwrap();
    assert!(doc_store::load(&mut conn, &id).await.unwrap().is_none());

    let mut stored = StoredDoc::new(id, AutoCommit::new());
    stored.doc.put(ROOT, "name", "Garden Blog").unwrap();
    assert!(matches!(
        doc_store::save(&mut conn, &mut stored).await.unwrap(),
        Saved::Snapshot { .. }
    ));
    assert_eq!(
        doc_store::save(&mut conn, &mut stored).await.unwrap(),
        Saved::Nothing
    );
    stored.doc.put(ROOT, "domain", "garden.example").unwrap();
    assert!(matches!(
        doc_store::save(&mut conn, &mut stored).await.unwrap(),
        Saved::Increment { .. }
    ));

    // Many small edits stay a handful of rows: increments fold into snapshots.
    for i in 0..300 {
        stored.doc.put(ROOT, "counter", i as i64).unwrap();
        doc_store::save(&mut conn, &mut stored).await.unwrap();
    }
    drop(conn);
    let rows = chunk_count(&pool, &id).await;
    assert!(rows < 40, "{rows} chunks for 302 saves");

    let mut conn = pool.acquire().await.unwrap();
    let mut loaded = doc_store::load(&mut conn, &id).await.unwrap().unwrap();
    assert_eq!(text(&loaded.doc, "name").as_deref(), Some("Garden Blog"));
    assert_eq!(
        text(&loaded.doc, "domain").as_deref(),
        Some("garden.example")
    );
    assert_eq!(loaded.doc.get_heads(), stored.doc.get_heads());
    assert_eq!(
        doc_store::save(&mut conn, &mut loaded).await.unwrap(),
        Saved::Nothing,
        "a load is already saved"
    );
}

#[tokio::test]
async fn a_damaged_document_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db(dir.path(), "a.db").await;
    let id = DocId::Plan(Uuid::now_v7());
    sqlx::query("INSERT INTO doc_chunks (doc_id, snapshot, data) VALUES (?, 1, x'856f4a83000102')")
        .bind(id.to_string())
        .execute(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let err = doc_store::load(&mut conn, &id).await.err().unwrap();
    assert!(err.to_string().contains("damaged"), "{err}");
}

/// Run the sync protocol between two documents until both are quiet; returns the messages and
/// the encoded bytes sent.
fn sync(a: &mut AutoCommit, sa: &mut State, b: &mut AutoCommit, sb: &mut State) -> (usize, usize) {
    let (mut sent, mut bytes) = (0, 0);
    loop {
        let mut quiet = true;
        if let Some(m) = a.sync().generate_sync_message(sa) {
            bytes += m.clone().encode().len();
            b.sync().receive_sync_message(sb, m).unwrap();
            sent += 1;
            quiet = false;
        }
        if let Some(m) = b.sync().generate_sync_message(sb) {
            bytes += m.clone().encode().len();
            a.sync().receive_sync_message(sa, m).unwrap();
            sent += 1;
            quiet = false;
        }
        if quiet {
            return (sent, bytes);
        }
    }
}

#[tokio::test]
async fn persisted_sync_states_make_a_reconnect_cheaper() {
    let dir = tempfile::tempdir().unwrap();
    let (pa, pb) = (db(dir.path(), "a.db").await, db(dir.path(), "b.db").await);
    let id = DocId::Site(Uuid::now_v7());
    let mut a = AutoCommit::new();
    // 500 separate edits: the history a long-lived document has
    for i in 0..500 {
        a.put(ROOT, format!("k{i}"), i as i64).unwrap();
        a.commit();
    }
    let mut b = AutoCommit::new();
    let (mut ca, mut cb) = (pa.acquire().await.unwrap(), pb.acquire().await.unwrap());
    let mut sa = doc_store::sync_state(&mut ca, &id, "b").await.unwrap();
    let mut sb = doc_store::sync_state(&mut cb, &id, "a").await.unwrap();
    sync(&mut a, &mut sa, &mut b, &mut sb);
    assert_eq!(a.get_heads(), b.get_heads());
    doc_store::save_sync_state(&mut ca, &id, "b", &sa)
        .await
        .unwrap();
    doc_store::save_sync_state(&mut cb, &id, "a", &sb)
        .await
        .unwrap();

    // Reconnect after one new edit: with the kept states, versus starting fresh.
    a.put(ROOT, "k0", -1).unwrap();
    a.commit();
    let mut a2 = a.clone();
    let mut b2 = b.clone();
    let mut sa = doc_store::sync_state(&mut ca, &id, "b").await.unwrap();
    let mut sb = doc_store::sync_state(&mut cb, &id, "a").await.unwrap();
    let kept = sync(&mut a, &mut sa, &mut b, &mut sb);
    let fresh = sync(&mut a2, &mut State::new(), &mut b2, &mut State::new());
    eprintln!("reconnect after one edit (messages, bytes): kept states {kept:?}, fresh {fresh:?}");
    assert_eq!(b.get_heads(), a.get_heads());
    assert_eq!(b2.get_heads(), a2.get_heads());
    // A fresh state makes each side describe its whole history (a filter over 500 changes).
    assert!(kept.1 * 2 < fresh.1, "kept {kept:?} vs fresh {fresh:?}");
}
