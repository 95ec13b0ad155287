//! The dashboard, the app's start page, in the real app window against a real WordPress
//! (folio-wp-harness). Two sites are made through core: Garden Blog, connected to WordPress with
//! one slot a day at two UTC times six and twelve hours from now (no slot comes due while the
//! test runs), with three keywords, a cluster and two approved articles without a slot; Kitchen
//! Notes with two keywords. The app opens on the dashboard: the counts of all sites, then of
//! Garden Blog alone; the next step says the approved articles have no slot, its button
//! schedules them (uploaded to WordPress as scheduled posts), and the page shows the outcome:
//! two scheduled, none approved, both among the next posts, and the next step moved on.
//! Screenshot: `target/e2e/dashboard.png`. Run under `scripts/headless.sh` (keychain, display).

use anyhow::{bail, Context, Result};
use chrono::{Timelike, Utc};
use fantoccini::{Client, Locator};
use folio_core::{Folio, ImportOptions};
use folio_e2e::{
    click, display_available, screenshot, texts, wait_for_attr, wait_for_text, wait_for_texts,
    Driver,
};
use folio_model::{
    ContentStatus, NewCluster, NewContent, NewSite, PublishingSettingsUpdate, SiteId, WpConnect,
};
use folio_wp_harness::{Options, WordPress};
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

/// Scheduling uploads two posts to WordPress: more than the usual UI timeout under load.
const WP_TIMEOUT: Duration = Duration::from_secs(60);

const FUTURE_POSTS: &str =
    "SELECT COUNT(*) FROM wp_posts WHERE post_type='post' AND post_status='future'";

