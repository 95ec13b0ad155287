//! Clusters, ideas, tasks, content, images and terms: scoping invariants, status moves, slugs and
//! word counts, against a real SQLite store in a temporary data directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use folio_core::Folio;
use folio_core::ImportOptions;
use folio_model::{
    ClusterStatus, ContentFilter, ContentStatus, ContentUpdate, ErrorKind, IdeaStatus, ImageResult,
    ImageStatus, ImageType, KeywordFilter, KeywordId, KeywordQuery, KeywordSort, NewCluster,
    NewContent, NewIdea, NewImage, NewSite, NewTask, OutlineSection, SectorId, Site, SiteStatus,
    SiteStatusChange, TaskContent, TaskStatus, TaxonomyType,
};

/// A store with two sites: Garden (Tools, Seeds) and Kitchen (Knives).
async fn setup() -> (tempfile::TempDir, Folio, Site, Site) {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let garden = folio
        .create_site(&NewSite {
            name: "Garden".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into(), "Seeds".into()],
        })
        .await
        .unwrap();
    let kitchen = folio
        .create_site(&NewSite {
            name: "Kitchen".into(),
            domain: "kitchen.example".into(),
            sectors: vec!["Knives".into()],
        })
        .await
        .unwrap();
    (dir, folio, garden, kitchen)
}

fn sectors(site: &Site) -> (SectorId, SectorId) {
    (site.sectors[0].id, site.sectors[1].id)
}

