//! Planner → Keywords in the real app window: import a Semrush export through the Import button
//! (the native dialog answered by `FOLIO_PICK_FILE`), read the summary, then search, sort, page
//! and bulk-delete in the table, each answered by core. Saves `keywords.png` under `target/e2e/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::{Client, Locator};
use folio_e2e::{
    click, display_available, screenshot, texts, type_into, wait_for_attr, wait_for_text,
    wait_for_texts, Driver,
};
use std::ffi::OsStr;
use std::fmt::Write as _;

/// One keyword of the generated export, with what the table should show for it.
struct Kw {
    keyword: String,
    volume: i64,
    /// The first intent of the cell: the one Folio keeps.
    intent: &'static str,
}

const TOOLS: [&str; 12] = [
    "garden hoe",
    "stirrup hoe",
    "pruning shears",
    "garden trowel",
    "leaf rake",
    "wheelbarrow",
    "garden fork",
    "hedge trimmer",
    "watering can",
    "soil knife",
    "bypass loppers",
    "garden spade",
];
const PATTERNS: [&str; 5] = [
    "{}",
    "best {}",
    "{} for sale",
    "how to use a {}",
    "cheap {}",
];
const INTENTS: [(&str, &str); 5] = [
    ("informational", "informational"),
    ("commercial, informational", "commercial"),
    ("transactional", "transactional"),
    ("navigational", "navigational"),
    ("commercial", "commercial"),
];

/// A Keyword Magic Tool export: 60 distinct keywords with distinct volumes, plus a repeat of one
/// of them (other case and spacing) and a row whose keyword cell is empty. Returns the file, the
/// keywords, and the physical line of the empty row.
fn semrush_export() -> (String, Vec<Kw>, u64) {
    let mut kws = Vec::new();
    for (t, tool) in TOOLS.iter().enumerate() {
        for (p, pattern) in PATTERNS.iter().enumerate() {
            let i = (t * PATTERNS.len() + p) as i64;
            kws.push(Kw {
                keyword: pattern.replace("{}", tool),
                // Distinct (7919 is prime to 24000), so the volume order is unambiguous.
                volume: 30 + (i * 7919) % 24000,
                intent: INTENTS[(t + p) % INTENTS.len()].1,
            });
        }
    }
    let trend = "\"0.54,0.66,0.81,1.00,0.81,0.66,0.54,0.44,0.44,0.54,0.66,0.81\"";
    let mut csv = String::from(
        "Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results\n",
    );
    let mut line = 1;
    let mut empty_line = 0;
    for (i, kw) in kws.iter().enumerate() {
        let intent_cell = INTENTS
            .iter()
            .find(|(_, first)| *first == kw.intent)
            .map(|(cell, _)| *cell)
            .unwrap();
        line += 1;
        writeln!(
            csv,
            "{},\"{}\",{},{trend},{},{}.{:02},0.{:02},\"Image pack, People also ask\",{}",
            kw.keyword,
            intent_cell,
            kw.volume,
            (i * 37 + 11) % 101,
            i % 4,
            (i * 13) % 100,
            (i * 7) % 100,
            kw.volume * 1530
        )
        .unwrap();
        if i == 20 {
            line += 1;
            csv.push_str(&format!(
                "Best  Garden HOE,commercial,1900,{trend},42,1.35,0.12,Reviews,51200000\n"
            ));
        }
        if i == 40 {
            line += 1;
            empty_line = line;
            csv.push_str(&format!(
                ",informational,880,{trend},30,0.50,0.02,Video,31400000\n"
            ));
        }
    }
    (csv, kws, empty_line)
}

async fn total(app: &Client) -> anyhow::Result<String> {
    Ok(texts(app, "#keywords-total").await?.concat())
}