async fn seed(data_dir: &Path, wp: &WordPress) -> Result<SiteId> {
    let folio = Folio::open(data_dir).await?;
    let garden = folio
        .create_site(&NewSite {
            name: "Garden Blog".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await?;
    folio
        .wp_connect(WpConnect {
            site: garden.id,
            url: wp.url.clone(),
            user: wp.author.login.clone(),
            app_password: wp.author.app_password.clone(),
            allow_insecure: false,
        })
        .await?;
    let hour = Utc::now().hour();
    let (a, b) = ((hour + 6) % 24, (hour + 12) % 24);
    folio
        .update_publishing_settings(
            garden.id,
            PublishingSettingsUpdate {
                daily_publish_limit: Some(1),
                weekly_publish_limit: Some(7),
                monthly_publish_limit: Some(31),
                publish_days: Some(
                    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                        .map(String::from)
                        .to_vec(),
                ),
                publish_time_slots: Some(vec![format!("{a:02}:00"), format!("{b:02}:00")]),
                timezone: Some("UTC".into()),
                ..Default::default()
            },
        )
        .await?;
    folio
        .import_keywords(
            garden.id,
            None,
            b"garden hoe\nspade sharpening\nraised bed\n".to_vec(),
            &ImportOptions::default(),
        )
        .await?;
    folio
        .create_cluster(NewCluster::new(
            garden.id,
            garden.sectors[0].id,
            "Hand tools",
        ))
        .await?;
    for title in ["Choosing a hoe", "Sharpening a spade"] {
        let id = folio
            .add_content(NewContent {
                site: garden.id,
                sector: None,
                title: title.into(),
                body_html: Some(format!("<h2>{title}</h2><p>From the dashboard.</p>")),
            })
            .await?
            .id;
        for to in [ContentStatus::Review, ContentStatus::Approved] {
            folio.set_content_status(id, to).await?;
        }
    }
    let kitchen = folio
        .create_site(&NewSite {
            name: "Kitchen Notes".into(),
            domain: "kitchen.example".into(),
            sectors: vec![],
        })
        .await?;
    folio
        .import_keywords(
            kitchen.id,
            None,
            b"cast iron pan\nchef knife\n".to_vec(),
            &ImportOptions::default(),
        )
        .await?;
    folio.close().await;
    Ok(garden.id)
}

/// Wait until the stat card `key` shows `value`.
async fn wait_stat(app: &Client, key: &str, value: u64) -> Result<()> {
    wait_for_attr(
        app,
        &format!("#stat-{key}"),
        "data-value",
        &value.to_string(),
    )
    .await
}

/// Wait for the page's notice after the step's action, or fail with the error it reported.
async fn wait_notice(app: &Client) -> Result<String> {
    let deadline = Instant::now() + WP_TIMEOUT;
    loop {
        if let Some(e) = texts(app, "#dash-action-error").await?.first() {
            bail!("the page reported: {e}");
        }
        if let Some(t) = texts(app, "#dash-notice").await?.first() {
            return Ok(t.clone());
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for the dashboard's notice");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_page_counts_and_its_next_step_schedules_approved_articles() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let keychain = folio_e2e::keychain_service("dashboard");
    // Core here and the app share the keychain entry of the connection.
    std::env::set_var("FOLIO_KEYCHAIN_SERVICE", &keychain);
    let wp = tokio::task::spawn_blocking(|| WordPress::start(Options::default()))
        .await?
        .context("starting WordPress (scripts/setup.sh test installs it)")?;
    let data_dir = tempfile::tempdir()?;
    let garden = seed(data_dir.path(), &wp).await?;
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain))],
    )
    .await?;
    let app = driver.launch_app().await?;

    // The start page, first in the sidebar: every site's counts.
    wait_for_text(&app, "#page-title", "the dashboard", |t| t == "Dashboard").await?;
    wait_for_attr(&app, "#nav-dashboard", "aria-current", "page").await?;
    wait_stat(&app, "keywords", 5).await?;
    wait_stat(&app, "clusters", 1).await?;
    wait_stat(&app, "approved", 2).await?;
    wait_stat(&app, "scheduled", 0).await?;
    wait_for_texts(&app, "#dash-runs .dash-run", "both sites' runs", |t| {
        t.len() == 2 && t.iter().all(|r| r.ends_with("no run yet"))
    })
    .await?;

    // One site.
    app.find(Locator::Css("#dash-site"))
        .await?
        .select_by_value(&garden.to_string())
        .await?;
    wait_stat(&app, "keywords", 3).await?;
    wait_for_attr(&app, "#dashboard", "aria-busy", "false").await?;
    wait_for_attr(&app, "#next-step", "data-step", "schedule_approved").await?;
    wait_for_text(&app, "#next-step-text", "the next step", |t| {
        t == "2 approved articles have no slot"
    })
    .await?;
    wait_for_text(&app, "#next-step-action", "the step's button", |t| {
        t == "Schedule them"
    })
    .await?;
    assert!(texts(&app, "#dash-next-posts li").await?.is_empty());
    assert_eq!(wp.sql(FUTURE_POSTS)?.trim(), "0");

    // The button schedules them, for real.
    click(&app, "#next-step-action").await?;
    let notice = wait_notice(&app).await?;
    assert!(notice.starts_with("Scheduled 2 articles."), "{notice}");
    wait_stat(&app, "scheduled", 2).await?;
    wait_stat(&app, "approved", 0).await?;
    let posts = wait_for_texts(&app, "#dash-next-posts li", "the next posts", |t| {
        t.len() == 2
    })
    .await?;
    assert!(
        posts.iter().any(|p| p.starts_with("Choosing a hoe"))
            && posts.iter().any(|p| p.starts_with("Sharpening a spade")),
        "{posts:?}"
    );
    assert!(posts.iter().all(|p| p.contains("Garden Blog")), "{posts:?}");
    // The work moved on: the cluster has no ideas yet.
    wait_for_attr(&app, "#next-step", "data-step", "generate_ideas").await?;
    assert_eq!(wp.sql(FUTURE_POSTS)?.trim(), "2");
    screenshot(&app, "dashboard").await?;

    // Core agrees.
    let folio = Folio::open(data_dir.path()).await?;
    let d = folio.dashboard(Some(garden)).await?;
    folio.close().await;
    assert_eq!((d.counts.scheduled, d.counts.approved), (2, 0));

    app.close().await?;
    drop(driver);
    tokio::task::spawn_blocking(move || wp.stop()).await??;
    Ok(())
}