async fn keywords(folio: &Folio, site: &Site, sector: SectorId, text: &str) -> Vec<KeywordId> {
    folio
        .import_keywords(
            site.id,
            Some(sector),
            text.as_bytes().to_vec(),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    let mut filter = KeywordFilter::site(site.id);
    filter.sector = Some(sector);
    let page = folio
        .list_keywords(&KeywordQuery {
            filter,
            sort: KeywordSort::default(),
            limit: 50,
            offset: 0,
        })
        .await
        .unwrap();
    page.items.iter().map(|k| k.id).collect()
}

fn outline() -> Vec<OutlineSection> {
    (1..=6)
        .map(|i| OutlineSection {
            heading: format!("Section {i}"),
            notes: format!("What section {i} covers"),
            subheadings: if i == 1 {
                vec!["First part".into(), " ".into()]
            } else {
                vec![]
            },
            ..OutlineSection::default()
        })
        .collect()
}

#[tokio::test]
async fn clusters_are_unique_per_site_and_sector() {
    let (_dir, folio, garden, kitchen) = setup().await;
    let (tools, seeds) = sectors(&garden);
    let hoes = folio
        .create_cluster(NewCluster::new(garden.id, tools, "Garden hoes"))
        .await
        .unwrap();
    assert_eq!((hoes.status, hoes.disabled), (ClusterStatus::New, false));
    assert_eq!(hoes.id.as_uuid().get_version_num(), 7);
    let err = folio
        .create_cluster(NewCluster::new(garden.id, tools, " garden  HOES "))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Conflict, Some("name"))
    );
    // the same name in another sector is another cluster
    folio
        .create_cluster(NewCluster::new(garden.id, seeds, "Garden hoes"))
        .await
        .unwrap();

    let err = folio
        .create_cluster(NewCluster::new(garden.id, kitchen.sectors[0].id, "Knives"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Validation, Some("sector"))
    );
    assert!(err.to_string().contains("belongs to another site"), "{err}");

    assert_eq!(
        folio
            .list_clusters(garden.id, None, None)
            .await
            .unwrap()
            .len(),
        2
    );
    let in_tools = folio
        .list_clusters(garden.id, Some(tools), None)
        .await
        .unwrap();
    assert_eq!(in_tools, std::slice::from_ref(&hoes));
    assert_eq!(folio.get_cluster(hoes.id).await.unwrap(), hoes);

    let mapped = folio
        .set_cluster_status(hoes.id, ClusterStatus::Mapped)
        .await
        .unwrap();
    assert_eq!(mapped.status, ClusterStatus::Mapped);
    assert_eq!(
        folio
            .list_clusters(garden.id, None, Some(ClusterStatus::Mapped))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_idea_must_share_site_and_sector_with_its_cluster_and_keywords() {
    let (_dir, folio, garden, kitchen) = setup().await;
    let (tools, seeds) = sectors(&garden);
    let hoes = folio
        .create_cluster(NewCluster::new(garden.id, tools, "Garden hoes"))
        .await
        .unwrap();

    // a cluster in sector A used by an idea in sector B
    let err = folio
        .create_idea(NewIdea::new(garden.id, seeds, hoes.id, "Best hoes"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Validation, Some("cluster"))
    );
    assert!(
        err.to_string()
            .starts_with("the cluster \u{201c}Garden hoes\u{201d} is in another sector"),
        "{err}"
    );
    // a cluster of another site
    let err = folio
        .create_idea(NewIdea::new(
            kitchen.id,
            kitchen.sectors[0].id,
            hoes.id,
            "Best hoes",
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the cluster \u{201c}Garden hoes\u{201d} belongs to another site"
    );
    // a sector of another site
    let err = folio
        .create_idea(NewIdea::new(kitchen.id, tools, hoes.id, "Best hoes"))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("sector"));

    let tool_words = keywords(
        &folio,
        &garden,
        tools,
        "Keyword\nbest garden hoe\nhoe types\n",
    )
    .await;
    let seed_words = keywords(&folio, &garden, seeds, "Keyword\ntomato seeds\n").await;
    let mut idea = NewIdea::new(garden.id, tools, hoes.id, "Best hoes");
    idea.secondary_keywords = vec![seed_words[0]];
    let err = folio.create_idea(idea).await.unwrap_err();
    assert_eq!(err.field(), Some("keywords"));
    assert!(err.to_string().contains("is in another sector"), "{err}");

    let mut idea = NewIdea::new(garden.id, tools, hoes.id, "  The 7 best garden hoes ");
    idea.primary_keyword = Some(tool_words[0]);
    idea.secondary_keywords = vec![tool_words[1], tool_words[0], tool_words[1]];
    idea.outline = outline();
    idea.target_word_count = Some(1500);
    let created = folio.create_idea(idea).await.unwrap();
    assert_eq!(created.title, "The 7 best garden hoes");
    assert_eq!(
        created.secondary_keywords,
        [tool_words[1]],
        "the primary and repeats are dropped"
    );
    assert_eq!(created.outline.len(), 6);
    assert_eq!(created.outline[0].subheadings, ["First part"]);
    let read = folio.get_idea(created.id).await.unwrap();
    assert_eq!(read, created, "the full outline and keywords are persisted");
    assert_eq!(
        folio
            .list_ideas(garden.id, Some(tools), Some(IdeaStatus::New))
            .await
            .unwrap(),
        [created]
    );
    assert!(folio
        .list_ideas(garden.id, Some(seeds), None)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn idea_and_task_statuses_move_only_along_the_workflow() {
    let (_dir, folio, garden, _kitchen) = setup().await;
    let (tools, _) = sectors(&garden);
    let hoes = folio
        .create_cluster(NewCluster::new(garden.id, tools, "Garden hoes"))
        .await
        .unwrap();
    let idea = folio
        .create_idea(NewIdea::new(garden.id, tools, hoes.id, "Best hoes"))
        .await
        .unwrap();

    let err = folio
        .set_idea_status(idea.id, IdeaStatus::Completed)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Validation, Some("status"))
    );
    assert_eq!(
        err.to_string(),
        "a idea cannot go from new to completed; from new it can go to queued"
    );

    let task = folio.queue_idea(idea.id).await.unwrap();
    assert_eq!(
        folio.get_idea(idea.id).await.unwrap().status,
        IdeaStatus::Queued
    );
    assert_eq!(
        (task.idea_id, task.cluster_id, task.status),
        (Some(idea.id), hoes.id, TaskStatus::Queued)
    );
    let err = folio.queue_idea(idea.id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the idea \u{201c}Best hoes\u{201d} is already queued; only new ideas are queued"
    );
    assert_eq!(
        folio.list_tasks(garden.id, None, None).await.unwrap().len(),
        1
    );

    let err = folio.set_task_status(task.id, TaskStatus::Queued).await;
    assert!(err.is_ok());
    folio
        .set_task_status(task.id, TaskStatus::Completed)
        .await
        .unwrap();
    let err = folio
        .set_task_status(task.id, TaskStatus::Queued)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a task cannot go from completed to queued; completed is final"
    );
    let err = folio
        .set_cluster_status(hoes.id, ClusterStatus::Mapped)
        .await;
    assert!(err.is_ok());
}

