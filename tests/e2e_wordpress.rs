//! Site → WordPress and the publish panel in the real app window against a real WordPress 6.1
//! (folio-wp-harness: MariaDB + PHP on 127.0.0.1, stopped by PID when the test ends). A site and
//! an article are written through core before the app starts. In the window a wrong application
//! password is refused; the author connects in one click (the address WordPress would send back
//! pasted into the fallback field), disconnects, then connects with a pasted application password
//! (the field is emptied and the password is nowhere in the page) and sees "connected"; the site
//! doctor passes the login and only warns that an author cannot create categories; the structure
//! is refreshed. The article is then published from its page: WordPress has exactly one published
//! post and the panel links to it; publishing again says "Updated" and WordPress still has one.
//! The app gets its own throwaway keychain service (scripts/headless.sh provides the keychain).
//! Screenshots in `target/e2e/`.

use anyhow::{bail, Context, Result};
use fantoccini::Client;
use folio_core::Folio;
use folio_e2e::{
    click, display_available, props, screenshot, texts, type_into, wait_for_attr, wait_for_text,
    wait_for_texts, Driver,
};
use folio_model::{ContentId, NewContent, NewSite, PublishingSettingsUpdate, SiteId};
use folio_wp_harness::{Options, WordPress};
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

/// WordPress answers in seconds, but publishing also uploads and creates terms: more than the
/// usual UI timeout under load.
const WP_TIMEOUT: Duration = Duration::from_secs(60);

const PUBLISHED_POSTS: &str =
    "SELECT COUNT(*) FROM wp_posts WHERE post_type='post' AND post_status='publish'";

async fn seed(data_dir: &Path) -> Result<(SiteId, ContentId)> {
    let folio = Folio::open(data_dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Garden Blog".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await?;
    let article = folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: "Choosing a hoe".into(),
            body_html: Some(
                "<p>Weeding is easier with the right blade.</p><h2>Stirrup hoes</h2>\
                 <p>They cut both ways.</p>"
                    .into(),
            ),
        })
        .await?;
    // Scheduled times are read in the site's timezone.
    folio
        .update_publishing_settings(
            site.id,
            PublishingSettingsUpdate {
                timezone: Some("America/New_York".into()),
                ..Default::default()
            },
        )
        .await?;
    Ok((site.id, article.id))
}

async fn go(app: &Client, hash: &str) -> Result<()> {
    app.execute("window.location.hash = arguments[0]", vec![hash.into()])
        .await?;
    Ok(())
}

