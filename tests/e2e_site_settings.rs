//! A site's page in the real app window: open it from the Sites list, add, rename and remove
//! sectors (core's duplicate-name error beside the sector, a confirm step that counts the keywords
//! going with it, the five-sector limit), then the publishing form (core's defaults, a save that
//! sends the changes, core's limit rule beside its field, Revert), and a restart that shows it all
//! kept. Saves `site-settings.png` under `target/e2e/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use folio_core::sites::publishing_settings::{
    apply_publishing_update, default_publishing_settings,
};
use folio_core::Folio;
use folio_core::ImportOptions;
use folio_e2e::{
    click, display_available, props, screenshot, send_keys, texts, type_into, wait_for_attr,
    wait_for_props, wait_for_text, wait_for_texts, wait_gone, Driver,
};
use serde_json::json;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

async fn sector_names(app: &Client, what: &str, expected: &[&str]) -> anyhow::Result<()> {
    wait_for_texts(app, ".sector-row .sector-name", what, |t| t == expected).await?;
    Ok(())
}

async fn value(app: &Client, css: &str) -> anyhow::Result<String> {
    Ok(props(app, css, "value").await?.concat())
}

/// Which day toggles are ticked, as `mon`…`sun`.
async fn ticked_days(app: &Client) -> anyhow::Result<Vec<&'static str>> {
    let mut on = Vec::new();
    for day in DAYS {
        if props(app, &format!("#pub-day-{day}"), "checked").await? == ["true"] {
            on.push(day);
        }
    }
    Ok(on)
}