#[tokio::test]
async fn a_task_shares_scope_with_its_cluster_and_idea() {
    let (_dir, folio, garden, _kitchen) = setup().await;
    let (tools, seeds) = sectors(&garden);
    let hoes = folio
        .create_cluster(NewCluster::new(garden.id, tools, "Garden hoes"))
        .await
        .unwrap();
    let rakes = folio
        .create_cluster(NewCluster::new(garden.id, tools, "Rakes"))
        .await
        .unwrap();
    let idea = folio
        .create_idea(NewIdea::new(garden.id, tools, hoes.id, "Best hoes"))
        .await
        .unwrap();

    let err = folio
        .create_task(NewTask::new(garden.id, seeds, hoes.id, "Hoes"))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("cluster"));
    let mut t = NewTask::new(garden.id, tools, rakes.id, "Rakes");
    t.idea = Some(idea.id);
    let err = folio.create_task(t).await.unwrap_err();
    assert_eq!(err.field(), Some("idea"));
    assert!(
        err.to_string().contains("belongs to another cluster"),
        "{err}"
    );

    let mut t = NewTask::new(garden.id, tools, hoes.id, "Best hoes");
    t.idea = Some(idea.id);
    t.primary_keyword = " garden hoe ".into();
    t.secondary_keywords = vec!["hoe types".into(), "".into()];
    let task = folio.create_task(t).await.unwrap();
    assert_eq!(
        (
            task.primary_keyword.as_str(),
            task.secondary_keywords.clone()
        ),
        ("garden hoe", vec!["hoe types".to_string()])
    );
    assert_eq!(folio.get_task(task.id).await.unwrap(), task);
    assert_eq!(
        folio
            .list_tasks(garden.id, Some(tools), Some(TaskStatus::Queued))
            .await
            .unwrap(),
        [task]
    );
}

