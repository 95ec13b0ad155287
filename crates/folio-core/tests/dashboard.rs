//! The dashboard (issue 17) against a real SQLite store: counts that match what was made, the
//! next step as a site's work moves along the pipeline, the next posts, this month's spend, and
//! the all-sites view summing two sites.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use folio_core::{Folio, ImportOptions};
use folio_model::{
    AiOperation, CallOutcome, ContentStatus, ErrorKind, IdeaStatus, KeywordBulkAction,
    KeywordFilter, KeywordQuery, KeywordSort, NewCluster, NewContent, NewIdea, NewSite, NextStep,
    PipelineCounts, Site, SiteId, SiteStatus, SiteStatusChange, TaskContent, UsageRecord,
};

async fn site(folio: &Folio, name: &str) -> Site {
    folio
        .create_site(&NewSite {
            name: name.into(),
            domain: format!("{}.example", name.to_lowercase()),
            sectors: vec!["General".into()],
        })
        .await
        .unwrap()
}

async fn step(folio: &Folio, site: SiteId) -> NextStep {
    folio.dashboard(Some(site)).await.unwrap().next_step
}

fn spend(site: SiteId, tokens: u64) -> UsageRecord {
    UsageRecord {
        operation: AiOperation::ContentGeneration,
        site: Some(site),
        content: None,
        provider: String::new(),
        model: "gpt-4o-mini".into(),
        tokens_in: tokens,
        tokens_out: tokens,
        images: 0,
        provider_cost_usd: None,
        outcome: CallOutcome::Ok,
        at: None,
    }
}

