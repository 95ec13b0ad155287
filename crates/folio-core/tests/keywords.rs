//! Keyword import into the store, queries and bulk changes, against a real SQLite store.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::ImportOptions;
use folio_core::{CoreError, Folio};
use folio_model::{
    ErrorKind, Intent, JobPhase, KeywordBulkAction, KeywordFilter, KeywordFormat, KeywordQuery,
    KeywordSort, KeywordSortField, KeywordStatus, NewSite, SiteId,
};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

const SEMRUSH: &str = "Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results
best garden hoe,Commercial,1900,\"0.54,0.66,0.81\",42,1.35,0.12,\"Featured snippet\",51200000
how to use a garden hoe,Informational,720,\"0.44,0.54\",18,0.40,0.05,,1200000
garden hoe,\"Commercial, Transactional\",8100,\"1.00\",55,2.10,0.50,,98000000
Best  Garden Hoe,Commercial,1900,,42,1.35,0.12,,51200000
,Informational,10,,5,0.10,0.01,,100
stirrup hoe vs draw hoe,Informational,260,,,,,,
";

async fn store() -> (tempfile::TempDir, Folio, SiteId) {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Garden".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into(), "Seeds".into()],
        })
        .await
        .unwrap();
    (dir, folio, site.id)
}

fn query(site: SiteId) -> KeywordQuery {
    KeywordQuery {
        filter: KeywordFilter::site(site),
        sort: KeywordSort::default(),
        limit: 50,
        offset: 0,
    }
}

fn names(page: &folio_model::KeywordPage) -> Vec<&str> {
    page.items.iter().map(|k| k.keyword.as_str()).collect()
}

#[tokio::test]
async fn a_semrush_export_imports_with_its_metrics() {
    let (_dir, folio, site) = store().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let _observer = {
        let seen = seen.clone();
        folio
            .jobs()
            .observe(move |p| seen.lock().unwrap().push((p.phase, p.done, p.total)))
    };
    let opts = ImportOptions {
        file_name: Some("garden-hoe_broad-match_us_2026-11-01.csv".into()),
    };
    let report = folio
        .import_keywords(site, None, SEMRUSH.as_bytes().to_vec(), &opts)
        .await
        .unwrap();
    assert_eq!(report.format, KeywordFormat::Semrush);
    assert_eq!(report.imported, 4);
    assert_eq!(report.duplicates, 1, "\"Best  Garden Hoe\" repeats line 2");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 6);
    // The import's job: started, parsing, writing up to 4 of 4, finished.
    let seen = seen.lock().unwrap().clone();
    let steps: Vec<JobPhase> = seen.iter().map(|s| s.0).collect();
    assert_eq!(steps[..2], [JobPhase::Started, JobPhase::Parsing]);
    let writing: Vec<_> = seen.iter().filter(|s| s.0 == JobPhase::Writing).collect();
    assert_eq!(writing.last(), Some(&&(JobPhase::Writing, 4, Some(4))));
    assert_eq!(seen.last(), Some(&(JobPhase::Finished, 4, Some(4))));

    let page = folio.list_keywords(&query(site)).await.unwrap();
    assert_eq!(page.total, 4);
    // volume desc, unknown volumes last
    assert_eq!(
        names(&page),
        [
            "garden hoe",
            "best garden hoe",
            "how to use a garden hoe",
            "stirrup hoe vs draw hoe"
        ]
    );
    let hoe = &page.items[0];
    assert_eq!(hoe.volume, Some(8100));
    assert_eq!(hoe.difficulty, Some(55));
    assert_eq!(hoe.cpc, Some(Decimal::from_str("2.1").unwrap()));
    assert_eq!(hoe.intent, Some(Intent::Commercial));
    assert_eq!(hoe.status, KeywordStatus::New);
    assert_eq!(hoe.cluster_id, None);
    let sector = folio.resolve_sector(site, None).await.unwrap();
    assert_eq!(hoe.sector_id, sector, "the site's first sector by default");
    let last = &page.items[3];
    assert_eq!(
        (last.volume, last.difficulty, last.cpc),
        (Some(260), None, None)
    );
}