/// Like `wait_for_text`, with WordPress's patience.
async fn wait_long(
    client: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    let started = Instant::now();
    let deadline = started + WP_TIMEOUT;
    let mut last = None;
    loop {
        let now = texts(client, css).await.unwrap_or_default();
        if let Some(t) = now.first() {
            if ok(t) {
                return Ok(t.clone());
            }
        }
        if !now.is_empty() {
            last = Some(now);
        }
        // An error banner ends the wait early, with its message (after a moment: the banner
        // of an earlier failure goes with the next render).
        if started.elapsed() > Duration::from_secs(1) {
            let errors = texts(client, "#wp-error, #publish-error")
                .await
                .unwrap_or_default();
            if let Some(e) = errors.first() {
                bail!("waiting for {what} ({css}), the page reported: {e}");
            }
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {what} ({css}); last: {last:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn published_posts(wp: &WordPress) -> Result<u32> {
    wp.sql(PUBLISHED_POSTS)?
        .trim()
        .parse()
        .context("counting published posts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_doctor_sync_and_publish_an_article_to_a_real_wordpress() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let wp = tokio::task::spawn_blocking(|| WordPress::start(Options::default()))
        .await?
        .context("starting WordPress (scripts/setup.sh test installs it)")?;
    let data_dir = tempfile::tempdir()?;
    let (site, article) = seed(data_dir.path()).await?;
    let keychain = folio_e2e::keychain_service("wordpress");
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[
            ("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain)),
            ("FOLIO_NO_BROWSER", OsStr::new("1")),
        ],
    )
    .await?;
    let app = driver.launch_app().await?;

    go(&app, &format!("#sites/{site}")).await?;
    wait_for_attr(&app, "#wp-status", "data-status", "not_connected").await?;
    assert_eq!(
        props(&app, "#wp-url", "value").await?,
        ["https://garden.example"],
        "the form starts from the site's domain"
    );

    // A wrong password is refused, explained, and the field emptied anyway.
    type_into(&app, "#wp-url", &format!("{}/wp-admin/", wp.url)).await?;
    type_into(&app, "#wp-user", &wp.author.login).await?;
    type_into(&app, "#wp-app-password", "abcd efgh ijkl mnop qrst uvwx").await?;
    click(&app, "#wp-connect").await?;
    let deadline = Instant::now() + WP_TIMEOUT;
    loop {
        let errors = texts(&app, "#wp-error, [id^=wp-error-]").await?;
        if let Some(e) = errors.first() {
            assert!(e.contains("(auth)"), "{e}");
            break;
        }
        if Instant::now() > deadline {
            bail!("no error for a wrong application password");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(props(&app, "#wp-app-password", "value").await?, [""]);

    // One click: WordPress's authorization screen (the browser is not opened in tests), then
    // the address WordPress would send back, pasted; it connects, and the field is emptied.
    click(&app, "#wp-authorize").await?;
    wait_long(
        &app,
        "#wp-authorize-url",
        "the authorization address",
        |t| t.contains("authorize-application.php") && t.contains("success_url=folio"),
    )
    .await?;
    // WordPress sends the person back to the success URL as given, with Folio's `state` on it.
    let authorize_url = texts(&app, "#wp-authorize-url").await?;
    let authorize_url =
        reqwest::Url::parse(authorize_url.first().map(String::as_str).unwrap_or(""))?;
    let success_url = authorize_url
        .query_pairs()
        .find(|(k, _)| k == "success_url")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let state = reqwest::Url::parse(&success_url)?
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    assert!(
        !state.is_empty(),
        "no state on the success URL: {success_url}"
    );
    let returned = reqwest::Url::parse_with_params(
        "folio://wordpress/authorized",
        &[
            ("state", state.as_str()),
            ("site_url", wp.url.as_str()),
            ("user_login", wp.author.login.as_str()),
            ("password", wp.author.app_password.as_str()),
        ],
    )?;
    type_into(&app, "#wp-returned-url", returned.as_str()).await?;
    click(&app, "#wp-authorize-finish").await?;
    wait_long(&app, "#wp-status", "the one-click connection", |t| {
        t == "connected"
    })
    .await?;
    folio_e2e::wait_gone(&app, "#wp-returned-url", "the paste field").await?;

    // Disconnect, then connect again with the author's application password, pasted.
    click(&app, "#wp-disconnect").await?;
    wait_for_attr(&app, "#wp-status", "data-status", "not_connected").await?;
    type_into(&app, "#wp-user", &wp.author.login).await?;
    type_into(&app, "#wp-app-password", &wp.author.app_password).await?;
    click(&app, "#wp-connect").await?;
    wait_long(&app, "#wp-status", "the connection", |t| t == "connected").await?;
    wait_for_text(&app, "#wp-user-name", "the user", |t| {
        t.starts_with(&wp.author.login)
    })
    .await?;
    wait_for_text(&app, "#wp-api-root", "the REST root", |t| {
        t.starts_with(&wp.url)
    })
    .await?;
    let source = app.source().await?;
    assert!(
        !source.contains(&wp.author.app_password),
        "the page holds the application password"
    );
    screenshot(&app, "wordpress-connected").await?;

    // The doctor: the login works; an author cannot create categories, which is only a warning.
    click(&app, "#wp-doctor-run").await?;
    wait_long(&app, "#wp-doctor-verdict", "the doctor's verdict", |t| {
        !t.is_empty()
    })
    .await?;
    wait_for_attr(&app, "#wp-check-login", "data-outcome", "pass").await?;
    wait_for_attr(
        &app,
        "#wp-check-can_create_categories",
        "data-outcome",
        "warn",
    )
    .await?;
    wait_for_attr(&app, "#wp-doctor", "data-healthy", "true").await?;
    let fix = texts(&app, "#wp-check-can_create_categories .wp-check-fix").await?;
    assert_eq!(fix.len(), 1, "a warning says what to do: {fix:?}");
    app.execute(
        "document.getElementById('wp-doctor').scrollIntoView()",
        vec![],
    )
    .await?;
    screenshot(&app, "wordpress-doctor").await?;

    // Refresh the structure: WordPress's default category is there.
    click(&app, "#wp-sync").await?;
    wait_long(&app, "#wp-notice", "the refresh", |t| {
        t == "Structure refreshed."
    })
    .await?;
    let categories = texts(&app, "#wp-categories li").await?;
    assert!(
        categories.iter().any(|c| c == "Uncategorized"),
        "{categories:?}"
    );
    let count = texts(&app, "#wp-categories .wp-count").await?;
    assert_eq!(count, [categories.len().to_string()]);
    wait_for_text(&app, "#wp-post-types", "the post types", |t| {
        t.contains("post")
    })
    .await?;

    // Publish the article from its page. WordPress ships a sample post; without it, "one
    // published post" is exactly ours.
    wp.sql("DELETE FROM wp_posts WHERE post_type='post'")?;
    assert_eq!(published_posts(&wp)?, 0);
    go(&app, &format!("#content/{article}")).await?;
    wait_for_text(&app, "#publish-now", "the publish button", |t| {
        t == "Publish now"
    })
    .await?;
    wait_for_texts(&app, "#publish-records-empty", "no attempts yet", |t| {
        t.len() == 1
    })
    .await?;
    click(&app, "#publish-now").await?;
    wait_long(&app, "#publish-verb", "the publish", |t| t == "Published").await?;
    assert_eq!(published_posts(&wp)?, 1, "WordPress has the post");
    let post_id =
        wp.sql("SELECT ID FROM wp_posts WHERE post_type='post' AND post_status='publish'")?;
    let post: serde_json::Value =
        reqwest::get(wp.rest(&format!("/wp/v2/posts/{}", post_id.trim())))
            .await?
            .error_for_status()?
            .json()
            .await?;
    let permalink = post["link"].as_str().context("the post has no link")?;
    assert_eq!(
        texts(&app, "#publish-link").await?,
        [permalink],
        "the panel links to the post"
    );
    wait_for_text(&app, "#publish-on-site", "the on-site status", |t| {
        t == "on the site: publish"
    })
    .await?;
    app.execute(
        "document.getElementById('publish-panel').scrollIntoView()",
        vec![],
    )
    .await?;
    screenshot(&app, "wordpress-published").await?;

    // A schedule shows the UTC time it would send: 09:30 in New York in January is 14:30 UTC,
    // in July 13:30 (daylight saving time).
    click(&app, "#publish-schedule-toggle").await?;
    for (local, utc) in [
        ("2030-01-02T09:30", "2030-01-02 14:30 UTC"),
        ("2030-07-02T09:30", "2030-07-02 13:30 UTC"),
    ] {
        // WebKit's date-time input takes no typed text over WebDriver; set it as a picker would.
        app.execute(
            "const i = document.getElementById('publish-at'); i.value = arguments[0]; \
             i.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![local.into()],
        )
        .await?;
        wait_for_text(&app, "#publish-at-utc", "the UTC time", |t| t.contains(utc)).await?;
    }
    click(&app, "#publish-schedule-toggle").await?;

    // Publishing again updates the same post.
    wait_for_text(&app, "#publish-now", "the update button", |t| t == "Update").await?;
    click(&app, "#publish-now").await?;
    wait_long(&app, "#publish-verb", "the update", |t| t == "Updated").await?;
    assert_eq!(published_posts(&wp)?, 1, "still one post");
    wait_for_texts(
        &app,
        "#publish-records .record-action",
        "both attempts",
        |t| t == ["update", "publish"],
    )
    .await?;
    let results = texts(&app, "#publish-records .record-status").await?;
    assert_eq!(results, ["succeeded", "succeeded"]);
    screenshot(&app, "wordpress-updated").await?;

    app.close().await?;
    drop(driver);
    tokio::task::spawn_blocking(move || wp.stop()).await??;
    Ok(())
}
