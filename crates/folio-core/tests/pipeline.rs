//! The content pipeline end to end in core, against HTTP fakes of OpenAI and Anthropic that read
//! each stage's prompt and answer like the providers do — and fail like them when told to.
//! Runs under `scripts/headless.sh` (provider keys live in the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake_model.rs"]
mod fake_model;
#[path = "support/pipeline_world.rs"]
mod pipeline_world;
#[path = "support/sync_server.rs"]
mod sync_server;

use fake_model::{Fault, Kind};
use folio_core::Folio;
use folio_model::{
    ContentStatus, ErrorKind, IdeaStatus, ImageStatus, KeywordFilter, KeywordQuery, KeywordStatus,
    SettingKey, SettingValue, Site, Stage, StageTarget, TaskStatus, UsageFilter,
};
use pipeline_world::{ledger_calls, world};

async fn keywords(folio: &Folio, site: &Site) -> Vec<folio_model::KeywordRow> {
    let mut q = KeywordQuery {
        filter: KeywordFilter::site(site.id),
        sort: Default::default(),
        limit: 100,
        offset: 0,
    };
    q.filter.sector = Some(site.sectors[0].id);
    folio.list_keywords(&q).await.unwrap().items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keywords_become_clustered_planned_written_and_illustrated_and_a_rerun_pays_nothing() {
    let w = world().await;
    let (folio, site) = (&w.folio, &w.site);
    let target = StageTarget::site(site.id);

    // Clustering: the estimate first, then every keyword placed exactly once.
    let estimate = folio
        .estimate_stage(Stage::Clustering, &target)
        .await
        .unwrap();
    assert_eq!((estimate.items, estimate.calls), (12, 1), "{estimate:?}");
    assert!(
        estimate.credits > 0 && estimate.affordable(),
        "{estimate:?}"
    );
    let report = folio
        .run_stage(Stage::Clustering, target.clone())
        .await
        .unwrap();
    assert_eq!((report.done, report.failed.len()), (1, 0), "{report:?}");
    assert!(report.credits > 0, "{report:?}");
    let clusters = folio.cluster_summaries(site.id, None).await.unwrap();
    assert_eq!(clusters.len(), 3);
    assert_eq!(clusters.iter().map(|c| c.keywords).sum::<u64>(), 12);
    assert!(keywords(folio, site)
        .await
        .iter()
        .all(|k| k.status == KeywordStatus::Mapped && k.cluster_id.is_some()));

    // Ideas: 3 per cluster, each with its full outline and FAQ kept.
    let report = folio.run_stage(Stage::Ideas, target.clone()).await.unwrap();
    assert_eq!((report.done, report.failed.len()), (3, 0), "{report:?}");
    let ideas = folio.list_ideas(site.id, None, None).await.unwrap();
    assert_eq!(ideas.len(), 9);
    assert!(ideas
        .iter()
        .all(|i| i.outline.len() == 6 && i.faq.len() == 3 && i.secondary_keywords.len() == 2));
    assert_eq!(ideas[0].outline[2].format, folio_model::SectionFormat::List);

    // Queue one cluster's ideas (free), write them.
    let mut queue = target.clone();
    queue.clusters = vec![ideas[0].cluster_id];
    let report = folio.run_stage(Stage::Queue, queue).await.unwrap();
    assert_eq!(report.done, 3);
    let before = ledger_calls(folio).await;
    w.model.fail(Kind::Section, vec![Fault::Script]);
    let report = folio
        .run_stage(Stage::Writing, target.clone())
        .await
        .unwrap();
    assert_eq!((report.done, report.failed.len()), (3, 0), "{report:?}");
    // per article: 6 sections, intro, conclusion, FAQ, meta
    assert_eq!(ledger_calls(folio).await - before, 30);
    let tasks = folio.list_tasks(site.id, None, None).await.unwrap();
    assert!(tasks.iter().all(|t| t.status == TaskStatus::Completed));
    let articles = folio.list_content(site.id).await.unwrap();
    assert_eq!(articles.len(), 3);
    for a in &articles {
        let c = folio.get_content(a.id).await.unwrap();
        assert_eq!(c.status, ContentStatus::Draft);
        assert!(c.task_id.is_some() && c.cluster_id.is_some());
        assert_eq!(
            c.body_html.matches("<h2>").count(),
            8,
            "6 sections, conclusion, FAQ"
        );
        for bad in ["onclick", "javascript:", "<iframe", "<style"] {
            assert!(
                !c.body_html.contains(bad),
                "{bad} survived in {}",
                c.body_html
            );
        }
        assert!(c.meta_title.chars().count() <= 60 && !c.meta_description.is_empty());
        assert!(c.word_count > 600, "{}", c.word_count);
        assert!(folio.content_cost(c.id).await.unwrap().credits > 0);
    }
    assert!(
        ideas
            .iter()
            .filter(|i| i.cluster_id == ideas[0].cluster_id)
            .count()
            == 3
    );
    let done_ideas = folio
        .list_ideas(site.id, None, Some(IdeaStatus::Completed))
        .await
        .unwrap();
    assert_eq!(done_ideas.len(), 3);
    assert!(keywords(folio, site)
        .await
        .iter()
        .any(|k| k.status == KeywordStatus::Used));

    // Images: featured + one per section up to ai.max_images (4).
    let estimate = folio.estimate_stage(Stage::Images, &target).await.unwrap();
    assert_eq!(estimate.items, 3);
    let report = folio
        .run_stage(Stage::Images, target.clone())
        .await
        .unwrap();
    assert_eq!((report.done, report.failed.len()), (3, 0), "{report:?}");
    for a in &articles {
        let images = folio.list_images(a.id).await.unwrap();
        assert_eq!(images.len(), 5);
        assert!(images.iter().all(|i| i.status == ImageStatus::Generated
            && i.local_path.is_some()
            && i.alt_text.chars().count() <= 125));
    }

    // A re-run finds nothing to do and pays for nothing.
    let before = ledger_calls(folio).await;
    let calls = w.model.count.load(std::sync::atomic::Ordering::SeqCst);
    for stage in [
        Stage::Clustering,
        Stage::Ideas,
        Stage::Writing,
        Stage::Images,
    ] {
        let report = folio.run_stage(stage, target.clone()).await.unwrap();
        assert_eq!((report.done, report.credits), (0, 0), "{stage}: {report:?}");
    }
    assert_eq!(ledger_calls(folio).await, before);
    assert_eq!(
        w.model.count.load(std::sync::atomic::Ordering::SeqCst),
        calls
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clustering_with_anthropic_re_asks_bad_json_and_invented_or_dropped_keywords() {
    let w = world().await;
    let (folio, site) = (&w.folio, &w.site);
    folio
        .set_site_setting(
            site.id,
            SettingKey::ClusteringModel,
            SettingValue::Text("claude-haiku-4-5".into()),
        )
        .await
        .unwrap();
    w.model
        .fail(Kind::Clusters, vec![Fault::BadJson, Fault::InventKeyword]);
    let report = folio
        .run_stage(Stage::Clustering, StageTarget::site(site.id))
        .await
        .unwrap();
    assert_eq!((report.done, report.failed.len()), (1, 0), "{report:?}");
    let asks = w.model.calls_of(Kind::Clusters);
    assert_eq!(asks.len(), 3, "first answer, two re-asks");
    assert!(
        asks[2].contains("\"purple unicorn seeds\" is not one of the keywords given"),
        "{}",
        asks[2]
    );
    let entries = folio
        .ledger_entries(&UsageFilter::default(), 100)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].provider.as_str(), entries[0].tokens_in),
        ("anthropic", 3600)
    );

    // A dropped keyword three times: the batch fails, keeps its reason and the raw answer.
    let w = world().await;
    w.model.fail(
        Kind::Clusters,
        vec![Fault::DropKeyword, Fault::DuplicateName, Fault::DropKeyword],
    );
    let report = w
        .folio
        .run_stage(Stage::Clustering, StageTarget::site(w.site.id))
        .await
        .unwrap();
    assert_eq!((report.done, report.failed.len()), (0, 1), "{report:?}");
    assert!(
        report.failed[0].reason.contains("keywords are missing"),
        "{:?}",
        report.failed
    );
    assert!(
        report.credits > 0,
        "the three attempts were reported and charged"
    );
    let failures = w
        .folio
        .stage_failures(Some(Stage::Clustering))
        .await
        .unwrap();
    assert_eq!(failures.len(), 1);
    assert!(failures[0]
        .raw_answer
        .as_deref()
        .unwrap_or_default()
        .contains("\"clusters\""));
    assert!(
        w.folio
            .cluster_summaries(w.site.id, None)
            .await
            .unwrap()
            .is_empty(),
        "nothing half-saved"
    );
    // The re-asks quoted the validation errors.
    let asks = w.model.calls_of(Kind::Clusters);
    assert_eq!(asks.len(), 3);
    assert!(
        asks[2].contains("two new clusters are named"),
        "{}",
        asks[2]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncation_refusal_and_quota_fail_without_re_asking_and_429_500_are_retried() {
    for (fault, fails, requests) in [
        (Fault::Truncated, true, 1),
        (Fault::Refusal, true, 1),
        (Fault::QuotaExhausted, true, 1),
        (Fault::RateLimited, false, 2),
        (Fault::Server500, false, 2),
    ] {
        let w = world().await;
        w.model.fail(Kind::Clusters, vec![fault.clone()]);
        let report = w
            .folio
            .run_stage(Stage::Clustering, StageTarget::site(w.site.id))
            .await
            .unwrap();
        assert_eq!(
            report.failed.len(),
            usize::from(fails),
            "{fault:?}: {report:?}"
        );
        assert_eq!(
            w.model.calls_of(Kind::Clusters).len(),
            requests,
            "{fault:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_outline_is_re_asked_and_a_run_the_balance_cannot_cover_never_starts() {
    let w = world().await;
    let (folio, site) = (&w.folio, &w.site);
    folio
        .run_stage(Stage::Clustering, StageTarget::site(site.id))
        .await
        .unwrap();
    let mut one = StageTarget::site(site.id);
    one.clusters = vec![
        folio.cluster_summaries(site.id, None).await.unwrap()[0]
            .cluster
            .id,
    ];
    w.model.fail(Kind::Ideas, vec![Fault::ShortOutline]);
    let report = folio.run_stage(Stage::Ideas, one).await.unwrap();
    assert_eq!((report.done, report.failed.len()), (1, 0), "{report:?}");
    let asks = w.model.calls_of(Kind::Ideas);
    assert_eq!(asks.len(), 2);
    assert!(asks[1].contains("4 outline sections"), "{}", asks[1]);
    assert!(folio
        .list_ideas(site.id, None, None)
        .await
        .unwrap()
        .iter()
        .all(|i| i.outline.len() == 6));

    // A local account with a tiny monthly budget: the estimate is refused before any call.
    folio.set_monthly_budget(Some(1)).await.unwrap();
    let calls = w.model.count.load(std::sync::atomic::Ordering::SeqCst);
    let err = folio
        .run_stage(Stage::Ideas, StageTarget::site(site.id))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientCredits, "{err}");
    let msg = err.to_string();
    assert!(msg.contains("needs") && msg.contains("credits"), "{msg}");
    assert_eq!(
        w.model.count.load(std::sync::atomic::Ordering::SeqCst),
        calls
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_holds_what_its_parts_can_cost_before_its_first_call_and_ends_the_hold() {
    let w = world().await;
    let (folio, site) = (&w.folio, &w.site);
    let target = StageTarget::site(site.id);
    folio
        .run_stage(Stage::Clustering, target.clone())
        .await
        .unwrap();
    let mut one = target.clone();
    one.clusters = vec![
        folio.cluster_summaries(site.id, None).await.unwrap()[0]
            .cluster
            .id,
    ];
    folio.run_stage(Stage::Ideas, one.clone()).await.unwrap();
    let idea = folio.list_ideas(site.id, None, None).await.unwrap()[0].id;
    let mut queue = target.clone();
    queue.ideas = vec![idea];
    assert_eq!(folio.run_stage(Stage::Queue, queue).await.unwrap().done, 1);

    // A writing model priced per token (not at the operation's base), so the most an answer can
    // be (ai.max_tokens) costs more than the stage estimate's target lengths.
    folio
        .add_model(folio_model::NewAiModel {
            model_name: "gpt-4o-mini-metered".into(),
            model_type: folio_model::ModelType::Text,
            provider: "openai".into(),
            display_name: None,
            cost_per_1k_input: None,
            cost_per_1k_output: None,
            tokens_per_credit: Some(500),
            credits_per_image: None,
            cost_per_image: None,
            quality_tier: None,
            max_output_tokens: None,
            context_window: None,
            sizes: Vec::new(),
        })
        .await
        .unwrap();
    folio
        .set_site_setting(
            site.id,
            SettingKey::WritingModel,
            SettingValue::Text("gpt-4o-mini-metered".into()),
        )
        .await
        .unwrap();
    // A budget that covers the stage's estimate (from the target lengths) but not the most
    // the article's ten parts can cost (their longest answers): the article never starts.
    let estimate = folio
        .estimate_stage(Stage::Writing, &target)
        .await
        .unwrap()
        .credits;
    let spent = folio.credit_balance().await.unwrap().spent_this_period;
    let spent = rust_decimal::prelude::ToPrimitive::to_u32(&spent).unwrap();
    folio
        .set_monthly_budget(Some(spent + u32::try_from(estimate).unwrap()))
        .await
        .unwrap();
    let calls = w.model.count.load(std::sync::atomic::Ordering::SeqCst);
    let report = folio
        .run_stage(Stage::Writing, target.clone())
        .await
        .unwrap();
    assert_eq!((report.done, report.failed.len()), (0, 1), "{report:?}");
    assert!(
        report.failed[0].reason.contains("credits"),
        "{}",
        report.failed[0].reason
    );
    assert_eq!(
        w.model.count.load(std::sync::atomic::Ordering::SeqCst),
        calls,
        "no part was called"
    );
    assert_eq!(
        folio.credit_balance().await.unwrap().held,
        rust_decimal::Decimal::ZERO
    );

    // With room for it, the article is written; each part drew on the article's hold, and
    // the article's save ended it.
    folio.set_monthly_budget(None).await.unwrap();
    let before = ledger_calls(folio).await;
    let report = folio.run_stage(Stage::Writing, target).await.unwrap();
    assert_eq!((report.done, report.failed.len()), (1, 0), "{report:?}");
    assert_eq!(ledger_calls(folio).await - before, 10);
    assert_eq!(
        folio.credit_balance().await.unwrap().held,
        rust_decimal::Decimal::ZERO
    );
}
