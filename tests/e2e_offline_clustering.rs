//! Offline clustering in the real app window: a site with seven keywords (two topics and one
//! odd keyword) is written through core before the app starts, with no provider configured at
//! all; Planner → Clusters → *Cluster offline (free)* shows how many clusters each tightness
//! gives (nothing saved yet), clusters at the chosen one and lists the two clusters by their
//! offline names. Core on the same data directory agrees afterwards. Screenshots in
//! `target/e2e/`.

use anyhow::Result;
use folio_core::{Folio, ImportOptions};
use folio_e2e::{click, display_available, screenshot, wait_for_text, wait_for_texts, Driver};
use folio_model::{KeywordFilter, KeywordQuery, KeywordSort, KeywordStatus, NewSite, SiteId};
use std::path::Path;

const KEYWORDS: &str = "Keyword,Volume
raised bed soil,2400
soil for raised beds,880
best soil for raised garden beds,1300
running shoes,18100
trail running shoes,6600
marathon running shoes,1000
quantum chromodynamics lecture notes,20
";

/// The site's keywords, read through core.
async fn keywords(folio: &Folio, site: SiteId) -> Result<Vec<folio_model::KeywordRow>> {
    let query = KeywordQuery {
        filter: KeywordFilter::site(site),
        sort: KeywordSort::default(),
        limit: 100,
        offset: 0,
    };
    Ok(folio.list_keywords(&query).await?.items)
}

async fn seed(data_dir: &Path) -> Result<SiteId> {
    let folio = Folio::open(data_dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Mixed".into(),
            domain: "mixed.example".into(),
            sectors: vec!["All".into()],
        })
        .await?;
    folio
        .import_keywords(
            site.id,
            None,
            KEYWORDS.as_bytes().to_vec(),
            &ImportOptions::default(),
        )
        .await?;
    folio.close().await;
    Ok(site.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keywords_are_clustered_offline_from_the_clusters_page() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let site = seed(data_dir.path()).await?;
    let shoes = {
        let folio = Folio::open(data_dir.path()).await?;
        let all = keywords(&folio, site).await?;
        folio.close().await;
        all.into_iter()
            .find(|k| k.keyword == "running shoes")
            .map(|k| k.id)
            .ok_or_else(|| anyhow::anyhow!("running shoes was not imported"))?
    };
    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;

    // Planner → Keywords: the keywords like one, by meaning.
    click(&app, "#nav-planner").await?;
    click(
        &app,
        &format!(".kw-row[data-keyword-id='{shoes}'] .kw-similar"),
    )
    .await?;
    let similar = wait_for_texts(
        &app,
        "#similar-panel .similar-keyword",
        "the similar keywords",
        |t| t.len() == 6,
    )
    .await?;
    assert!(
        similar[..2].iter().all(|k| k.contains("running shoes")),
        "{similar:?}"
    );
    screenshot(&app, "offline-similar-keywords").await?;

    click(&app, "#nav-clusters").await?;
    wait_for_text(&app, "#clusters-empty h2", "no clusters yet", |t| {
        t == "No clusters yet"
    })
    .await?;
    click(&app, "#clusters-run-offline").await?;
    let choices = wait_for_texts(&app, "#offline-cluster .choice", "five choices", |t| {
        t.len() == 5
    })
    .await?;
    assert!(
        choices[2].contains("0.5 \u{2014} 2 cluster(s), 1 keyword(s) alone"),
        "{choices:?}"
    );
    screenshot(&app, "offline-clustering-preview").await?;
    click(&app, "#offline-confirm").await?;
    wait_for_text(&app, "#offline-report", "the report", |t| {
        t.starts_with("6 of 7 new keyword(s) placed: 2 new cluster(s)")
    })
    .await?;
    let names = wait_for_texts(&app, ".cluster-row .cluster-open", "two clusters", |t| {
        t.len() == 2
    })
    .await?;
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, ["Raised bed soil", "Running shoes"]);
    screenshot(&app, "offline-clustering-done").await?;
    drop(app);
    drop(driver);

    // Core agrees: six keywords mapped, the odd one still new.
    let folio = Folio::open(data_dir.path()).await?;
    let mapped = keywords(&folio, site)
        .await?
        .iter()
        .filter(|k| k.status == KeywordStatus::Mapped)
        .count();
    assert_eq!(mapped, 6);
    folio.close().await;
    Ok(())
}

/// An idea whose topic an article already covers carries a warning on its card (Planner →
/// Ideas), another idea does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idea_an_article_already_covers_is_flagged_on_the_ideas_page() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let site = seed(data_dir.path()).await?;
    {
        let folio = Folio::open(data_dir.path()).await?;
        let sector = folio.get_site(site).await?.sectors[0].id;
        let all = keywords(&folio, site).await?;
        let kw = |text: &str| all.iter().find(|k| k.keyword == text).map(|k| k.id);
        let cluster = folio
            .create_cluster(folio_model::NewCluster::new(
                site,
                sector,
                "Garden and running",
            ))
            .await?;
        folio
            .add_content(folio_model::NewContent {
                site,
                sector: None,
                title: "Raised bed soil: what to buy".into(),
                body_html: None,
            })
            .await?;
        let mut same = folio_model::NewIdea::new(site, sector, cluster.id, "Filling new beds");
        same.primary_keyword = kw("soil for raised beds");
        folio.create_idea(same).await?;
        let mut other = folio_model::NewIdea::new(site, sector, cluster.id, "Shoes for the trail");
        other.primary_keyword = kw("trail running shoes");
        folio.create_idea(other).await?;
        folio.close().await;
    }
    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;
    click(&app, "#nav-ideas").await?;
    let warnings = wait_for_texts(&app, ".idea-card .idea-duplicate", "one warning", |t| {
        t.len() == 1
    })
    .await?;
    assert!(
        warnings[0].contains("\u{201c}Raised bed soil: what to buy\u{201d}"),
        "{warnings:?}"
    );
    let titles = wait_for_texts(&app, ".idea-card .idea-title", "two ideas", |t| {
        t.len() == 2
    })
    .await?;
    assert!(
        titles.contains(&"Filling new beds".to_owned()),
        "{titles:?}"
    );
    screenshot(&app, "offline-duplicate-topic").await?;
    Ok(())
}
