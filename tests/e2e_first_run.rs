//! The first-run path in the real app window, from an empty data directory to a published post:
//! the app opens on `#welcome`; the site is made from an industry of the keyword library (its
//! Gardening sector, with its seed keywords); a real WordPress 6.1 (folio-wp-harness) is connected
//! with the author's application password; OpenAI is pointed at the core tests' fake model
//! (`crates/folio-core/tests/support/fake_model.rs`, wiremock on 127.0.0.1:0) with a pasted key
//! that the connection test accepts; the seed keywords are kept; then cluster → ideas → write,
//! each after core's estimate is shown and confirmed, and *Publish on WordPress* — WordPress has
//! the one published post and the page links to it. Core on the same data directory agrees
//! afterwards (every step done, the path dismissed). Screenshot `first-run.png`.
//! Runs with `FOLIO_NO_BROWSER` and its own `FOLIO_KEYCHAIN_SERVICE`.

#[path = "../crates/folio-core/tests/support/fake_model.rs"]
mod fake_model;

use anyhow::{bail, Context, Result};
use fake_model::{FakeModel, Wire};
use fantoccini::Client;
use folio_core::Folio;
use folio_e2e::{
    click, display_available, props, screenshot, texts, type_into, wait_for_attr, wait_for_start,
    wait_for_text, wait_gone, Driver,
};
use folio_wp_harness::{Options, WordPress};
use std::ffi::OsStr;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// WordPress's live posts (the harness's site comes with its "Hello world!").
const PUBLISHED_POSTS: &str =
    "SELECT COUNT(*) FROM wp_posts WHERE post_type='post' AND post_status='publish'";
const KEY: &str = "sk-folio-e2e-first-run-5e6f7a8b9c";
/// WordPress and the AI runs take seconds each, more under load.
const LONG: Duration = Duration::from_secs(120);