/// From the Sites list, open the site's page by clicking its row.
async fn open_site(app: &Client, name: &str) -> anyhow::Result<()> {
    click(app, "#nav-sites").await?;
    wait_for_text(app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    wait_for_text(
        app,
        "#site-list .site-row .site-name",
        "the site row",
        |t| t == name,
    )
    .await?;
    click(app, "#site-list .site-row").await?;
    wait_for_text(app, "#page-title", "the site's page", |t| t == name).await?;
    wait_for_attr(app, "#nav-sites", "aria-current", "page").await?;
    wait_for_props(app, "#pub-daily", "value", "the publishing form", |v| {
        v.len() == 1
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_page_edits_sectors_and_publishing_settings() -> anyhow::Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;

    // A site with two sectors, and three keywords in Seeds, made by core before the app starts.
    let site = {
        let folio = Folio::open(data_dir.path()).await?;
        let site = folio
            .create_site(&serde_json::from_value(json!({
                "name": "Garden Blog",
                "domain": "garden.example",
                "sectors": ["Tools", "Seeds"],
            }))?)
            .await?;
        let file = data_dir.path().join("seeds.txt");
        std::fs::write(&file, "seed potatoes\ntomato seeds\nwildflower seeds\n")?;
        let report = folio
            .import_keyword_file(
                site.id,
                Some(site.sectors[1].id),
                &file,
                &ImportOptions::default(),
            )
            .await?;
        assert_eq!(report.imported, 3);
        folio.close().await;
        site
    };

    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;
    open_site(&app, "Garden Blog").await?;
    let url = app.current_url().await?;
    assert_eq!(url.fragment(), Some(format!("sites/{}", site.id).as_str()));
    sector_names(&app, "the two sectors", &["Tools", "Seeds"]).await?;

    // Add a sector.
    type_into(&app, "#sector-add-name", "Soil").await?;
    click(&app, "#sector-add").await?;
    sector_names(&app, "the added sector", &["Tools", "Seeds", "Soil"]).await?;
    assert_eq!(
        value(&app, "#sector-add-name").await?,
        "",
        "the field empties"
    );

    // Rename one in place: Enter saves.
    click(&app, ".sector-row:nth-child(1) .sector-rename").await?;
    type_into(&app, "#sector-rename-input", "Hand Tools").await?;
    send_keys(
        &app,
        "#sector-rename-input",
        &char::from(Key::Enter).to_string(),
    )
    .await?;
    sector_names(&app, "the renamed sector", &["Hand Tools", "Seeds", "Soil"]).await?;

    // A duplicate name (other case and spacing): core's error beside that sector; Escape cancels.
    click(&app, ".sector-row:nth-child(3) .sector-rename").await?;
    type_into(&app, "#sector-rename-input", "  seeds ").await?;
    send_keys(
        &app,
        "#sector-rename-input",
        &char::from(Key::Enter).to_string(),
    )
    .await?;
    let shown = wait_for_text(
        &app,
        ".sector-row:nth-child(3) #sector-error",
        "the duplicate-name error by the sector",
        |t| !t.is_empty(),
    )
    .await?;
    assert_eq!(
        shown,
        "The site already has a sector named \u{201c}seeds\u{201d}"
    );
    screenshot(&app, "site-settings-rename-error").await?;
    send_keys(
        &app,
        "#sector-rename-input",
        &char::from(Key::Escape).to_string(),
    )
    .await?;
    sector_names(
        &app,
        "the sectors after Escape",
        &["Hand Tools", "Seeds", "Soil"],
    )
    .await?;
    assert!(texts(&app, "#sector-error").await?.is_empty());

    // Remove one: the confirm step warns about its keywords, then the count removed is shown.
    click(&app, ".sector-row:nth-child(2) .sector-remove").await?;
    wait_for_text(&app, "#sector-remove-text", "the confirm step", |t| {
        t.contains("Its 3 keywords are deleted too")
    })
    .await?;
    assert_eq!(texts(&app, ".sector-row .sector-name").await?.len(), 3);
    screenshot(&app, "site-settings-remove-confirm").await?;
    click(&app, "#sector-remove-confirm").await?;
    wait_for_text(&app, "#sector-notice", "the removal notice", |t| {
        t.contains("Removed \u{201c}Seeds\u{201d} and 3 keywords")
    })
    .await?;
    sector_names(&app, "the sectors after removing", &["Hand Tools", "Soil"]).await?;

    // Up to five: then the add field is disabled and says why.
    for name in ["Compost", "Lawn", "Trees"] {
        type_into(&app, "#sector-add-name", name).await?;
        click(&app, "#sector-add").await?;
        wait_for_texts(&app, ".sector-row .sector-name", name, |t| {
            t.last().is_some_and(|n| n == name)
        })
        .await?;
    }
    let add = app.find(Locator::Css("#sector-add")).await?;
    assert!(!add.is_enabled().await?);
    let add_name = app.find(Locator::Css("#sector-add-name")).await?;
    assert!(!add_name.is_enabled().await?);
    wait_for_text(&app, "#sector-add-hint", "the limit hint", |t| {
        t.contains("at most 5 sectors")
    })
    .await?;

    // Publishing: core's defaults for a new site.
    let defaults = default_publishing_settings(site.id, Default::default());
    assert_eq!(value(&app, "#pub-daily").await?, "3");
    assert_eq!(value(&app, "#pub-weekly").await?, "15");
    assert_eq!(value(&app, "#pub-monthly").await?, "50");
    assert_eq!(
        ticked_days(&app).await?,
        ["mon", "tue", "wed", "thu", "fri"]
    );
    assert_eq!(
        props(&app, ".pub-slot input", "value").await?,
        defaults.publish_time_slots
    );
    assert_eq!(value(&app, "#pub-timezone").await?, "UTC");
    assert_eq!(props(&app, "#pub-auto-approve", "checked").await?, ["true"]);
    assert_eq!(props(&app, "#pub-auto-publish", "checked").await?, ["true"]);
    assert!(
        !app.find(Locator::Css("#pub-save"))
            .await?
            .is_enabled()
            .await?
    );
    assert!(texts(&app, "#pub-dirty").await?.is_empty());

    // Daily 5, no Fridays, a 20:00 slot, London time, no auto-publishing; then save.
    type_into(&app, "#pub-daily", "5").await?;
    wait_for_text(&app, "#pub-dirty", "the unsaved-changes note", |t| {
        t == "Unsaved changes"
    })
    .await?;
    click(&app, "#pub-day-fri").await?;
    click(&app, "#pub-slot-add").await?;
    type_into(&app, ".pub-slot:nth-child(4) input", "20:00").await?;
    type_into(&app, "#pub-timezone", "Europe/London").await?;
    click(&app, "#pub-auto-publish").await?;
    click(&app, "#pub-save").await?;
    wait_for_text(&app, "#pub-saved", "the saved note", |t| {
        t.contains("Saved")
    })
    .await?;
    wait_gone(&app, "#pub-dirty", "the unsaved-changes note").await?;
    assert_eq!(value(&app, "#pub-daily").await?, "5");
    assert_eq!(ticked_days(&app).await?, ["mon", "tue", "wed", "thu"]);
    assert_eq!(
        props(&app, ".pub-slot input", "value").await?,
        ["09:00", "14:00", "18:00", "20:00"]
    );

    // Daily 20 over a weekly 15: core's message beside the daily limit, nothing saved.
    type_into(&app, "#pub-daily", "20").await?;
    type_into(&app, "#pub-weekly", "15").await?;
    wait_gone(&app, "#pub-saved", "the saved note after an edit").await?;
    click(&app, "#pub-save").await?;
    let expected = apply_publishing_update(
        defaults.clone(),
        &serde_json::from_value(json!({ "daily_publish_limit": 20 }))?,
    )
    .unwrap_err()
    .to_string();
    let shown = wait_for_text(
        &app,
        "#pub-error-daily_publish_limit",
        "the limit error by its field",
        |t| !t.is_empty(),
    )
    .await?;
    assert_eq!(shown, expected);
    assert_eq!(
        props(&app, "#pub-daily", "ariaInvalid").await?.concat(),
        "true"
    );
    app.execute("document.querySelector('.content').scrollTop = 0", vec![])
        .await?;
    let shot = screenshot(&app, "site-settings").await?;
    eprintln!("screenshot: {}", shot.display());

    // Revert goes back to what was saved.
    click(&app, "#pub-revert").await?;
    wait_for_props(&app, "#pub-daily", "value", "the reverted limit", |v| {
        v == ["5"]
    })
    .await?;
    wait_gone(&app, "#pub-error-daily_publish_limit", "the limit error").await?;
    wait_gone(&app, "#pub-dirty", "the unsaved-changes note").await?;
    app.close().await?;

    // Restart: the sectors and the saved settings are still there.
    let app = driver.launch_app().await?;
    open_site(&app, "Garden Blog").await?;
    let kept = ["Hand Tools", "Soil", "Compost", "Lawn", "Trees"];
    sector_names(&app, "the sectors after a restart", &kept).await?;
    wait_for_props(&app, "#pub-daily", "value", "the saved daily limit", |v| {
        v == ["5"]
    })
    .await?;
    assert_eq!(ticked_days(&app).await?, ["mon", "tue", "wed", "thu"]);
    assert_eq!(
        props(&app, ".pub-slot input", "value").await?,
        ["09:00", "14:00", "18:00", "20:00"]
    );
    assert_eq!(value(&app, "#pub-timezone").await?, "Europe/London");
    assert_eq!(
        props(&app, "#pub-auto-publish", "checked").await?,
        ["false"]
    );
    assert_eq!(props(&app, "#pub-auto-approve", "checked").await?, ["true"]);
    screenshot(&app, "site-settings-restarted").await?;
    app.close().await?;
    drop(driver);

    // Core, as the CLI opens it, agrees.
    let folio = Folio::open(data_dir.path()).await?;
    let stored = folio.get_site(site.id).await?;
    let names: Vec<&str> = stored.sectors.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, kept);
    let settings = folio.site_publishing_settings(site.id).await?;
    assert_eq!(
        (
            settings.daily_publish_limit,
            settings.weekly_publish_limit,
            settings.monthly_publish_limit
        ),
        (5, 15, 50)
    );
    let days: Vec<&str> = settings.publish_days.iter().map(|d| d.as_str()).collect();
    assert_eq!(days, ["mon", "tue", "wed", "thu"]);
    assert_eq!(
        settings.publish_time_slots,
        ["09:00", "14:00", "18:00", "20:00"]
    );
    assert_eq!(settings.timezone, "Europe/London");
    assert!(settings.auto_approval_enabled && !settings.auto_publish_enabled);
    let query = serde_json::from_value(json!({ "filter": { "site": site.id } }))?;
    assert_eq!(
        folio.list_keywords(&query).await?.total,
        0,
        "Seeds' keywords went with it"
    );
    folio.close().await;
    Ok(())
}
