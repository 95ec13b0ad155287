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

#[test]
fn compiles() {}
