//! Publisher → Calendar in the real app window against a real WordPress (folio-wp-harness). A
//! site is connected through core before the app starts, with one slot a day at two UTC times
//! six and twelve hours from now (so no slot comes due while the test runs), and two approved
//! articles. In the window the site is chosen and "Schedule next approved" schedules both; both
//! appear on the calendar as scheduled, with free slots around them. One is moved by picking it
//! and clicking a free slot (the keyboard way), the other by the drag-and-drop handlers (HTML5
//! drag events dispatched in the page, as native drag gestures over WebDriver are not reliable
//! in WebKit — the browser's own gesture is not exercised). Each
//! move is checked in core and in WordPress: the same post, its `date_gmt` the new slot.
//! Screenshot: `target/e2e/calendar.png`. Run under `scripts/headless.sh` (keychain, display).

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Timelike, Utc};
use fantoccini::{Client, Locator};
use folio_core::Folio;
use folio_e2e::{
    click, display_available, screenshot, texts, wait_for_attr, wait_for_props, wait_for_text,
    Driver,
};
use folio_model::{
    CalendarQuery, ContentId, ContentStatus, NewContent, NewSite, PublishingSettingsUpdate, SiteId,
    WpConnect,
};
use folio_wp_harness::{Options, WordPress};
use std::ffi::OsStr;
use std::path::Path;
use std::time::Instant;

/// Scheduling uploads two posts to WordPress: more than the usual UI timeout under load.
const WP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

const FUTURE_POSTS: &str =
    "SELECT COUNT(*) FROM wp_posts WHERE post_type='post' AND post_status='future'";

struct Seeded {
    site: SiteId,
    articles: [ContentId; 2],
}