async fn wait_total(app: &Client, expected: usize, what: &str) -> anyhow::Result<()> {
    let want = expected.to_string();
    wait_for_text(app, "#keywords-total", what, |t| t == want).await?;
    // The total and the rows arrive in one reply, but a reload may still be on its way.
    wait_for_texts(app, "#keywords-loading", "the list to settle", |t| {
        t.is_empty()
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_imports_then_searches_sorts_pages_and_deletes() -> anyhow::Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let (csv, kws, empty_line) = semrush_export();
    let file = data_dir
        .path()
        .join("garden-tools_broad-match_us_2026-01-12.csv");
    std::fs::write(&file, csv)?;
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[("FOLIO_PICK_FILE", OsStr::new(file.as_os_str()))],
    )
    .await?;
    let app = driver.launch_app().await?;

    // A site, added the way a person does.
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    type_into(&app, "#site-name", "Garden Blog").await?;
    type_into(&app, "#site-domain", "garden.example").await?;
    type_into(&app, "#site-sectors", "Tools, Seeds").await?;
    click(&app, "#site-submit").await?;
    wait_for_text(&app, "#site-list", "the new site", |t| {
        t.contains("Garden Blog")
    })
    .await?;

    // The Planner opens on it, with nothing imported yet.
    click(&app, "#nav-planner").await?;
    wait_for_text(&app, "#page-title", "the Keywords page", |t| {
        t == "Keywords"
    })
    .await?;
    wait_for_attr(&app, "#nav-planner", "aria-current", "page").await?;
    wait_for_text(&app, "#keywords-empty", "the empty state", |t| {
        t.contains("No keywords yet")
    })
    .await?;
    let site = app
        .find(Locator::Css("#keywords-site option:checked"))
        .await?;
    assert_eq!(site.text().await?, "Garden Blog");
    wait_for_text(&app, "#keywords-import-target", "the import target", |t| {
        t.contains("Tools")
    })
    .await?;

    // Import: the summary counts the duplicate and names the line without a keyword.
    click(&app, "#keywords-import").await?;
    wait_for_text(&app, "#import-summary h2", "the import summary", |t| {
        t == "Import finished"
    })
    .await?;
    assert_eq!(texts(&app, "#import-format").await?, ["Semrush"]);
    assert_eq!(texts(&app, "#import-imported").await?, ["60"]);
    assert_eq!(texts(&app, "#import-duplicates").await?, ["1"]);
    let rejected = texts(&app, "#import-rejected li").await?;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].starts_with(&format!("Line {empty_line}")) && rejected[0].contains("keyword"),
        "{rejected:?}"
    );

    // The table: 60 keywords, biggest volume first, 50 on the first page.
    wait_total(&app, 60, "the imported total").await?;
    let mut by_volume: Vec<&Kw> = kws.iter().collect();
    by_volume.sort_by_key(|k| std::cmp::Reverse(k.volume));
    let expected: Vec<&str> = by_volume[..50].iter().map(|k| k.keyword.as_str()).collect();
    assert_eq!(texts(&app, ".kw-row .kw-keyword").await?, expected);
    assert_eq!(texts(&app, "#page-range").await?, ["1\u{2013}50 of 60"]);
    wait_for_attr(&app, "th[data-sort=volume]", "aria-sort", "descending").await?;
    let top = by_volume[0];
    let first_volume = texts(&app, ".kw-row:first-child .kw-volume").await?;
    assert_eq!(first_volume, [group(top.volume)]);
    screenshot(&app, "keywords-imported").await?;
    click(&app, "#import-dismiss").await?;

    // Search goes to core: only the stirrup hoes.
    type_into(&app, "#keywords-search", "stirrup").await?;
    wait_total(&app, 5, "the search total").await?;
    let found = texts(&app, ".kw-row .kw-keyword").await?;
    assert_eq!(found.len(), 5);
    assert!(found.iter().all(|k| k.contains("stirrup")), "{found:?}");

    // Filters: commercial intent with at least 5,000 searches.
    click(&app, "#filter-clear").await?;
    wait_total(&app, 60, "the total after clearing").await?;
    click(&app, "#filter-intent option[value=commercial]").await?;
    type_into(&app, "#filter-min-volume", "5000").await?;
    let commercial_5k = kws
        .iter()
        .filter(|k| k.intent == "commercial" && k.volume >= 5000)
        .count();
    assert!(commercial_5k > 0 && commercial_5k < 60);
    wait_total(&app, commercial_5k, "the filtered total").await?;
    let intents = texts(&app, ".kw-row .kw-intent").await?;
    assert!(intents.iter().all(|i| i == "commercial"), "{intents:?}");
    click(&app, "#filter-clear").await?;
    wait_total(&app, 60, "the total after clearing again").await?;

    // Sort by keyword (A→Z), then the second page.
    click(&app, "th[data-sort=keyword]").await?;
    wait_for_attr(&app, "th[data-sort=keyword]", "aria-sort", "ascending").await?;
    let mut alphabetical: Vec<&str> = kws.iter().map(|k| k.keyword.as_str()).collect();
    alphabetical.sort_unstable();
    wait_for_texts(&app, ".kw-row .kw-keyword", "rows A to Z", |t| {
        t == &alphabetical[..50]
    })
    .await?;
    click(&app, "#page-next").await?;
    wait_for_text(&app, "#page-range", "the second page", |t| {
        t == "51\u{2013}60 of 60"
    })
    .await?;
    wait_for_texts(&app, ".kw-row .kw-keyword", "the last ten A to Z", |t| {
        t == &alphabetical[50..]
    })
    .await?;

    // Select two rows and delete them, confirming first.
    click(&app, ".kw-row:nth-child(1) .kw-check").await?;
    click(&app, ".kw-row:nth-child(2) .kw-check").await?;
    wait_for_text(&app, "#selection-count", "the selection", |t| {
        t == "2 selected"
    })
    .await?;
    click(&app, "#bulk-delete").await?;
    wait_for_text(&app, "#bulk-confirm-text", "the confirm step", |t| {
        t.starts_with("Delete 2 keywords?")
    })
    .await?;
    assert_eq!(
        total(&app).await?,
        "60",
        "nothing is deleted before confirming"
    );
    screenshot(&app, "keywords-confirm").await?;
    click(&app, "#bulk-confirm").await?;
    wait_total(&app, 58, "the total after deleting two").await?;
    wait_for_text(&app, "#bulk-result", "the bulk result", |t| {
        t.contains("Deleted 2 keywords")
    })
    .await?;
    let deleted = &alphabetical[50..52];
    wait_for_texts(&app, ".kw-row .kw-keyword", "the rest of the page", |t| {
        t == &alphabetical[52..]
    })
    .await?;
    assert!(texts(&app, "#selection-count").await?.is_empty());

    // Select the whole page: "all matching" needs a narrower filter than the whole site.
    click(&app, "#page-prev").await?;
    wait_for_text(&app, "#page-range", "the first page", |t| {
        t == "1\u{2013}50 of 58"
    })
    .await?;
    click(&app, "#kw-select-page").await?;
    wait_for_text(&app, "#selection-count", "the page selected", |t| {
        t == "50 selected"
    })
    .await?;
    let select_all = app.find(Locator::Css("#kw-select-all")).await?;
    assert_eq!(select_all.text().await?, "Select all 58 matching");
    assert!(!select_all.is_enabled().await?);
    click(&app, "#kw-select-page").await?;

    // The content scrolled down to the pager; show the page from its top.
    app.execute("document.querySelector('.content').scrollTop = 0", vec![])
        .await?;
    let shot = screenshot(&app, "keywords").await?;
    eprintln!("screenshot: {}", shot.display());
    app.close().await?;
    drop(driver);

    // Core, as the CLI opens it, agrees.
    let folio = folio_core::Folio::open(data_dir.path()).await?;
    let sites = folio.list_sites().await?;
    let query = serde_json::from_value(serde_json::json!({
        "filter": { "site": sites.items[0].id },
        "limit": 1000,
    }))?;
    let left = folio.list_keywords(&query).await?;
    assert_eq!(left.total, 58);
    assert!(left
        .items
        .iter()
        .all(|r| !deleted.contains(&r.keyword.as_str())));
    Ok(())
}

