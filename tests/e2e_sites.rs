//! The Sites page in the real app window: create, see it listed, see core's error next to the
//! field for bad input, restart the app and still see the site. Saves screenshots under
//! `target/e2e/`.

use folio_e2e::{click, display_available, screenshot, texts, type_into, wait_for_text, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sites_page_creates_validates_and_persists() -> anyhow::Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let driver = Driver::start(data_dir.path()).await?;

    // First launch: a fresh data directory has no sites.
    let app = driver.launch_app().await?;
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    wait_for_text(&app, "#sites-empty", "the empty state", |t| {
        t.contains("No sites yet")
    })
    .await?;

    type_into(&app, "#site-name", "Garden Blog").await?;
    type_into(&app, "#site-domain", "https://Garden.example/").await?;
    type_into(&app, "#site-sectors", "Tools, Seeds").await?;
    click(&app, "#site-submit").await?;
    wait_for_text(
        &app,
        "#site-list .site-row .site-name",
        "the new site in the list",
        |t| t == "Garden Blog",
    )
    .await?;
    screenshot(&app, "sites-created").await?;
    assert_eq!(
        texts(&app, ".site-row .site-domain").await?,
        ["https://garden.example"]
    );
    assert_eq!(texts(&app, ".site-row .chip").await?, ["Tools", "Seeds"]);
    let name_after = app
        .find(fantoccini::Locator::Css("#site-name"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        name_after.as_deref(),
        Some(""),
        "the form resets after a successful add"
    );

    // A bad domain: core's message appears next to the domain field and nothing is added.
    type_into(&app, "#site-name", "Broken").await?;
    type_into(&app, "#site-domain", "not a domain").await?;
    click(&app, "#site-submit").await?;
    let expected = folio_core::sites::site::normalize_domain("not a domain")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(!expected.is_empty());
    let shown = wait_for_text(&app, "#site-domain-error", "the domain error", |t| {
        !t.is_empty()
    })
    .await?;
    assert_eq!(shown, expected);
    screenshot(&app, "sites-domain-error").await?;

    // A duplicate name (case and spacing differ): the name field explains.
    type_into(&app, "#site-name", "garden  BLOG").await?;
    type_into(&app, "#site-domain", "other.example").await?;
    click(&app, "#site-submit").await?;
    let shown = wait_for_text(&app, "#site-name-error", "the duplicate-name error", |t| {
        !t.is_empty()
    })
    .await?;
    assert!(shown.contains("already exists"), "{shown}");
    assert_eq!(texts(&app, ".site-row .site-name").await?, ["Garden Blog"]);

    // A second good site, no sectors: it gets the default one.
    type_into(&app, "#site-name", "Kitchen Notes").await?;
    type_into(&app, "#site-domain", "kitchen.example").await?;
    click(&app, "#site-submit").await?;
    wait_for_text(&app, "#site-list", "the second site", |t| {
        t.contains("Kitchen Notes")
    })
    .await?;
    app.close().await?;

    // Restart: the data is still there.
    let app = driver.launch_app().await?;
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#site-list", "the sites after a restart", |t| {
        t.contains("Garden Blog") && t.contains("Kitchen Notes")
    })
    .await?;
    assert_eq!(
        texts(&app, ".site-row .site-name").await?,
        ["Garden Blog", "Kitchen Notes"]
    );
    assert_eq!(
        texts(&app, ".site-row .chip").await?,
        ["Tools", "Seeds", "General"]
    );
    let shot = screenshot(&app, "sites").await?;
    eprintln!("screenshot: {}", shot.display());
    app.close().await?;

    // Core, as the CLI opens it, reads what the app wrote in the same data directory.
    let folio = folio_core::Folio::open(driver.data_dir()).await?;
    let names: Vec<String> = folio
        .list_sites()
        .await?
        .items
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Garden Blog", "Kitchen Notes"]);
    Ok(())
}