async fn seed(data_dir: &Path, wp: &WordPress) -> Result<Seeded> {
    let folio = Folio::open(data_dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Garden Blog".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await?;
    folio
        .wp_connect(WpConnect {
            site: site.id,
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
            site.id,
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
    let mut articles = Vec::new();
    for title in ["Choosing a hoe", "Sharpening a spade"] {
        let id = folio
            .add_content(NewContent {
                site: site.id,
                sector: None,
                title: title.into(),
                body_html: Some(format!("<h2>{title}</h2><p>On the calendar.</p>")),
            })
            .await?
            .id;
        for to in [ContentStatus::Review, ContentStatus::Approved] {
            folio.set_content_status(id, to).await?;
        }
        articles.push(id);
    }
    folio.close().await;
    Ok(Seeded {
        site: site.id,
        articles: [articles[0], articles[1]],
    })
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// Step the month view until it shows the month of `t` (the calendar opens on today's month;
/// `shown` is the first day of the month on screen).
async fn show_month_of(app: &Client, shown: &mut NaiveDate, t: DateTime<Utc>) -> Result<()> {
    let target = t.date_naive();
    while month_index(*shown) != month_index(target) {
        let forward = month_index(target) > month_index(*shown);
        click(app, if forward { "#cal-next" } else { "#cal-prev" }).await?;
        *shown = if forward {
            shown.checked_add_months(Months::new(1))
        } else {
            shown.checked_sub_months(Months::new(1))
        }
        .context("a month out of range")?;
        let title = shown.format("%B %Y").to_string();
        wait_for_text(app, "#cal-title", "the month", |s| s == title).await?;
    }
    wait_for_attr(app, "#cal-grid", "aria-busy", "false").await
}

/// Wait until the post is on the calendar at `at`.
async fn wait_post_at(app: &Client, content: ContentId, at: DateTime<Utc>) -> Result<()> {
    wait_for_attr(
        app,
        &format!(".cal-post[data-content-id='{content}']"),
        "data-at",
        &rfc3339(at),
    )
    .await
}

/// Wait for the page's banner after a move or a plan: its text, or the error it reported.
async fn wait_notice(app: &Client, ok: impl Fn(&str) -> bool) -> Result<String> {
    let deadline = Instant::now() + WP_TIMEOUT;
    loop {
        if let Some(e) = texts(app, "#cal-error").await?.first() {
            bail!("the page reported: {e}");
        }
        if let Some(t) = texts(app, "#cal-notice").await?.first() {
            if ok(t) {
                return Ok(t.clone());
            }
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for the calendar's notice");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// The post's id and `date_gmt` on WordPress, and how core has it.
async fn check_moved(
    data_dir: &Path,
    wp: &WordPress,
    content: ContentId,
    post_id: &str,
    to: DateTime<Utc>,
) -> Result<()> {
    let folio = Folio::open(data_dir).await?;
    let c = folio.get_content(content).await?;
    folio.close().await;
    assert_eq!(c.scheduled_publish_at, Some(to), "core has the new slot");
    assert_eq!(c.external_id.as_deref(), Some(post_id), "the same post");
    let row = wp.sql(&format!(
        "SELECT post_status, post_date_gmt FROM wp_posts WHERE ID = {post_id}"
    ))?;
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        [
            "future".to_owned(),
            to.format("%Y-%m-%d").to_string(),
            to.format("%H:%M:%S").to_string()
        ],
        "WordPress publishes it at the new slot"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_next_approved_then_move_posts_to_free_slots() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let keychain = folio_e2e::keychain_service("calendar");
    // Core here and the app share the keychain entry of the connection.
    std::env::set_var("FOLIO_KEYCHAIN_SERVICE", &keychain);
    let wp = tokio::task::spawn_blocking(|| WordPress::start(Options::default()))
        .await?
        .context("starting WordPress (scripts/setup.sh test installs it)")?;
    let data_dir = tempfile::tempdir()?;
    let seeded = seed(data_dir.path(), &wp).await?;
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain))],
    )
    .await?;
    let app = driver.launch_app().await?;

    click(&app, "#nav-calendar").await?;
    wait_for_text(&app, "#page-title", "the calendar", |t| t == "Calendar").await?;
    wait_for_attr(&app, "#cal-grid", "aria-busy", "false").await?;
    // With every site shown there is no one site to schedule for.
    wait_for_attr(&app, "#cal-schedule-next", "disabled", "true").await?;
    app.find(Locator::Css("#cal-site"))
        .await?
        .select_by_value(&seeded.site.to_string())
        .await?;
    wait_for_props(
        &app,
        "#cal-schedule-next",
        "disabled",
        "the button for the site",
        |v| v == ["false"],
    )
    .await?;
    click(&app, "#cal-schedule-next").await?;
    let notice = wait_notice(&app, |t| t.starts_with("Scheduled")).await?;
    assert!(
        notice.contains("Scheduled 2 articles for Garden Blog."),
        "{notice}"
    );
    assert_eq!(wp.sql(FUTURE_POSTS)?.trim(), "2");

    // Both on the calendar, scheduled, at the slots core gave them.
    let folio = Folio::open(data_dir.path()).await?;
    let mut slots = Vec::new();
    let mut posts = Vec::new();
    for id in seeded.articles {
        let c = folio.get_content(id).await?;
        slots.push(c.scheduled_publish_at.context("scheduled without a slot")?);
        posts.push(c.external_id.context("scheduled without a post")?);
    }
    // Two targets: free slots after both posts' days (core's own free-slot list).
    let later = slots[1].max(slots[0]);
    let free = folio
        .calendar(CalendarQuery {
            from: later,
            to: later + Duration::days(10),
            site: Some(seeded.site),
        })
        .await?
        .free;
    folio.close().await;
    // On two different days: one a day, so the first move fills its day.
    let mut targets: Vec<DateTime<Utc>> = Vec::new();
    for at in free.iter().map(|f| f.at) {
        let day = at.date_naive();
        if day > later.date_naive() && targets.iter().all(|t| t.date_naive() != day) {
            targets.push(at);
        }
    }
    targets.truncate(2);
    assert_eq!(
        targets.len(),
        2,
        "free slots after the scheduled ones: {free:?}"
    );

    let mut shown = Utc::now()
        .date_naive()
        .with_day(1)
        .context("the first of the month")?;
    for (id, slot) in seeded.articles.iter().zip(&slots) {
        show_month_of(&app, &mut shown, *slot).await?;
        wait_post_at(&app, *id, *slot).await?;
        wait_for_attr(
            &app,
            &format!(".cal-post[data-content-id='{id}']"),
            "data-state",
            "scheduled",
        )
        .await?;
    }

    // The first: picked with a click, then the free slot clicked.
    show_month_of(&app, &mut shown, slots[0]).await?;
    click(
        &app,
        &format!(".cal-post[data-content-id='{}']", seeded.articles[0]),
    )
    .await?;
    wait_for_text(&app, "#cal-picked", "the picked post", |t| {
        t.contains("Choosing a hoe")
    })
    .await?;
    show_month_of(&app, &mut shown, targets[0]).await?;
    let slot_css = |t: DateTime<Utc>| {
        format!(
            ".cal-free[data-site-id='{}'][data-at='{}']",
            seeded.site,
            rfc3339(t)
        )
    };
    wait_for_attr(&app, &slot_css(targets[0]), "aria-disabled", "false").await?;
    click(&app, &slot_css(targets[0])).await?;
    let notice = wait_notice(&app, |t| t.starts_with("Moved")).await?;
    assert!(notice.contains("Choosing a hoe"), "{notice}");
    wait_post_at(&app, seeded.articles[0], targets[0]).await?;
    check_moved(
        data_dir.path(),
        &wp,
        seeded.articles[0],
        &posts[0],
        targets[0],
    )
    .await?;

    // The second: dragged onto a free slot (the page's dragstart, dragover and drop handlers).
    click(&app, "#cal-notice button").await?;
    show_month_of(&app, &mut shown, slots[1]).await?;
    wait_post_at(&app, seeded.articles[1], slots[1]).await?;
    let from_css = format!(".cal-post[data-content-id='{}']", seeded.articles[1]);
    app.execute(
        "const dt = new DataTransfer(); \
         document.querySelector(arguments[0]).dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: dt }));",
        vec![from_css.clone().into()],
    )
    .await?;
    wait_for_text(&app, "#cal-picked", "the dragged post", |t| {
        t.contains("Sharpening a spade")
    })
    .await?;
    show_month_of(&app, &mut shown, targets[1]).await?;
    wait_for_attr(&app, &slot_css(targets[1]), "aria-disabled", "false").await?;
    let accepted = app
        .execute(
            "const dt = new DataTransfer(); const slot = document.querySelector(arguments[0]); \
             const over = new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }); \
             slot.dispatchEvent(over); \
             if (!over.defaultPrevented) { return false; } \
             slot.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt })); \
             return true;",
            vec![slot_css(targets[1]).into()],
        )
        .await?;
    assert_eq!(
        accepted,
        serde_json::json!(true),
        "the free slot takes the drop"
    );
    let notice = wait_notice(&app, |t| t.contains("Sharpening a spade")).await?;
    assert!(notice.starts_with("Moved"), "{notice}");
    wait_post_at(&app, seeded.articles[1], targets[1]).await?;
    check_moved(
        data_dir.path(),
        &wp,
        seeded.articles[1],
        &posts[1],
        targets[1],
    )
    .await?;
    assert_eq!(wp.sql(FUTURE_POSTS)?.trim(), "2", "moved, not duplicated");

    // The slot the second left is free again (one a day: its day had no other).
    show_month_of(&app, &mut shown, slots[1]).await?;
    wait_for_attr(&app, &slot_css(slots[1]), "aria-disabled", "true").await?;
    screenshot(&app, "calendar").await?;

    app.close().await?;
    drop(driver);
    tokio::task::spawn_blocking(move || wp.stop()).await??;
    Ok(())
}