/// `12100` → `12,100`, as the table shows volumes.
fn group(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Cancel in the window stops the import's core job: the file is a named pipe, so the import
/// waits in its job until the test writes it — after the shell has taken the cancel — and then
/// writes nothing.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_in_the_window_stops_the_import_job_and_writes_nothing() -> anyhow::Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let pipe = data_dir.path().join("keywords.txt");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status()?;
    anyhow::ensure!(made.success(), "mkfifo failed");
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[("FOLIO_PICK_FILE", OsStr::new(pipe.as_os_str()))],
    )
    .await?;
    let app = driver.launch_app().await?;
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    type_into(&app, "#site-name", "Garden Blog").await?;
    type_into(&app, "#site-domain", "garden.example").await?;
    click(&app, "#site-submit").await?;
    wait_for_text(&app, "#site-list", "the new site", |t| {
        t.contains("Garden Blog")
    })
    .await?;
    click(&app, "#nav-planner").await?;
    wait_for_text(&app, "#keywords-empty", "the empty state", |t| {
        t.contains("No keywords yet")
    })
    .await?;

    click(&app, "#keywords-import").await?;
    wait_for_text(&app, "#import-phase", "the running import", |t| {
        t.starts_with("Reading the file")
    })
    .await?;
    click(&app, "#import-cancel").await?;
    wait_for_attr(&app, "#import-progress", "data-cancel", "sent").await?;

    // Only now does the file arrive; the import reads it, sees the cancel and stops.
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut pipe = std::fs::OpenOptions::new().write(true).open(pipe)?;
        let mut list = String::from("Keyword\n");
        for i in 0..2000 {
            list.push_str(&format!("garden keyword {i}\n"));
        }
        pipe.write_all(list.as_bytes())
    });
    writer.await??;
    wait_for_text(&app, "#import-summary h2", "the cancelled import", |t| {
        t == "Import cancelled"
    })
    .await?;
    assert_eq!(
        texts(&app, "#import-cancelled").await?,
        ["Nothing was imported; the keywords are as they were."]
    );
    app.close().await?;
    drop(driver);

    let folio = folio_core::Folio::open(data_dir.path()).await?;
    let sites = folio.list_sites().await?;
    let page = folio
        .list_keywords(&folio_model::KeywordQuery {
            filter: folio_model::KeywordFilter::site(sites.items[0].id),
            sort: Default::default(),
            limit: 10,
            offset: 0,
        })
        .await?;
    assert_eq!(page.total, 0, "nothing was written");
    assert!(folio.jobs().list().await?.is_empty());
    Ok(())
}
