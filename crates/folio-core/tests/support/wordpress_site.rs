//! Shared by the core tests that run against a real WordPress: a site connected to a fresh
//! WordPress, publishing slots safely ahead of now, a REST client logged in as one of the
//! harness's users, and a change written into the device's projection the way a synced change
//! from another device lands there.
#![allow(dead_code)] // each test file uses a different part of it
#![allow(clippy::unwrap_used)] // a failed setup should panic

use chrono::{Timelike, Utc};
use folio_core::Folio;
use folio_model::{NewSite, PublishingSettingsUpdate, Site, WpConnect};
use folio_wordpress::{ClientOptions, Credentials, WpClient};
use folio_wp_harness::{Options, WordPress, WpUser};
use std::path::Path;

/// A fresh WordPress and a store (keys in a keychain service of this test's own) with a site
/// "Garden" connected to it as the harness's author.
pub async fn garden_on_wordpress() -> (WordPress, tempfile::TempDir, Folio, Site) {
    std::env::set_var(
        "FOLIO_KEYCHAIN_SERVICE",
        format!("folio-test-{}", uuid::Uuid::now_v7()),
    );
    let wp = tokio::task::spawn_blocking(|| WordPress::start(Options::default()))
        .await
        .unwrap()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Garden".into(),
            domain: "garden.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();
    folio
        .wp_connect(WpConnect {
            site: site.id,
            url: wp.url.clone(),
            user: wp.author.login.clone(),
            app_password: wp.author.app_password.clone(),
            allow_insecure: false,
        })
        .await
        .unwrap();
    (wp, dir, folio, site)
}

/// Two New York times at least six hours from now: no slot comes due (or within the ten
/// settled minutes) while a test runs, so a dry run and an upload see the same slots.
pub fn new_york_times_ahead() -> [String; 2] {
    let tz: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let hour = Utc::now().with_timezone(&tz).hour();
    let (a, b) = ((hour + 6) % 24, (hour + 12) % 24);
    [format!("{a:02}:00"), format!("{b:02}:00")]
}

/// One post a day, every day, at `times` in New York.
pub fn one_a_day_in_new_york(times: &[String]) -> PublishingSettingsUpdate {
    PublishingSettingsUpdate {
        daily_publish_limit: Some(1),
        weekly_publish_limit: Some(7),
        monthly_publish_limit: Some(31),
        publish_days: Some(
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .map(String::from)
                .to_vec(),
        ),
        publish_time_slots: Some(times.to_vec()),
        timezone: Some("America/New_York".into()),
        ..Default::default()
    }
}

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