#[tokio::test]
async fn reimporting_counts_duplicates_per_sector() {
    let (_dir, folio, site) = store().await;
    let opts = ImportOptions::default();
    folio
        .import_keywords(site, None, SEMRUSH.as_bytes().to_vec(), &opts)
        .await
        .unwrap();
    let again = folio
        .import_keywords(site, None, SEMRUSH.as_bytes().to_vec(), &opts)
        .await
        .unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 5));

    // The same words in another sector are other keywords.
    let sites = folio.list_sites().await.unwrap();
    let seeds = sites.items[0].sectors[1].id;
    let other = folio
        .import_keywords(
            site,
            Some(seeds),
            b"garden hoe\nGarden   HOE\nseed tray\n".to_vec(),
            &opts,
        )
        .await
        .unwrap();
    assert_eq!(other.format, KeywordFormat::Plain);
    assert_eq!((other.imported, other.duplicates), (2, 1));
    let mut q = query(site);
    q.filter.sector = Some(seeds);
    assert_eq!(folio.list_keywords(&q).await.unwrap().total, 2);
    assert_eq!(folio.list_keywords(&query(site)).await.unwrap().total, 6);
}

#[tokio::test]
async fn a_file_that_cannot_be_imported_writes_nothing() {
    let (_dir, folio, site) = store().await;
    let opts = ImportOptions::default();
    for bad in [
        Vec::new(),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        b"Clicks,Impressions\n10,100\n".to_vec(),
    ] {
        let err = folio
            .import_keywords(site, None, bad, &opts)
            .await
            .unwrap_err();
        assert!(matches!(err, CoreError::Import(_)), "{err:?}");
        assert_eq!(err.to_dto().kind, ErrorKind::Validation);
        assert_eq!(err.to_dto().field.as_deref(), Some("file"));
    }
    assert_eq!(folio.list_keywords(&query(site)).await.unwrap().total, 0);
}

#[tokio::test]
async fn a_cancelled_import_rolls_back() {
    let (_dir, folio, site) = store().await;
    let mut file = String::from("Keyword\n");
    for i in 0..5000 {
        file.push_str(&format!("keyword number {i}\n"));
    }
    // Cancel through the job registry as soon as the first batch is written (the observer runs
    // on the import's own task, so the cancel lands before the second batch).
    let _observer = {
        let jobs = folio.jobs().clone();
        folio.jobs().observe(move |p| {
            if p.phase == JobPhase::Writing && p.done > 0 {
                assert!(jobs.cancel_matching(p.kind, &p.scope) == 1);
            }
        })
    };
    let opts = ImportOptions::default();
    let err = folio
        .import_keywords(site, None, file.into_bytes(), &opts)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Cancelled), "{err:?}");
    assert_eq!(folio.list_keywords(&query(site)).await.unwrap().total, 0);
}