#[tokio::test]
async fn counts_and_the_next_step_follow_a_site_along_the_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();

    let empty = folio.dashboard(None).await.unwrap();
    assert_eq!(empty.next_step, NextStep::CreateSite);
    assert!(empty.sites.is_empty());
    assert_eq!(empty.counts, PipelineCounts::default());

    let garden = site(&folio, "Garden").await;
    assert_eq!(step(&folio, garden.id).await, NextStep::AddKeywords);

    folio
        .import_keywords(
            garden.id,
            None,
            b"garden hoe\nraised bed\ncompost bin\nseed trays\npruning shears\n".to_vec(),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    let d = folio.dashboard(Some(garden.id)).await.unwrap();
    assert_eq!(d.counts.keywords_new, 5);
    assert_eq!(d.next_step, NextStep::ClusterKeywords { keywords: 5 });

    let sector = garden.sectors[0].id;
    let cluster = folio
        .create_cluster(NewCluster::new(garden.id, sector, "Tools"))
        .await
        .unwrap();
    let page = folio
        .list_keywords(&KeywordQuery {
            filter: KeywordFilter::site(garden.id),
            sort: KeywordSort::default(),
            limit: 3,
            offset: 0,
        })
        .await
        .unwrap();
    let mut three = KeywordFilter::site(garden.id);
    three.ids = Some(page.items.iter().map(|k| k.id).collect());
    folio
        .bulk_keywords(
            &three,
            &KeywordBulkAction::AssignCluster {
                cluster: Some(cluster.id),
            },
        )
        .await
        .unwrap();
    let d = folio.dashboard(Some(garden.id)).await.unwrap();
    assert_eq!(
        (
            d.counts.keywords_new,
            d.counts.keywords_mapped,
            d.counts.clusters,
            d.counts.clusters_without_ideas
        ),
        (2, 3, 1, 1)
    );
    assert_eq!(d.next_step, NextStep::GenerateIdeas { clusters: 1 });

    let idea = folio
        .create_idea(NewIdea::new(garden.id, sector, cluster.id, "Best hoes"))
        .await
        .unwrap();
    let rejected = folio
        .create_idea(NewIdea::new(garden.id, sector, cluster.id, "Hoe history"))
        .await
        .unwrap();
    folio.set_idea_rejected(rejected.id, true).await.unwrap();
    folio
        .set_cluster_status(cluster.id, folio_model::ClusterStatus::Mapped)
        .await
        .unwrap();
    let d = folio.dashboard(Some(garden.id)).await.unwrap();
    assert_eq!(d.counts.ideas_new, 1, "a rejected idea is not counted");
    assert_eq!(d.counts.clusters_without_ideas, 0);
    assert_eq!(d.next_step, NextStep::QueueIdeas { ideas: 1 });

    let task = folio.queue_idea(idea.id).await.unwrap();
    let d = folio.dashboard(Some(garden.id)).await.unwrap();
    assert_eq!((d.counts.ideas_queued, d.counts.tasks_queued), (1, 1));
    assert_eq!(d.next_step, NextStep::WriteArticles { tasks: 1 });

    let article = folio
        .add_task_content(
            task.id,
            TaskContent {
                title: "The best garden hoes".into(),
                body_html: "<h2>Draw hoes</h2><p>They pull soil toward you.</p>".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        folio.get_idea(idea.id).await.unwrap().status,
        IdeaStatus::Completed
    );
    let d = folio.dashboard(Some(garden.id)).await.unwrap();
    assert_eq!(
        (
            d.counts.tasks_queued,
            d.counts.ideas_completed,
            d.counts.drafts
        ),
        (0, 1, 1)
    );
    assert_eq!(d.next_step, NextStep::FinishDrafts { articles: 1 });

    folio
        .set_content_status(article.id, ContentStatus::Review)
        .await
        .unwrap();
    assert_eq!(
        step(&folio, garden.id).await,
        NextStep::ReviewArticles { articles: 1 }
    );
    folio
        .set_content_status(article.id, ContentStatus::Approved)
        .await
        .unwrap();
    let d = folio.dashboard(Some(garden.id)).await.unwrap();
    assert_eq!(d.next_step, NextStep::ScheduleApproved { articles: 1 });
    assert_eq!(
        d.next_step.to_string(),
        "1 approved article has no slot \u{2014} Schedule them"
    );
    assert!(d.next_posts.is_empty());

    // Scheduled: off the "no slot" count, first of the next posts.
    let slot = (Utc::now() + Duration::days(2))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    folio
        .set_site_status(
            article.id,
            SiteStatusChange {
                to: SiteStatus::Scheduled,
                scheduled_publish_at: Some(slot),
                external_id: None,
                external_url: None,
            },
        )
        .await
        .unwrap();
    let d = folio.dashboard(Some(garden.id)).await.unwrap();
    assert_eq!((d.counts.approved, d.counts.scheduled), (0, 1));
    assert_eq!(d.next_posts.len(), 1);
    let next = &d.next_posts[0];
    assert_eq!(
        (
            next.content,
            next.site,
            next.site_name.as_str(),
            next.title.as_str(),
            next.at
        ),
        (
            article.id,
            garden.id,
            "Garden",
            "The best garden hoes",
            slot
        )
    );
    // Two keywords were never clustered: that is what is left.
    assert_eq!(d.next_step, NextStep::ClusterKeywords { keywords: 2 });
    assert_eq!(d.sites.len(), 1);
    assert_eq!(d.sites[0].last_run, None, "no automation ran");

    let err = folio
        .dashboard(Some(
            "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".parse().unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn all_sites_sum_two_sites_and_a_site_sees_only_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let garden = site(&folio, "Garden").await;
    let kitchen = site(&folio, "Kitchen").await;
    folio
        .import_keywords(
            garden.id,
            None,
            b"garden hoe\nraised bed\n".to_vec(),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    folio
        .import_keywords(
            kitchen.id,
            None,
            b"chef knife\nbread knife\nknife block\n".to_vec(),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    let mut approved = Vec::new();
    for (s, title) in [
        (&garden, "Hoes"),
        (&kitchen, "Knives"),
        (&kitchen, "Blocks"),
    ] {
        let c = folio
            .add_content(NewContent {
                site: s.id,
                sector: None,
                title: title.into(),
                body_html: Some(format!("<p>{title}</p>")),
            })
            .await
            .unwrap();
        for to in [ContentStatus::Review, ContentStatus::Approved] {
            folio.set_content_status(c.id, to).await.unwrap();
        }
        approved.push(c.id);
    }
    folio
        .add_content(NewContent {
            site: kitchen.id,
            sector: None,
            title: "A draft".into(),
            body_html: None,
        })
        .await
        .unwrap();
    let g_spend = folio.record_usage(spend(garden.id, 1000)).await.unwrap();
    let k_spend = folio.record_usage(spend(kitchen.id, 3000)).await.unwrap();

    let all = folio.dashboard(None).await.unwrap();
    assert_eq!(all.site, None);
    let names: Vec<&str> = all.sites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Garden", "Kitchen"]);
    assert_eq!(all.sites[0].counts.keywords_new, 2);
    assert_eq!(all.sites[1].counts.keywords_new, 3);
    assert_eq!(
        (all.sites[0].counts.approved, all.sites[1].counts.approved),
        (1, 2)
    );
    assert_eq!(all.sites[1].counts.drafts, 1);
    let mut sum = PipelineCounts::default();
    for s in &all.sites {
        sum.add(&s.counts);
    }
    assert_eq!(all.counts, sum);
    assert_eq!(
        (
            all.counts.keywords_new,
            all.counts.approved,
            all.counts.drafts
        ),
        (5, 3, 1)
    );
    assert_eq!(all.next_step, NextStep::ScheduleApproved { articles: 3 });
    // This month: both sites' calls, every day from the 1st to today.
    let today = Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(all.month.credits, g_spend.credits + k_spend.credits);
    assert_eq!(all.month.cost_usd, g_spend.cost_usd + k_spend.cost_usd);
    assert_eq!(all.month.days.first().unwrap().day.get(8..), Some("01"));
    let last = all.month.days.last().unwrap();
    assert_eq!(last.day, today);
    assert_eq!(last.credits, all.month.credits);
    assert_eq!(
        all.month.days.len(),
        Utc::now()
            .format("%d")
            .to_string()
            .parse::<usize>()
            .unwrap()
    );
    assert_eq!(all.credits, folio.credit_balance().await.unwrap());

    let one = folio.dashboard(Some(kitchen.id)).await.unwrap();
    assert_eq!(one.site, Some(kitchen.id));
    assert_eq!(one.sites.len(), 1);
    assert_eq!(one.counts, all.sites[1].counts);
    assert_eq!(one.month.credits, k_spend.credits);
    assert_eq!(one.next_step, NextStep::ScheduleApproved { articles: 2 });
}
