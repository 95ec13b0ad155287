//! Shared by the core tests that run against a real WordPress: a REST client logged in as one
//! of the harness's users, and a change written into the device's projection the way a synced
//! change from another device lands there.
#![allow(dead_code)] // each test file uses a different part of it
#![allow(clippy::unwrap_used)] // a failed setup should panic

use folio_wordpress::{ClientOptions, Credentials, WpClient};
use folio_wp_harness::{WordPress, WpUser};
use std::path::Path;

/// The site's REST API as `user` (the harness's admin sees and edits every post).
pub fn client_as(wp: &WordPress, user: &WpUser) -> WpClient {
    WpClient::new(
        &wp.api,
        Some(Credentials::new(
            user.login.clone(),
            user.app_password.clone(),
        )),
        ClientOptions::default(),
    )
    .unwrap()
}

/// Run one `UPDATE` on the device's database with the mirror paused, as the projection applies
/// a remote change (so it is not taken for a local edit to send back); it must touch one row.
pub async fn write_as_synced(dir: &Path, sql: &str, binds: &[&str]) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("folio.db").display()))
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT OR IGNORE INTO mirror_paused (one) VALUES (1)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    assert_eq!(q.execute(&mut *tx).await.unwrap().rows_affected(), 1);
    sqlx::query("DELETE FROM mirror_paused")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    pool.close().await;
}
