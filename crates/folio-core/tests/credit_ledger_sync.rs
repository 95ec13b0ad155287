//! Ledger entries sync with the account: an entry one device writes appears on the other after
//! a sync round, and both derive the same balance from the merged ledger.
//!
//! Needs an OS keychain (the session's refresh token lives there): run under
//! `scripts/headless.sh`, which starts a private Secret Service.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/sync_server.rs"]
mod sync_server;

use folio_core::Folio;
use folio_model::{AiOperation, CallOutcome, UsageFilter, UsageRecord};
use folio_server::PlanId;

const PASSWORD: &str = "Ledger-Sync-Password-7";

fn call(tokens: u64) -> UsageRecord {
    UsageRecord {
        operation: AiOperation::ContentGeneration,
        site: None,
        content: None,
        provider: "openai".into(),
        model: "gpt-4o".into(),
        tokens_in: tokens,
        tokens_out: 0,
        images: 0,
        provider_cost_usd: None,
        outcome: CallOutcome::Ok,
        at: None,
    }
}

async fn ids(folio: &Folio) -> Vec<String> {
    let mut ids: Vec<String> = folio
        .ledger_entries(&UsageFilter::default(), 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id.to_string())
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_entries_from_one_device_reach_the_other() {
    sync_server::private_keychain();
    let server_dir = tempfile::tempdir().unwrap();
    let server = sync_server::start(server_dir.path(), 0, PlanId::Growth).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let a = Folio::open(dir_a.path()).await.unwrap();
    a.account_register(&server.url(), "ledger@example.com", PASSWORD)
        .await
        .unwrap();
    a.sync_once().await.unwrap(); // binds the Growth plan: 2,000 credits this month
    let on_a = a.record_usage(call(12_000)).await.unwrap();
    assert_eq!((on_a.credits, on_a.plan_credits), (12, 12));
    assert!(
        on_a.device_id.is_some(),
        "a synced directory has a device id"
    );
    a.sync_once().await.unwrap();

    let b = Folio::open(dir_b.path()).await.unwrap();
    b.account_login(&server.url(), "ledger@example.com", PASSWORD)
        .await
        .unwrap();
    b.close().await;
    let b = Folio::open(dir_b.path()).await.unwrap();
    assert_eq!(b.account_id(), a.account_id());
    b.sync_once().await.unwrap();
    let seen = b.ledger_entries(&UsageFilter::default(), 10).await.unwrap();
    assert_eq!(seen, vec![on_a.clone()], "B has A's entry, field for field");

    // B spends too; after a round each way both have both entries and the same balance
    let on_b = b.record_usage(call(5_000)).await.unwrap();
    b.sync_once().await.unwrap();
    a.sync_once().await.unwrap();
    assert_eq!(ids(&a).await, ids(&b).await);
    assert_eq!(ids(&a).await.len(), 2);
    assert_ne!(on_a.device_id, on_b.device_id);
    let (bal_a, bal_b) = (
        a.credit_balance().await.unwrap(),
        b.credit_balance().await.unwrap(),
    );
    assert_eq!(bal_a, bal_b);
    assert_eq!(bal_a.plan_credits, (2_000 - 12 - 5).into());
    server.shutdown().await.unwrap();
}