#[tokio::test]
async fn writing_a_task_completes_it_and_its_idea() {
    let (_dir, folio, garden, _kitchen) = setup().await;
    let (tools, _) = sectors(&garden);
    let hoes = folio
        .create_cluster(NewCluster::new(garden.id, tools, "Garden hoes"))
        .await
        .unwrap();
    let idea = folio
        .create_idea(NewIdea::new(garden.id, tools, hoes.id, "Best hoes"))
        .await
        .unwrap();
    let task = folio.queue_idea(idea.id).await.unwrap();
    let body =
        "<p><em>Pick the right hoe.</em></p><h2>Draw hoes</h2><p>They pull soil toward you.</p>";
    let c = folio
        .add_task_content(
            task.id,
            TaskContent {
                title: "The best garden hoes".into(),
                body_html: body.into(),
                meta_title: "Best garden hoes".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (c.site_id, c.sector_id, c.task_id, c.cluster_id),
        (garden.id, tools, Some(task.id), Some(hoes.id))
    );
    assert_eq!(
        (c.status, c.site_status),
        (ContentStatus::Draft, SiteStatus::NotPublished)
    );
    assert_eq!(c.slug, "the-best-garden-hoes");
    assert_eq!(c.word_count, 11);
    assert_eq!(
        folio.get_task(task.id).await.unwrap().status,
        TaskStatus::Completed
    );
    assert_eq!(
        folio.get_idea(idea.id).await.unwrap().status,
        IdeaStatus::Completed
    );
    let err = folio
        .add_task_content(
            task.id,
            TaskContent {
                title: "Again".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.field(),
        Some("status"),
        "a completed task is not written twice"
    );
}

#[tokio::test]
async fn content_gets_a_unique_slug_and_a_word_count() {
    let (_dir, folio, garden, kitchen) = setup().await;
    let (tools, seeds) = sectors(&garden);
    let first = folio
        .add_content(NewContent {
            site: garden.id,
            sector: None,
            title: "Crème Brûlée & Garden Tools!".into(),
            body_html: Some(
                "<p>One <b>two</b> three.</p><ul><li>four</li><li>five&nbsp;six</li></ul>".into(),
            ),
        })
        .await
        .unwrap();
    assert_eq!(first.sector_id, tools, "no sector: the site's first");
    assert_eq!(first.slug, "creme-brulee-garden-tools");
    assert_eq!(first.word_count, 6);
    assert_eq!(first.status, ContentStatus::Draft);

    let second = folio
        .add_content(NewContent {
            site: garden.id,
            sector: Some(seeds),
            title: "Crème brûlée, garden tools".into(),
            body_html: None,
        })
        .await
        .unwrap();
    assert_eq!(
        (second.slug.as_str(), second.word_count, second.sector_id),
        ("creme-brulee-garden-tools-2", 0, seeds)
    );
    // slugs are per site
    let other = folio
        .add_content(NewContent {
            site: kitchen.id,
            sector: None,
            title: "Crème brûlée garden tools".into(),
            body_html: None,
        })
        .await
        .unwrap();
    assert_eq!(other.slug, "creme-brulee-garden-tools");
    let cjk = folio
        .add_content(NewContent {
            site: kitchen.id,
            sector: None,
            title: "庭の道具".into(),
            body_html: None,
        })
        .await
        .unwrap();
    assert_eq!(cjk.slug, "article");

    let err = folio
        .update_content(
            second.id,
            ContentUpdate {
                slug: Some("Creme Brulee Garden Tools".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Conflict, Some("slug"))
    );
    let updated = folio
        .update_content(
            second.id,
            ContentUpdate {
                slug: Some("  Seed Saving 101 ".into()),
                body_html: Some("<h2>Why</h2><p>Seeds are free.</p>".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.slug.as_str(), updated.word_count),
        ("seed-saving-101", 4)
    );
    let back = folio
        .update_content(
            second.id,
            ContentUpdate {
                slug: Some(String::new()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        back.slug, "creme-brulee-garden-tools-2",
        "an empty slug is derived again"
    );
    assert_eq!(folio.get_content(second.id).await.unwrap(), back);

    let err = folio
        .add_content(NewContent {
            site: garden.id,
            sector: Some(kitchen.sectors[0].id),
            title: "x".into(),
            body_html: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("sector"));
    let err = folio
        .add_content(NewContent {
            site: garden.id,
            sector: None,
            title: "  ".into(),
            body_html: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("title"));
}

#[tokio::test]
async fn content_lists_newest_first_and_filters() {
    let (_dir, folio, garden, _kitchen) = setup().await;
    let (tools, seeds) = sectors(&garden);
    let mut ids = Vec::new();
    for (i, sector) in [tools, seeds, tools].into_iter().enumerate() {
        let c = folio
            .add_content(NewContent {
                site: garden.id,
                sector: Some(sector),
                title: format!("Article {i}"),
                body_html: None,
            })
            .await
            .unwrap();
        ids.push(c.id);
    }
    folio
        .set_content_status(ids[1], ContentStatus::Review)
        .await
        .unwrap();
    let all = folio.list_content(garden.id).await.unwrap();
    let order: Vec<_> = all.iter().map(|c| c.id).collect();
    assert_eq!(order, [ids[2], ids[1], ids[0]]);
    assert_eq!(all[1].status, ContentStatus::Review);
    let mut f = ContentFilter::site(garden.id);
    f.sector = Some(tools);
    assert_eq!(folio.query_content(&f).await.unwrap().len(), 2);
    f.sector = None;
    f.status = Some(ContentStatus::Review);
    let review: Vec<_> = folio
        .query_content(&f)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(review, [ids[1]]);
}

#[tokio::test]
async fn content_and_publishing_statuses_follow_their_workflows() {
    let (_dir, folio, garden, _kitchen) = setup().await;
    let c = folio
        .add_content(NewContent {
            site: garden.id,
            sector: None,
            title: "Hoes".into(),
            body_html: None,
        })
        .await
        .unwrap();
    let err = folio
        .set_content_status(c.id, ContentStatus::Published)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a content cannot go from draft to published; from draft it can go to review or approved"
    );
    let schedule = SiteStatusChange {
        to: SiteStatus::Scheduled,
        scheduled_publish_at: Some(Utc::now() + Duration::hours(2)),
        external_id: None,
        external_url: None,
    };
    let err = folio
        .set_site_status(c.id, schedule.clone())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("only approved articles can be scheduled or published"),
        "{err}"
    );

    folio
        .set_content_status(c.id, ContentStatus::Review)
        .await
        .unwrap();
    folio
        .set_content_status(c.id, ContentStatus::Approved)
        .await
        .unwrap();
    let err = folio
        .set_content_status(c.id, ContentStatus::Published)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("publish it instead"), "{err}");

    let err = folio
        .set_site_status(
            c.id,
            SiteStatusChange {
                scheduled_publish_at: None,
                ..schedule.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("scheduled_publish_at"));
    let scheduled = folio.set_site_status(c.id, schedule.clone()).await.unwrap();
    assert_eq!(scheduled.site_status, SiteStatus::Scheduled);
    assert!(scheduled.scheduled_publish_at.is_some());
    let publishing = SiteStatusChange {
        to: SiteStatus::Publishing,
        scheduled_publish_at: None,
        external_id: None,
        external_url: None,
    };
    folio
        .set_site_status(c.id, publishing.clone())
        .await
        .unwrap();
    let err = folio
        .set_site_status(
            c.id,
            SiteStatusChange {
                to: SiteStatus::Published,
                ..publishing.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("external_id"));
    let live = folio
        .set_site_status(
            c.id,
            SiteStatusChange {
                to: SiteStatus::Published,
                scheduled_publish_at: None,
                external_id: Some("42".into()),
                external_url: Some("https://garden.example/hoes/".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (live.status, live.site_status),
        (ContentStatus::Published, SiteStatus::Published)
    );
    assert_eq!(live.external_id.as_deref(), Some("42"));
    assert_eq!(folio.get_content(c.id).await.unwrap(), live);

    let err = folio
        .set_content_status(c.id, ContentStatus::Draft)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unpublish it"), "{err}");
    let err = folio.set_site_status(c.id, schedule).await.unwrap_err();
    assert_eq!(err.to_string(), "a publishing cannot go from published to scheduled; from published it can go to not_published or publishing");
    let off = folio
        .set_site_status(
            c.id,
            SiteStatusChange {
                to: SiteStatus::NotPublished,
                ..publishing
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (off.status, off.site_status),
        (ContentStatus::Draft, SiteStatus::NotPublished)
    );
}

#[tokio::test]
async fn images_and_terms_belong_to_their_article_and_site() {
    let (_dir, folio, garden, kitchen) = setup().await;
    let c = folio
        .add_content(NewContent {
            site: garden.id,
            sector: None,
            title: "Hoes".into(),
            body_html: None,
        })
        .await
        .unwrap();
    let featured = folio
        .add_image(NewImage {
            content: c.id,
            image_type: ImageType::Featured,
            position: 0,
            prompt: "A hoe".into(),
            alt_text: "A hoe".into(),
            caption: String::new(),
        })
        .await
        .unwrap();
    assert!(featured.is_featured());
    let err = folio
        .add_image(NewImage {
            content: c.id,
            image_type: ImageType::Featured,
            position: 0,
            prompt: "Another".into(),
            alt_text: String::new(),
            caption: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let inline = folio
        .add_image(NewImage {
            content: c.id,
            image_type: ImageType::InArticle,
            position: 1,
            prompt: "Soil".into(),
            alt_text: String::new(),
            caption: String::new(),
        })
        .await
        .unwrap();
    let err = folio
        .set_image_status(
            inline.id,
            ImageResult {
                to: ImageStatus::Generated,
                url: None,
                local_path: None,
                provider: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("url"));
    let done = folio
        .set_image_status(
            inline.id,
            ImageResult {
                to: ImageStatus::Generated,
                url: None,
                local_path: Some("images/ab/cd.webp".into()),
                provider: Some("runware".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (done.status, done.provider.as_deref()),
        (ImageStatus::Generated, Some("runware"))
    );
    let err = folio
        .set_image_status(
            inline.id,
            ImageResult {
                to: ImageStatus::Pending,
                url: None,
                local_path: None,
                provider: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a image cannot go from generated to pending; generated is final"
    );
    let images = folio.list_images(c.id).await.unwrap();
    assert_eq!(
        images.iter().map(|i| i.id).collect::<Vec<_>>(),
        [featured.id, inline.id]
    );

    let tools = folio
        .add_term(garden.id, TaxonomyType::Category, "Garden Tools")
        .await
        .unwrap();
    assert_eq!(tools.slug, "garden-tools");
    assert_eq!(
        folio
            .add_term(garden.id, TaxonomyType::Category, "garden  tools")
            .await
            .unwrap(),
        tools
    );
    let tag = folio
        .add_term(garden.id, TaxonomyType::Tag, "Garden Tools")
        .await
        .unwrap();
    assert_ne!(tag.id, tools.id, "a tag and a category may share a name");
    let foreign = folio
        .add_term(kitchen.id, TaxonomyType::Tag, "Knives")
        .await
        .unwrap();
    let err = folio
        .set_content_terms(c.id, &[tools.id, foreign.id])
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("terms"));
    let set = folio
        .set_content_terms(c.id, &[tag.id, tools.id])
        .await
        .unwrap();
    assert_eq!(set, [tools.clone(), tag.clone()]);
    assert_eq!(
        folio
            .list_terms(garden.id, Some(TaxonomyType::Tag))
            .await
            .unwrap(),
        [tag]
    );
    assert_eq!(folio.list_terms(garden.id, None).await.unwrap().len(), 2);
}

/// The article page's choices: the site's terms once each by name with the article's marked;
/// replacing by name creates what is new and drops what is not named.
#[tokio::test]
async fn an_articles_terms_are_chosen_by_name() {
    let (_dir, folio, garden, _) = setup().await;
    let c = folio
        .add_content(NewContent {
            site: garden.id,
            sector: None,
            title: "Hoes".into(),
            body_html: Some("<p>x</p>".into()),
        })
        .await
        .unwrap();
    folio
        .add_term(garden.id, TaxonomyType::Category, "Tools")
        .await
        .unwrap();
    let name = |taxonomy, name: &str| folio_model::TermName {
        taxonomy,
        name: name.into(),
    };
    let set = folio
        .replace_content_terms(
            c.id,
            &[
                name(TaxonomyType::Tag, "Weeding"),
                name(TaxonomyType::Category, "tools"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(set.len(), 2, "{set:?}");
    let choices = folio.term_choices(c.id).await.unwrap();
    let seen: Vec<_> = choices
        .iter()
        .map(|t| (t.taxonomy, t.name.as_str(), t.chosen, t.on_wordpress))
        .collect();
    assert_eq!(
        seen,
        [
            (TaxonomyType::Category, "Tools", true, false),
            (TaxonomyType::Tag, "Weeding", true, false)
        ]
    );
    folio
        .replace_content_terms(c.id, &[name(TaxonomyType::Tag, "Weeding")])
        .await
        .unwrap();
    let choices = folio.term_choices(c.id).await.unwrap();
    assert!(!choices[0].chosen && choices[1].chosen, "{choices:?}");
}