/// Wait for `css`'s text to satisfy `ok`, failing early with the page's error banner.
async fn wait_long(
    app: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    let started = Instant::now();
    loop {
        let now = texts(app, css).await.unwrap_or_default();
        if let Some(t) = now.first() {
            if ok(t) {
                return Ok(t.clone());
            }
        }
        if started.elapsed() > Duration::from_secs(1) {
            let errors = texts(
                app,
                "#first-run-error, #first-run-run-error, .first-run-step .error",
            )
            .await
            .unwrap_or_default();
            if let Some(e) = errors.iter().find(|e| !e.is_empty()) {
                bail!("waiting for {what} ({css}), the page reported: {e}");
            }
        }
        if started.elapsed() > LONG {
            bail!("timed out waiting for {what} ({css}); last: {now:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn step(app: &Client, id: &str) -> Result<()> {
    wait_long(app, &format!("#first-run-step-{id} h2"), "the step", |t| {
        !t.is_empty()
    })
    .await?;
    wait_for_attr(app, "#first-run", "data-step", id).await
}

/// One AI run of the article step: the estimate is shown (credits, USD, model), then spent.
async fn run_with_estimate(app: &Client, button: &str, made: &str) -> Result<()> {
    click(app, button).await?;
    wait_for_attr(app, "#first-run-run", "data-phase", "confirming").await?;
    let credits = texts(app, "#first-run-run-est-credits").await?.concat();
    assert!(credits.parse::<u64>().is_ok(), "credits: {credits}");
    let usd = texts(app, "#first-run-run-est-usd").await?.concat();
    assert!(usd.starts_with('$'), "usd: {usd}");
    let model = texts(app, "#first-run-run-est-model").await?.concat();
    assert_eq!(model, "gpt-4o-mini");
    click(app, "#first-run-run-confirm").await?;
    let deadline = Instant::now() + LONG;
    loop {
        let selector = format!("#{made}[data-done=true]");
        if app.find(fantoccini::Locator::Css(&selector)).await.is_ok() {
            return Ok(());
        }
        let errors = texts(
            app,
            "#first-run-run-error, #first-run-error, #first-run-run-failures",
        )
        .await
        .unwrap_or_default();
        if let Some(e) = errors.iter().find(|e| !e.is_empty()) {
            bail!("{button}: {e}");
        }
        if Instant::now() > deadline {
            bail!("{button} did not make {made}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_an_empty_data_directory_to_a_published_post() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let wp = tokio::task::spawn_blocking(|| WordPress::start(Options::default()))
        .await?
        .context("starting WordPress (scripts/setup.sh test installs it)")?;
    let model = FakeModel::default();
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(model.responder(Wire::OpenAi))
        .mount(&openai)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "list",
            "data": [{"id": "gpt-4o-mini", "object": "model"}, {"id": "gpt-4o", "object": "model"}]
        })))
        .mount(&openai)
        .await;
    let base_url = format!("{}/v1", openai.uri());

    let data_dir = tempfile::tempdir()?;
    let keychain = folio_e2e::keychain_service("first-run");
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[
            ("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain)),
            ("FOLIO_NO_BROWSER", OsStr::new("1")),
        ],
    )
    .await?;
    let app = driver.launch_window().await?;

    // An empty data directory opens on the first-run path (waited for as a cold start).
    assert_eq!(wait_for_start(&app).await?, "welcome");
    step(&app, "site").await?;
    assert_eq!(
        texts(&app, "#first-run-skip-site").await?,
        ["Skip \u{2014} do it later from Sites"]
    );

    // 1. The site, from an industry: its Gardening sector comes with seed keywords.
    type_into(&app, "#first-run-name", "Green Fingers").await?;
    type_into(&app, "#first-run-domain", &wp.url).await?;
    let industry: String = app
        .execute(
            "return [...document.querySelectorAll('#first-run-industry option')]
                .find(o => o.textContent === 'Home & Garden').value",
            vec![],
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!industry.is_empty(), "the library lists Home & Garden");
    click(
        &app,
        &format!("#first-run-industry option[value='{industry}']"),
    )
    .await?;
    click(&app, "#first-run-sectors input[data-sector$='/gardening']").await?;
    click(&app, "#first-run-create-site").await?;

    // 2. WordPress, with the author's application password (the address is the site's).
    step(&app, "wordpress").await?;
    assert_eq!(
        props(&app, "#first-run-wp-url", "value").await?,
        std::slice::from_ref(&wp.url)
    );
    type_into(&app, "#first-run-wp-user", &wp.author.login).await?;
    type_into(&app, "#first-run-wp-password", &wp.author.app_password).await?;
    click(&app, "#first-run-wp-connect").await?;

    // 3. How to write: an OpenAI key at the fake's address, tested.
    step(&app, "writer").await?;
    wait_for_attr(&app, "#first-run-nav-wordpress", "data-state", "done").await?;
    type_into(&app, "#first-run-provider-url", &base_url).await?;
    type_into(&app, "#first-run-key", KEY).await?;
    click(&app, "#first-run-save-key").await?;
    wait_long(&app, "#first-run-key-state", "the key, masked", |t| {
        t.starts_with("key: sk-…")
    })
    .await?;
    assert_eq!(props(&app, "#first-run-key", "value").await?, [""]);
    assert!(!app.source().await?.contains(KEY), "the page holds the key");
    assert!(
        !app.source().await?.contains(&wp.author.app_password),
        "the page holds the application password"
    );
    click(&app, "#first-run-test").await?;
    wait_long(&app, "#first-run-test-result", "the test", |t| {
        t == "Works (2 models)"
    })
    .await?;
    click(&app, "#first-run-writer-continue").await?;

    // 4. Keywords: the seed keywords came with the site.
    step(&app, "keywords").await?;
    let added = wait_for_text(
        &app,
        "#first-run-keywords-added",
        "the seed keywords",
        |t| t.starts_with("The site has "),
    )
    .await?;
    assert_eq!(added, "The site has 10 keywords to start with.");
    click(&app, "#first-run-keywords-continue").await?;

    // 5. The first article: cluster → ideas (the first idea queued) → write, each after its
    // estimate; then publish.
    step(&app, "article").await?;
    run_with_estimate(&app, "#first-run-cluster", "first-run-made-cluster").await?;
    run_with_estimate(&app, "#first-run-ideas", "first-run-made-idea").await?;
    wait_for_attr(&app, "#first-run-made-task", "data-done", "true").await?;
    run_with_estimate(&app, "#first-run-write", "first-run-made-article").await?;
    let before: u64 = wp.sql(PUBLISHED_POSTS)?.trim().parse()?;
    click(&app, "#first-run-publish").await?;
    let link = wait_long(&app, "#first-run-post-link", "the post's link", |t| {
        t.starts_with(&wp.url)
    })
    .await?;
    wait_for_attr(&app, "#first-run-made-post", "data-done", "true").await?;
    screenshot(&app, "first-run").await?;
    assert_eq!(
        wp.sql(PUBLISHED_POSTS)?.trim(),
        (before + 1).to_string(),
        "WordPress has one more live post"
    );
    // Finish: the normal app, on the article's page; the path does not come back.
    click(&app, "#first-run-finish").await?;
    wait_gone(&app, "#first-run", "the first-run path").await?;
    let hash: String = app
        .execute("return window.location.hash", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(hash.starts_with("#content/"), "{hash}");

    // Core on the same data directory agrees.
    let folio = Folio::open(data_dir.path()).await?;
    let state = folio.first_run_state().await?;
    assert!(state.site && state.wordpress && state.keywords, "{state:?}");
    assert!(
        state.article && state.published && state.dismissed,
        "{state:?}"
    );
    assert!(!state.show);
    let sites = folio.list_sites().await?;
    assert_eq!(sites.items.len(), 1);
    assert_eq!(sites.items[0].sectors[0].name, "Gardening");
    // The article's post, by the id core recorded, is live with the article's title.
    let content = folio.list_content(sites.items[0].id).await?;
    assert_eq!(content.len(), 1, "one article written");
    let article = folio.get_content(content[0].id).await?;
    let post = article
        .external_id
        .context("the article has its post's id")?;
    let row = wp.sql(&format!(
        "SELECT post_status, post_title FROM wp_posts WHERE ID = {}",
        post.parse::<u64>()?
    ))?;
    assert!(row.trim().starts_with("publish"), "{row}");
    assert!(
        row.contains(article.title.trim()),
        "{row} / {}",
        article.title
    );
    assert_eq!(article.external_url.as_deref(), Some(link.as_str()));
    folio.close().await;

    app.close().await?;
    drop(driver);
    drop(wp);
    Ok(())
}
