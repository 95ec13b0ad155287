//! The seven stages of an automation run. Each chooses its items once — when it first starts in
//! the run, kept with the run before any is worked on — so a resumed run finishes the same items
//! and never takes more than its limits. The AI stages are the content pipeline's own runs over
//! those items (a finished item is skipped, a half-written article resumes at its next part);
//! queueing, approval and scheduling are done here item by item, each logged as it ends.

use super::runner::{RunCtx, Sink, Stop};
use super::runs;
use crate::pipeline::runner::StageHooks;
use crate::{CoreError, Folio};
use folio_model::{
    AutomationStage, ContentId, ContentStatus, IdeaStatus, ItemOutcome, PostStatus, PublishRequest,
    SiteStatus, Stage, StageTarget, TaskStatus,
};
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub(crate) async fn run(ctx: &Arc<RunCtx>, stage: AutomationStage) -> Result<(), CoreError> {
    // Each stage's future is boxed: the pipeline's are large, and all seven inline overflow a
    // thread's stack in a debug build.
    match stage {
        AutomationStage::Clustering => Box::pin(clustering(ctx)).await,
        AutomationStage::Ideas => Box::pin(ideas(ctx)).await,
        AutomationStage::Queue => Box::pin(queue(ctx)).await,
        AutomationStage::Writing => Box::pin(writing(ctx)).await,
        AutomationStage::Images => Box::pin(images(ctx)).await,
        AutomationStage::Approval => Box::pin(approval(ctx)).await,
        AutomationStage::Schedule => Box::pin(schedule(ctx)).await,
    }
}

/// The stage's items: those it chose when it first started in this run, else `choose`'s,
/// kept now.
async fn planned<F>(
    ctx: &RunCtx,
    stage: AutomationStage,
    choose: F,
) -> Result<Vec<String>, CoreError>
where
    F: Future<Output = Result<Vec<String>, CoreError>>,
{
    planned_as(ctx, stage.as_str(), true, choose).await
}

/// [`planned`] under another key of the plan; `counted`: the items are the stage's log items.
async fn planned_as<F>(
    ctx: &RunCtx,
    key: &str,
    counted: bool,
    choose: F,
) -> Result<Vec<String>, CoreError>
where
    F: Future<Output = Result<Vec<String>, CoreError>>,
{
    if let Some(items) = runs::planned(&ctx.folio, ctx.run.id, key).await? {
        return Ok(items);
    }
    let items = choose.await?;
    runs::plan(&ctx.folio, ctx.run.id, key, &items, counted).await?;
    Ok(items)
}

fn ids<T: FromStr>(items: &[String]) -> Vec<T> {
    items.iter().filter_map(|i| i.parse().ok()).collect()
}

