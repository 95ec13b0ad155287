//! The desktop shell runs core operations on a multi-threaded runtime (Tauri commands, the
//! background sync task): their futures must be `Send` for any borrow, which the compiler only
//! checks where one is spawned. This file fails to compile if one is not.

use folio_core::Folio;
use std::future::Future;
use std::path::Path;

fn spawnable<F: Future + Send>(f: F) -> F {
    f
}

#[allow(dead_code)]
fn sync_operations_are_spawnable(folio: &'static Folio, dir: &'static Path) {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    drop(tokio::spawn(spawnable(Folio::open(dir))));
    drop(tokio::spawn(spawnable(
        folio.account_login("http://x", "e", "p"),
    )));
    drop(tokio::spawn(spawnable(
        folio.account_register("http://x", "e", "p"),
    )));
    drop(tokio::spawn(spawnable(folio.account_logout())));
    drop(tokio::spawn(spawnable(folio.sync_once())));
    drop(tokio::spawn(spawnable(folio.sync_status())));
    drop(tokio::spawn(spawnable(folio.sync_watch(rx, |_| {}))));
}

/// The ledger operations the shell's Usage page and the AI calls will run.
#[allow(dead_code)]
fn ledger_operations_are_spawnable(
    folio: &'static Folio,
    filter: &'static folio_model::UsageFilter,
    hold: &'static folio_model::CreditHold,
    record: folio_model::UsageRecord,
) {
    use folio_model::{AiOperation, EstimateInput, UsageGroup};
    drop(tokio::spawn(spawnable(folio.estimate_credits(
        AiOperation::ContentGeneration,
        "gpt-4o",
        EstimateInput::Images { count: 1 },
    ))));
    drop(tokio::spawn(spawnable(
        folio.reserve_credits(AiOperation::Clustering, 1),
    )));
    drop(tokio::spawn(spawnable(folio.settle_credits(hold, record))));
    drop(tokio::spawn(spawnable(folio.release_credits(hold))));
    drop(tokio::spawn(spawnable(folio.credit_balance())));
    drop(tokio::spawn(spawnable(
        folio.usage_report(filter, UsageGroup::Day),
    )));
    drop(tokio::spawn(spawnable(folio.usage_by_day_and_site(filter))));
    drop(tokio::spawn(spawnable(folio.set_monthly_budget(None))));
}

#[test]
fn compiles() {}