#[tokio::test]
async fn sites_and_sectors_are_checked() {
    let (_dir, folio, site) = store().await;
    let other = folio
        .create_site(&NewSite {
            name: "Other".into(),
            domain: "other.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();
    let opts = ImportOptions::default();
    let foreign = other.sectors[0].id;
    let err = folio
        .import_keywords(site, Some(foreign), b"a\n".to_vec(), &opts)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("sector"));
    assert!(err.to_string().contains("another site"), "{err}");
    let unknown = SiteId(uuid::Uuid::now_v7());
    let err = folio
        .import_keywords(unknown, None, b"a\n".to_vec(), &opts)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(folio.list_keywords(&query(unknown)).await.is_err());
}

async fn imported(folio: &Folio, site: SiteId) {
    folio
        .import_keywords(
            site,
            None,
            SEMRUSH.as_bytes().to_vec(),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn filters_search_sort_and_paging() {
    let (_dir, folio, site) = store().await;
    imported(&folio, site).await;
    let run = |f: &dyn Fn(&mut KeywordQuery)| {
        let mut q = query(site);
        f(&mut q);
        let folio = folio.clone();
        async move { folio.list_keywords(&q).await.unwrap() }
    };
    let p = run(&|q| q.filter.search = Some("hoe garden".into())).await;
    assert_eq!(
        names(&p),
        ["garden hoe", "best garden hoe", "how to use a garden hoe"]
    );
    let p = run(&|q| q.filter.search = Some("stirr".into())).await;
    assert_eq!(
        names(&p),
        ["stirrup hoe vs draw hoe"],
        "words match as prefixes"
    );
    let p = run(&|q| q.filter.search = Some("\"OR\" *".into())).await;
    assert_eq!(p.total, 0, "search syntax is searched for, not obeyed");
    let p = run(&|q| q.filter.intent = Some(Intent::Informational)).await;
    assert_eq!(
        names(&p),
        ["how to use a garden hoe", "stirrup hoe vs draw hoe"]
    );
    let p = run(&|q| {
        q.filter.min_volume = Some(700);
        q.filter.max_volume = Some(2000);
    })
    .await;
    assert_eq!(names(&p), ["best garden hoe", "how to use a garden hoe"]);
    let p = run(&|q| q.filter.max_difficulty = Some(42)).await;
    assert_eq!(p.total, 2);
    let p = run(&|q| {
        q.sort = KeywordSort {
            field: KeywordSortField::Keyword,
            descending: false,
        }
    })
    .await;
    assert_eq!(
        names(&p),
        [
            "best garden hoe",
            "garden hoe",
            "how to use a garden hoe",
            "stirrup hoe vs draw hoe"
        ]
    );
    let p = run(&|q| {
        q.sort = KeywordSort {
            field: KeywordSortField::Cpc,
            descending: false,
        };
        q.limit = 2;
        q.offset = 1;
    })
    .await;
    assert_eq!(p.total, 4);
    assert_eq!(names(&p), ["best garden hoe", "garden hoe"]);
    let p = run(&|q| q.filter.status = Some(KeywordStatus::Mapped)).await;
    assert_eq!(p.total, 0);

    let mut bad = query(site);
    bad.filter.min_volume = Some(10);
    bad.filter.max_volume = Some(1);
    assert_eq!(
        folio.list_keywords(&bad).await.unwrap_err().field(),
        Some("volume")
    );
    let mut bad = query(site);
    bad.limit = 0;
    assert_eq!(
        folio.list_keywords(&bad).await.unwrap_err().field(),
        Some("limit")
    );
}

#[tokio::test]
async fn bulk_delete_and_status_changes() {
    let (_dir, folio, site) = store().await;
    imported(&folio, site).await;
    let all = folio.list_keywords(&query(site)).await.unwrap();

    let whole_site = KeywordFilter::site(site);
    let err = folio
        .bulk_keywords(&whole_site, &KeywordBulkAction::Delete)
        .await
        .unwrap_err();
    assert_eq!(
        err.field(),
        Some("filter"),
        "no implicit whole-site bulk change"
    );

    let mut two = KeywordFilter::site(site);
    two.ids = Some(vec![all.items[0].id, all.items[1].id]);
    // new → used skips mapped: refused for all, nothing changes
    let err = folio
        .bulk_keywords(
            &two,
            &KeywordBulkAction::SetStatus {
                status: KeywordStatus::Used,
            },
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("2 of the selected keywords are new"),
        "{err}"
    );
    let err = folio
        .bulk_keywords(
            &two,
            &KeywordBulkAction::SetStatus {
                status: KeywordStatus::Mapped,
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cluster"), "{err}");

    let deleted = folio
        .bulk_keywords(&two, &KeywordBulkAction::Delete)
        .await
        .unwrap();
    assert_eq!(deleted, 2);
    let left = folio.list_keywords(&query(site)).await.unwrap();
    assert_eq!(
        names(&left),
        ["how to use a garden hoe", "stirrup hoe vs draw hoe"]
    );
    // the search index forgot them too
    let mut q = query(site);
    q.filter.search = Some("best".into());
    assert_eq!(folio.list_keywords(&q).await.unwrap().total, 0);

    let mut by_search = KeywordFilter::site(site);
    by_search.search = Some("stirrup".into());
    let deleted = folio
        .bulk_keywords(&by_search, &KeywordBulkAction::Delete)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(folio.list_keywords(&query(site)).await.unwrap().total, 1);
}

#[tokio::test]
async fn a_plan_limits_keywords_and_sites() {
    let (_dir, folio, site) = store().await;
    let now = chrono::Utc::now();
    folio
        .apply_subscription(
            "free",
            folio_model::SubscriptionStatus::Active,
            now,
            now + chrono::Duration::days(30),
        )
        .await
        .unwrap();
    // Free: 100 keywords, 1 site.
    let mut file = String::new();
    for i in 0..150 {
        file.push_str(&format!("plan keyword {i}\n"));
    }
    let opts = ImportOptions::default();
    let err = folio
        .import_keywords(site, None, file.into_bytes(), &opts)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(err.to_string().contains("allows 100 keywords"), "{err}");
    assert_eq!(
        folio.list_keywords(&query(site)).await.unwrap().total,
        0,
        "all or nothing"
    );
    let ok = folio
        .import_keywords(site, None, b"one\ntwo\n".to_vec(), &opts)
        .await
        .unwrap();
    assert_eq!(ok.imported, 2);

    let err = folio
        .create_site(&NewSite {
            name: "Second".into(),
            domain: "second.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(err.to_string().contains("allows 1 site"), "{err}");
}

/// Every field of every keyword of a site, as a fresh process would load them.
async fn everything(folio: &Folio, site: SiteId) -> Vec<folio_model::KeywordRow> {
    let mut q = query(site);
    q.limit = 1000;
    q.sort = KeywordSort {
        field: KeywordSortField::Created,
        descending: false,
    };
    folio.list_keywords(&q).await.unwrap().items
}

#[tokio::test]
async fn clusters_and_the_index_after_bulk_changes_match_a_fresh_load() {
    let (dir, folio, site) = store().await;
    imported(&folio, site).await;
    let sector = folio.resolve_sector(site, None).await.unwrap();
    let cluster = folio
        .create_cluster(folio_model::NewCluster::new(site, sector, "Garden hoes"))
        .await
        .unwrap();
    // Another sector's cluster cannot take these keywords.
    let seeds = folio.list_sites().await.unwrap().items[0].sectors[1].id;
    let elsewhere = folio
        .create_cluster(folio_model::NewCluster::new(site, seeds, "Seeds"))
        .await
        .unwrap();

    let mut hoes = KeywordFilter::site(site);
    hoes.search = Some("garden hoe".into());
    let err = folio
        .bulk_keywords(
            &hoes,
            &KeywordBulkAction::AssignCluster {
                cluster: Some(elsewhere.id),
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another sector"), "{err}");

    let assigned = folio
        .bulk_keywords(
            &hoes,
            &KeywordBulkAction::AssignCluster {
                cluster: Some(cluster.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(assigned, 3);
    let mut in_cluster = query(site);
    in_cluster.filter.cluster = Some(cluster.id);
    let page = folio.list_keywords(&in_cluster).await.unwrap();
    assert_eq!(page.total, 3);
    assert!(page.items.iter().all(|k| k.status == KeywordStatus::Mapped));

    // mapped → used is legal; used keywords cannot leave their cluster.
    let mut first = KeywordFilter::site(site);
    first.ids = Some(vec![page.items[0].id]);
    folio
        .bulk_keywords(
            &first,
            &KeywordBulkAction::SetStatus {
                status: KeywordStatus::Used,
            },
        )
        .await
        .unwrap();
    let err = folio
        .bulk_keywords(&hoes, &KeywordBulkAction::AssignCluster { cluster: None })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("used by content ideas"), "{err}");
    // mapped → new leaves the cluster
    let mut second = KeywordFilter::site(site);
    second.ids = Some(vec![page.items[1].id]);
    folio
        .bulk_keywords(
            &second,
            &KeywordBulkAction::SetStatus {
                status: KeywordStatus::New,
            },
        )
        .await
        .unwrap();
    let mut stirrup = KeywordFilter::site(site);
    stirrup.search = Some("stirrup".into());
    folio
        .bulk_keywords(&stirrup, &KeywordBulkAction::Delete)
        .await
        .unwrap();

    let here = everything(&folio, site).await;
    assert_eq!(here.len(), 3);
    assert_eq!(
        folio.list_keywords(&in_cluster).await.unwrap().total,
        2,
        "one left the cluster"
    );
    // A second process loads the store from scratch: it must see exactly what this one shows.
    let fresh = Folio::open(dir.path()).await.unwrap();
    assert_eq!(everything(&fresh, site).await, here);
    let mut by_status = query(site);
    by_status.sort = KeywordSort {
        field: KeywordSortField::Status,
        descending: true,
    };
    assert_eq!(
        folio.list_keywords(&by_status).await.unwrap(),
        fresh.list_keywords(&by_status).await.unwrap()
    );
}

#[tokio::test]
async fn another_process_writing_is_seen_at_the_next_query() {
    let (dir, app, site) = store().await;
    imported(&app, site).await;
    assert_eq!(app.list_keywords(&query(site)).await.unwrap().total, 4);
    // The CLI imports into the same directory while the app has the site's index loaded.
    let cli = Folio::open(dir.path()).await.unwrap();
    cli.import_keywords(
        site,
        None,
        b"trowel\nhand trowel\n".to_vec(),
        &ImportOptions::default(),
    )
    .await
    .unwrap();
    let mut q = query(site);
    q.filter.search = Some("trowel".into());
    assert_eq!(app.list_keywords(&q).await.unwrap().total, 2);
    assert_eq!(app.list_keywords(&query(site)).await.unwrap().total, 6);
}