fn limit(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Run a pipeline stage over the run's items, each item's end told to the run.
async fn pipeline(
    ctx: &Arc<RunCtx>,
    stage: AutomationStage,
    pipeline: Stage,
    target: StageTarget,
) -> Result<(), CoreError> {
    let hooks = StageHooks {
        sink: Arc::new(Sink(ctx.clone(), stage)),
        stop: ctx.stop.clone(),
        delay: Duration::from_secs(u64::from(ctx.config.delay_between_operations_secs)),
    };
    match Box::pin(ctx.folio.run_stage_with(pipeline, target, Some(hooks))).await {
        Ok(_) => Ok(()),
        Err(e @ CoreError::InsufficientCredits { .. }) => {
            ctx.halt(Stop::Pause(format!(
                "the credit balance does not cover the rest of {}: {e}; add credits and resume",
                stage.label().to_lowercase()
            )));
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// After a pipeline stage ran to its end (not stopped), every item of its plan either ended
/// in it (and is logged) or was finished before — in an earlier part of the run that stopped
/// between saving the item and logging it: those are logged as skipped, so the run's count
/// adds up.
async fn log_unlogged(
    ctx: &RunCtx,
    stage: AutomationStage,
    items: &[String],
) -> Result<(), CoreError> {
    if ctx.stopped() {
        return Ok(());
    }
    let logged = runs::logged(&ctx.folio, ctx.run.id, stage).await?;
    for item in items.iter().filter(|i| !logged.contains_key(*i)) {
        ctx.log(
            stage,
            item,
            "",
            ItemOutcome::Skipped,
            0,
            Some("finished before the run resumed"),
        )
        .await;
    }
    Ok(())
}

/// The new, unclustered keywords a run takes: the `n` worth most (by search volume).
pub(crate) async fn keywords_to_cluster(
    folio: &Folio,
    site: folio_model::SiteId,
    n: usize,
) -> Result<Vec<folio_model::KeywordRow>, CoreError> {
    let mut keywords: Vec<_> = folio
        .clustering_work(site, None)
        .await?
        .into_iter()
        .flat_map(|w| w.keywords)
        .collect();
    keywords.sort_by(|a, b| {
        b.volume
            .unwrap_or(0)
            .cmp(&a.volume.unwrap_or(0))
            .then_with(|| a.keyword.cmp(&b.keyword))
    });
    keywords.truncate(n);
    Ok(keywords)
}

async fn clustering(ctx: &Arc<RunCtx>) -> Result<(), CoreError> {
    let site = ctx.run.site_id;
    let folio = &ctx.folio;
    let n = limit(ctx.config.clustering_limit);
    let items = planned_as(ctx, "clustering_keywords", false, async {
        Ok(keywords_to_cluster(folio, site, n)
            .await?
            .into_iter()
            .map(|k| k.id.to_string())
            .collect())
    })
    .await?;
    let keywords = ids(&items);
    if keywords.is_empty() {
        return Ok(());
    }
    let target = StageTarget {
        keywords,
        ..StageTarget::site(site)
    };
    // The stage's log items are its batches (each one call), known by their first keyword as
    // the pipeline reports them: batches of each sector's keywords in the pipeline's order.
    let batches = planned(ctx, AutomationStage::Clustering, async {
        let model = folio.stage_text_model(site, Stage::Clustering).await?;
        let size = crate::pipeline::clustering::batch_size(model.context_window).max(1);
        Ok(folio
            .clustering_work_for(&target)
            .await?
            .iter()
            .flat_map(|w| {
                w.keywords
                    .chunks(size)
                    .filter_map(|b| b.first().map(|k| k.id.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect())
    })
    .await?;
    // only those still unclustered (a resumed run clustered some already)
    if !folio.clustering_work_for(&target).await?.is_empty() {
        pipeline(ctx, AutomationStage::Clustering, Stage::Clustering, target).await?;
    }
    log_unlogged(ctx, AutomationStage::Clustering, &batches).await
}

async fn ideas(ctx: &Arc<RunCtx>) -> Result<(), CoreError> {
    let site = ctx.run.site_id;
    let folio = &ctx.folio;
    let n = limit(ctx.config.ideas_limit);
    let items = planned(ctx, AutomationStage::Ideas, async {
        let (todo, _) = crate::pipeline::ideas::clusters_to_plan(folio, site, None, &[]).await?;
        Ok(todo.into_iter().take(n).map(|c| c.id.to_string()).collect())
    })
    .await?;
    let clusters = ids(&items);
    if clusters.is_empty() {
        return Ok(());
    }
    pipeline(
        ctx,
        AutomationStage::Ideas,
        Stage::Ideas,
        StageTarget {
            clusters,
            ..StageTarget::site(site)
        },
    )
    .await?;
    log_unlogged(ctx, AutomationStage::Ideas, &items).await
}

/// Ideas → writing tasks, topping the queue up to the run's article limit (free, local).
async fn queue(ctx: &Arc<RunCtx>) -> Result<(), CoreError> {
    let site = ctx.run.site_id;
    let folio = &ctx.folio;
    let want = limit(ctx.config.content_limit);
    let items = planned(ctx, AutomationStage::Queue, async {
        let queued = folio
            .list_tasks(site, None, Some(TaskStatus::Queued))
            .await?
            .len();
        let mut waiting: Vec<_> = folio
            .list_ideas(site, None, Some(IdeaStatus::New))
            .await?
            .into_iter()
            .filter(|i| !i.rejected)
            .collect();
        waiting.sort_by_key(|i| (i.created_at, i.id));
        Ok(waiting
            .into_iter()
            .take(want.saturating_sub(queued))
            .map(|i| i.id.to_string())
            .collect())
    })
    .await?;
    let logged = runs::logged(folio, ctx.run.id, AutomationStage::Queue).await?;
    for (raw, id) in items.iter().zip(ids::<folio_model::IdeaId>(&items)) {
        if ctx.stopped() {
            break;
        }
        if logged.get(raw) == Some(&ItemOutcome::Done) {
            continue;
        }
        let idea = match folio.get_idea(id).await {
            Ok(idea) => idea,
            Err(e) => {
                ctx.ended(AutomationStage::Queue, raw, "", Some(&e), 0)
                    .await;
                continue;
            }
        };
        if idea.status != IdeaStatus::New {
            ctx.log(
                AutomationStage::Queue,
                raw,
                &idea.title,
                ItemOutcome::Skipped,
                0,
                Some("already queued"),
            )
            .await;
            continue;
        }
        let outcome = folio.queue_idea_for_writing(id).await.map(|_| ());
        ctx.ended(
            AutomationStage::Queue,
            raw,
            &idea.title,
            outcome.as_ref().err(),
            0,
        )
        .await;
    }
    Ok(())
}

async fn writing(ctx: &Arc<RunCtx>) -> Result<(), CoreError> {
    let site = ctx.run.site_id;
    let folio = &ctx.folio;
    let n = limit(ctx.config.content_limit);
    let items = planned(ctx, AutomationStage::Writing, async {
        let mut tasks = folio
            .list_tasks(site, None, Some(TaskStatus::Queued))
            .await?;
        tasks.sort_by_key(|t| (t.created_at, t.id));
        Ok(tasks
            .into_iter()
            .take(n)
            .map(|t| t.id.to_string())
            .collect())
    })
    .await?;
    let tasks = ids(&items);
    if tasks.is_empty() {
        return Ok(());
    }
    pipeline(
        ctx,
        AutomationStage::Writing,
        Stage::Writing,
        StageTarget {
            tasks,
            ..StageTarget::site(site)
        },
    )
    .await?;
    log_unlogged(ctx, AutomationStage::Writing, &items).await
}

/// The articles this run wrote (from its writing stage's tasks), in task order.
async fn run_articles(ctx: &RunCtx) -> Result<Vec<ContentId>, CoreError> {
    let tasks = runs::planned(&ctx.folio, ctx.run.id, AutomationStage::Writing.as_str())
        .await?
        .unwrap_or_default();
    let mut out = Vec::new();
    for task in tasks {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM content WHERE task_id = ? ORDER BY created_at LIMIT 1",
        )
        .bind(&task)
        .fetch_optional(&ctx.folio.pool)
        .await?;
        if let Some(id) = id.and_then(|i| i.parse().ok()) {
            out.push(id);
        }
    }
    Ok(out)
}

async fn images(ctx: &Arc<RunCtx>) -> Result<(), CoreError> {
    let site = ctx.run.site_id;
    let folio = &ctx.folio;
    let budget = u64::from(ctx.config.image_limit);
    let items = planned(ctx, AutomationStage::Images, async {
        if budget == 0 {
            return Ok(Vec::new());
        }
        let max_images = u64::from(folio.ai_settings(Some(site)).await?.max_images.value);
        let mut chosen = Vec::new();
        let mut images = 0u64;
        for id in run_articles(ctx).await? {
            let content = folio.get_content(id).await?;
            // a featured image and one per section, up to the site's maximum
            let sections = crate::pipeline::images::sections(&content.body_html).len() as u64;
            let n = 1 + sections.min(max_images);
            if !chosen.is_empty() && images + n > budget {
                break;
            }
            images += n;
            chosen.push(id.to_string());
        }
        Ok(chosen)
    })
    .await?;
    let contents = ids(&items);
    if contents.is_empty() {
        return Ok(());
    }
    pipeline(
        ctx,
        AutomationStage::Images,
        Stage::Images,
        StageTarget {
            contents,
            ..StageTarget::site(site)
        },
    )
    .await?;
    log_unlogged(ctx, AutomationStage::Images, &items).await
}

/// This run's articles → review; with auto-approve, those whose quality gate passed →
/// approved. The others wait in the review queue with the gate's findings.
async fn approval(ctx: &Arc<RunCtx>) -> Result<(), CoreError> {
    let folio = &ctx.folio;
    let items = planned(ctx, AutomationStage::Approval, async {
        Ok(run_articles(ctx)
            .await?
            .into_iter()
            .map(|c| c.to_string())
            .collect())
    })
    .await?;
    let logged = runs::logged(folio, ctx.run.id, AutomationStage::Approval).await?;
    for (raw, id) in items.iter().zip(ids::<ContentId>(&items)) {
        if ctx.stopped() {
            break;
        }
        if logged.contains_key(raw) {
            continue;
        }
        match approve_one(ctx, id).await {
            Ok((title, outcome, reason)) => {
                ctx.log(
                    AutomationStage::Approval,
                    raw,
                    &title,
                    outcome,
                    0,
                    Some(&reason),
                )
                .await;
                ctx.progress(AutomationStage::Approval).await;
            }
            Err(e) => {
                ctx.ended(AutomationStage::Approval, raw, "", Some(&e), 0)
                    .await
            }
        }
    }
    Ok(())
}

async fn approve_one(
    ctx: &RunCtx,
    id: ContentId,
) -> Result<(String, ItemOutcome, String), CoreError> {
    let folio = &ctx.folio;
    let mut content = folio.get_content(id).await?;
    match content.status {
        ContentStatus::Draft => content = folio.review_submit(id).await?,
        ContentStatus::Review => {}
        _ => {
            return Ok((
                content.title,
                ItemOutcome::Skipped,
                format!("already {}", content.status),
            ))
        }
    }
    if !ctx.config.auto_approve {
        return Ok((
            content.title,
            ItemOutcome::Done,
            "waiting for a person's review (auto-approve is off)".into(),
        ));
    }
    let report = folio.content_quality(id).await?;
    let blocking = report.as_ref().map(|r| {
        r.findings
            .iter()
            .filter(|f| f.is_blocking_failure())
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    });
    match blocking {
        Some(b) if b.is_empty() => {
            folio.review_approve(id).await?;
            Ok((
                content.title,
                ItemOutcome::Done,
                "approved: its quality gate passed".into(),
            ))
        }
        Some(b) => Ok((
            content.title,
            ItemOutcome::Done,
            format!(
                "waiting for review: the quality gate found {}",
                b.join("; ")
            ),
        )),
        None => Ok((
            content.title,
            ItemOutcome::Done,
            "waiting for review: it has no quality report yet".into(),
        )),
    }
}

/// With auto-publish, approved articles → the site's next free slots, uploaded to WordPress as
/// scheduled posts one by one (publishing is idempotent: a resumed upload adopts the post the
/// interrupted one made).
async fn schedule(ctx: &Arc<RunCtx>) -> Result<(), CoreError> {
    let site = ctx.run.site_id;
    let folio = &ctx.folio;
    if !ctx.config.auto_publish || ctx.config.publish_limit == 0 {
        return Ok(());
    }
    if folio.site_integration(site).await?.is_none() {
        ctx.log(
            AutomationStage::Schedule,
            &site.to_string(),
            "WordPress",
            ItemOutcome::Skipped,
            0,
            Some("the site is not connected to WordPress; connect it to schedule posts"),
        )
        .await;
        return Ok(());
    }
    let n = limit(ctx.config.publish_limit);
    let items = planned(ctx, AutomationStage::Schedule, async {
        Ok(folio
            .schedule_plan(site, false, false)
            .await?
            .into_iter()
            .take(n)
            .map(|p| p.content.to_string())
            .collect())
    })
    .await?;
    let logged = runs::logged(folio, ctx.run.id, AutomationStage::Schedule).await?;
    // The slots of what is still waiting, planned once (a resumed run plans again): each upload
    // takes its own slot, so the others' stay free.
    let slots: std::collections::HashMap<ContentId, _> = folio
        .schedule_plan(site, false, false)
        .await?
        .into_iter()
        .map(|p| (p.content, p.slot))
        .collect();
    for (raw, id) in items.iter().zip(ids::<ContentId>(&items)) {
        if ctx.stopped() {
            break;
        }
        if logged.get(raw) == Some(&ItemOutcome::Done) {
            continue;
        }
        let content = folio.get_content(id).await?;
        if matches!(
            content.site_status,
            SiteStatus::Scheduled | SiteStatus::Published
        ) {
            ctx.log(
                AutomationStage::Schedule,
                raw,
                &content.title,
                ItemOutcome::Skipped,
                0,
                Some("already on the site"),
            )
            .await;
            continue;
        }
        let Some(slot) = slots.get(&id).copied() else {
            ctx.log(
                AutomationStage::Schedule,
                raw,
                &content.title,
                ItemOutcome::Skipped,
                0,
                Some("no longer approved, or no free slot within the publishing limits"),
            )
            .await;
            continue;
        };
        let outcome = folio
            .wp_publish(PublishRequest {
                content: id,
                status: PostStatus::Publish,
                at: Some(slot),
                force: false,
            })
            .await;
        match outcome {
            Ok(_) => {
                ctx.log(
                    AutomationStage::Schedule,
                    raw,
                    &content.title,
                    ItemOutcome::Done,
                    0,
                    Some(&format!("scheduled for {}", slot.to_rfc3339())),
                )
                .await;
                ctx.progress(AutomationStage::Schedule).await;
            }
            Err(e) => {
                ctx.ended(AutomationStage::Schedule, raw, &content.title, Some(&e), 0)
                    .await
            }
        }
        ctx.pause_between().await;
    }
    Ok(())
}
