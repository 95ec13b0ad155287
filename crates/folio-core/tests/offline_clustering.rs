//! Offline clustering in core with the real model (installed by scripts/setup.sh): keywords
//! become named clusters for free, later keywords join them, a person's clusters stay theirs.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::{CoreError, Folio, ImportOptions};
use folio_model::{
    ErrorKind, KeywordFilter, KeywordQuery, KeywordSort, KeywordStatus, NewSite, SiteId,
    UsageFilter,
};
use std::collections::HashMap;

const FIRST: &str = "Keyword,Volume
raised bed soil,2400
raised beds soil,90
soil for raised beds,880
best soil for raised garden beds,1300
puppy food,5400
best dog food,9900
dog food for puppies,720
grain free dog food,2900
mortgage rates,33100
refinance mortgage rates,4400
home loan interest rates,2900
mortgage rate calculator,12100
running shoes,18100
trail running shoes,6600
best running shoes for men,2400
marathon running shoes,1000
quantum chromodynamics lecture notes,20
";

async fn store() -> (tempfile::TempDir, Folio, SiteId) {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Mixed".into(),
            domain: "mixed.example".into(),
            sectors: vec!["All".into()],
        })
        .await
        .unwrap();
    (dir, folio, site.id)
}

async fn import(folio: &Folio, site: SiteId, csv: &str) {
    folio
        .import_keywords(
            site,
            None,
            csv.as_bytes().to_vec(),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
}

/// Each keyword's status and its cluster's name.
async fn placed(folio: &Folio, site: SiteId) -> HashMap<String, (KeywordStatus, Option<String>)> {
    let names: HashMap<_, _> = folio
        .list_clusters(site, None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    all_keywords(folio, site)
        .await
        .into_iter()
        .map(|k| {
            (
                k.keyword,
                (k.status, k.cluster_id.map(|c| names[&c].clone())),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_keywords_become_named_clusters_offline_and_for_free() {
    let (_dir, folio, site) = store().await;
    import(&folio, site, FIRST).await;
    let report = folio.cluster_offline(site, None, None).await.unwrap();
    assert_eq!(report.keywords, 17);
    assert_eq!(report.mapped, 16, "{report:?}");
    assert_eq!(report.unclustered, 1, "the lone keyword stays new");
    assert_eq!(report.created.len(), 4, "{report:?}");
    assert!(!report.cancelled);

    let kw = placed(&folio, site).await;
    assert_eq!(
        kw["raised beds soil"],
        (KeywordStatus::Mapped, Some("Raised bed soil".into()))
    );
    assert_eq!(kw["soil for raised beds"].1, kw["raised bed soil"].1);
    assert_eq!(kw["trail running shoes"].1, Some("Running shoes".into()));
    assert_eq!(kw["refinance mortgage rates"].1, kw["mortgage rates"].1);
    assert_ne!(kw["puppy food"].1, kw["mortgage rates"].1);
    assert_eq!(
        kw["quantum chromodynamics lecture notes"],
        (KeywordStatus::New, None)
    );
    // No provider was called: nothing on the ledger.
    assert!(folio
        .ledger_entries(&UsageFilter::default(), 10)
        .await
        .unwrap()
        .is_empty());

    // A second run finds only the lone keyword, and leaves it alone again.
    let again = folio.cluster_offline(site, None, None).await.unwrap();
    assert_eq!((again.keywords, again.mapped, again.unclustered), (1, 0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_keywords_join_the_clusters_people_made_theirs_without_reshuffling_them() {
    let (_dir, folio, site) = store().await;
    import(&folio, site, FIRST).await;
    folio.cluster_offline(site, None, None).await.unwrap();
    let shoes = folio
        .list_clusters(site, None, None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Running shoes")
        .unwrap();
    folio
        .rename_cluster(shoes.id, "Shoes for runners")
        .await
        .unwrap();
    let before = placed(&folio, site).await;

    import(
        &folio,
        site,
        "Keyword,Volume
running shoes for flat feet,1900
best mortgage lenders,6600
espresso machine,40500
espresso machines for home,2900
best espresso machine,14800
",
    )
    .await;
    let report = folio.cluster_offline(site, None, None).await.unwrap();
    assert_eq!(report.keywords, 6, "{report:?}");
    assert_eq!(report.joined_existing, 2, "{report:?}");
    assert_eq!(report.created.len(), 1, "{report:?}");
    let after = placed(&folio, site).await;
    assert_eq!(
        after["running shoes for flat feet"].1,
        Some("Shoes for runners".into())
    );
    assert_eq!(after["best mortgage lenders"].1, after["mortgage rates"].1);
    assert_eq!(
        after["best espresso machine"].1,
        Some("Espresso machine".into())
    );
    // Everything placed before is where it was (the renamed cluster included).
    for (k, was) in &before {
        if was.0 == KeywordStatus::Mapped {
            assert_eq!(&after[k], was, "{k} moved");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_counts_clusters_per_threshold_and_a_bad_threshold_changes_nothing() {
    let (_dir, folio, site) = store().await;
    import(&folio, site, FIRST).await;
    let preview = folio.preview_offline_clustering(site, None).await.unwrap();
    assert_eq!(preview.len(), 5);
    for pair in preview.windows(2) {
        assert!(pair[0].threshold < pair[1].threshold);
        // Looser never gives more keywords alone.
        assert!(pair[1].alone <= pair[0].alone, "{preview:?}");
    }
    let at_default = preview.iter().find(|p| p.threshold == 0.5).unwrap();
    assert_eq!((at_default.clusters, at_default.alone), (4, 1));

    let err = folio
        .cluster_offline(site, None, Some(3.0))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.to_dto().field.as_deref(), Some("threshold"));
    assert!(matches!(err, CoreError::Embed(_)));
    assert!(folio
        .list_clusters(site, None, None)
        .await
        .unwrap()
        .is_empty());
}

/// The keyword row of `text`.
async fn keyword(folio: &Folio, site: SiteId, text: &str) -> folio_model::KeywordRow {
    all_keywords(folio, site)
        .await
        .into_iter()
        .find(|k| k.keyword == text)
        .unwrap()
}

async fn all_keywords(folio: &Folio, site: SiteId) -> Vec<folio_model::KeywordRow> {
    let query = KeywordQuery {
        filter: KeywordFilter::site(site),
        sort: KeywordSort::default(),
        limit: 1000,
        offset: 0,
    };
    folio.list_keywords(&query).await.unwrap().items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_keywords_are_the_same_topic_first() {
    let (_dir, folio, site) = store().await;
    import(&folio, site, FIRST).await;
    let shoes = keyword(&folio, site, "running shoes").await;
    let similar = folio.similar_keywords(site, shoes.id, 3).await.unwrap();
    assert_eq!(similar.len(), 3);
    for s in &similar {
        assert!(s.keyword.keyword.contains("running shoes"), "{similar:?}");
        assert_ne!(s.keyword.id, shoes.id, "not itself");
    }
    assert!(similar[0].similarity >= similar[2].similarity);
    let other = store().await;
    let err = folio
        .similar_keywords(other.2, shoes.id, 3)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idea_on_a_topic_an_article_covers_is_flagged() {
    let (_dir, folio, site) = store().await;
    import(&folio, site, FIRST).await;
    folio.cluster_offline(site, None, None).await.unwrap();
    let clusters = folio.list_clusters(site, None, None).await.unwrap();
    let soil = clusters
        .iter()
        .find(|c| c.name == "Raised bed soil")
        .unwrap();
    let dogs = clusters
        .iter()
        .find(|c| c.name.contains("dog food"))
        .unwrap();
    folio
        .add_content(folio_model::NewContent {
            site,
            sector: None,
            title: "Raised bed soil: what to buy".into(),
            body_html: None,
        })
        .await
        .unwrap();
    let mut same = folio_model::NewIdea::new(site, soil.sector_id, soil.id, "Filling new beds");
    same.primary_keyword = Some(keyword(&folio, site, "soil for raised beds").await.id);
    let same = folio.create_idea(same).await.unwrap();
    let mut other = folio_model::NewIdea::new(site, dogs.sector_id, dogs.id, "Feeding a puppy");
    other.primary_keyword = Some(keyword(&folio, site, "puppy food").await.id);
    folio.create_idea(other).await.unwrap();

    let dups = folio.duplicate_topics(site).await.unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0].idea, same.id);
    assert_eq!(dups[0].idea_topic, "soil for raised beds");
    assert_eq!(dups[0].content_title, "Raised bed soil: what to buy");
}

/// Topics are embedded once and read back from this device's cache; a damaged row is embedded
/// again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_come_from_the_device_cache_and_damaged_rows_are_rebuilt() {
    let (dir, folio, site) = store().await;
    import(&folio, site, FIRST).await;
    folio.preview_offline_clustering(site, None).await.unwrap();
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("folio.db").display()
    ))
    .await
    .unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM embedding_cache")
        .fetch_one(&db)
        .await
        .unwrap();
    // One row per distinct topic: the 17 keywords have 17 ("best dog food" is "dog food").
    assert_eq!(rows, 17);

    // The cache is what clustering reads: give "running shoes" the vector of "mortgage rates"
    // and it clusters with the mortgages.
    sqlx::query(
        "UPDATE embedding_cache SET vector = (SELECT vector FROM embedding_cache WHERE topic = 'mortgage rates')
         WHERE topic = 'running shoes'",
    )
    .execute(&db)
    .await
    .unwrap();
    folio.cluster_offline(site, None, None).await.unwrap();
    let kw = placed(&folio, site).await;
    assert_eq!(kw["running shoes"].1, kw["mortgage rates"].1, "{kw:?}");

    // A damaged row is embedded again.
    let (dir2, folio2, site2) = store().await;
    import(&folio2, site2, FIRST).await;
    folio2
        .preview_offline_clustering(site2, None)
        .await
        .unwrap();
    let db2 = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir2.path().join("folio.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE embedding_cache SET vector = x'00' WHERE topic = 'running shoes'")
        .execute(&db2)
        .await
        .unwrap();
    folio2.cluster_offline(site2, None, None).await.unwrap();
    let kw = placed(&folio2, site2).await;
    assert_eq!(kw["running shoes"].1, Some("Running shoes".into()));
    let (len,): (i64,) =
        sqlx::query_as("SELECT length(vector) FROM embedding_cache WHERE topic = 'running shoes'")
            .fetch_one(&db2)
            .await
            .unwrap();
    assert_eq!(len, 64 * 4, "rebuilt");
    db.close().await;
    db2.close().await;
}
