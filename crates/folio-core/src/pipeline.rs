//! The content pipeline (DESIGN §4): keywords → clusters → ideas → tasks → articles → images.
//!
//! Every AI stage is one operation per item with the same phases — prepare, build the prompt
//! (resolved task → account → global → built-in, with the site's voice), estimate and hold
//! credits, call, validate (re-asking at most twice), save the item's output and status change
//! in one write — run as a job ([`runner`]) with at most `ai.concurrency` provider calls in
//! flight. A re-run skips finished items; a failed item keeps its reason and the run goes on.
//! [`Folio::estimate_stage`] says what a run will cost before it starts, and
//! [`Folio::run_stage`] refuses to start one the balance cannot cover.
//!
//! Tests: unit tests in each stage file; `crates/folio-core/tests/pipeline.rs` (every stage
//! against HTTP fakes of OpenAI and Anthropic); `crates/folio-cli/tests/cli_pipeline.rs`.

pub mod brief;
pub(crate) mod checkpoints;
pub mod clustering;
pub mod estimate;
pub mod ideas;
pub mod images;
pub mod regenerate;
pub(crate) mod runner;
pub mod voice;
pub mod writing;

use crate::pipeline::runner::StageRun;
use crate::{CoreError, Folio};
use folio_ai::{ChatRequest, Message};
use folio_model::{
    ContentStatus, IdeaStatus, JobScope, Stage, StageReport, StageTarget, TaskStatus,
};
use futures_util::stream::StreamExt;

/// A chat of one system prompt and one user message; the model and limits are filled in by
/// [`Folio::ai_structured`].
pub(crate) fn chat(system: &str, user: String) -> ChatRequest {
    let mut req = ChatRequest::new("", vec![Message::user(user)]);
    req.system = Some(system.to_owned());
    req
}

impl Folio {
    /// Run a stage over its target. Queueing is local and instant; the AI stages first check
    /// the estimate against the balance (refusing with both numbers), then run as a job whose
    /// progress the app and the CLI show and whose cancel keeps every finished item.
    pub async fn run_stage(
        &self,
        stage: Stage,
        target: StageTarget,
    ) -> Result<StageReport, CoreError> {
        // driven on a thread of its own with a deep stack (`jobs::own_thread`)
        let folio = self.clone();
        crate::jobs::own_thread::run("a pipeline stage", move || async move {
            folio.run_stage_with(stage, target, None).await
        })
        .await
    }

    /// [`Self::run_stage`] inside longer work that is told of each item and can stop it.
    pub(crate) async fn run_stage_with(
        &self,
        stage: Stage,
        target: StageTarget,
        hooks: Option<runner::StageHooks>,
    ) -> Result<StageReport, CoreError> {
        if stage == Stage::Queue {
            return self.queue_ideas(&target).await;
        }
        let estimate = self.estimate_stage(stage, &target).await?;
        if !estimate.affordable() {
            let available = estimate.available.unwrap_or(0);
            return Err(CoreError::InsufficientCredits {
                needed: estimate.credits,
                available,
                detail: format!(
                    "{} on {} items with {}, about ${}",
                    stage.label().to_lowercase(),
                    estimate.items,
                    estimate.model,
                    estimate.usd.round_dp(2)
                ),
                hint: "add credits or run the stage on fewer items".into(),
            });
        }
        let kind = stage
            .job_kind()
            .ok_or_else(|| CoreError::Internal(format!("{stage} runs no job")))?;
        let job = self
            .jobs()
            .start(kind, JobScope::Site { site: target.site })
            .await?;
        let concurrency = self.stage_concurrency(target.site).await?;
        let run = StageRun::new(
            self,
            job,
            stage,
            target.site,
            estimate.model.clone(),
            concurrency,
            target.stop_on_error,
            // progress counts a clustering run's batches, other runs' items
            if stage == Stage::Clustering {
                estimate.calls
            } else {
                estimate.items
            },
            hooks,
        );
        let outcome = match stage {
            Stage::Clustering => self.run_clustering(&run, &target).await,
            Stage::Ideas => self.run_ideas(&run, &target).await,
            Stage::Writing => self.run_writing(&run, &target).await,
            Stage::Images => self.run_images(&run, &target).await,
            Stage::Queue => Ok(()),
        };
        match outcome {
            Ok(()) | Err(CoreError::Cancelled) => Ok(run.finish()),
            Err(e) => {
                let _ = run.finish();
                Err(e)
            }
        }
    }

    async fn run_clustering(&self, run: &StageRun, target: &StageTarget) -> Result<(), CoreError> {
        let site = self.get_site(target.site).await?;
        let template = clustering::template(self).await?;
        let voice = self.site_voice(target.site).await?;
        let system = voice.system("You are a senior SEO content strategist.");
        let model = self.model(&run.model).await?;
        let size = clustering::batch_size(model.context_window);
        for work in self.clustering_work_for(target).await? {
            let batches: Vec<&[folio_model::KeywordRow]> = work.keywords.chunks(size).collect();
            let results = run
                .items(batches)
                .map(|batch| {
                    let (template, system, site_name, work) =
                        (&template, &system, &site.name, &work);
                    async move {
                        let item = batch.first().map(|k| k.id.to_string()).unwrap_or_default();
                        let label = format!(
                            "{} keywords of {} from \u{201c}{}\u{201d}",
                            batch.len(),
                            work.sector_name,
                            batch
                                .first()
                                .map(|k| k.keyword.as_str())
                                .unwrap_or_default()
                        );
                        let outcome = clustering::cluster_batch(
                            run, template, system, site_name, work, batch,
                        );
                        run.item(&item, &label, outcome).await;
                    }
                })
                .buffer_unordered(run_width(run))
                .collect::<Vec<()>>();
            results.await;
            run.check()?;
        }
        Ok(())
    }

    async fn run_ideas(&self, run: &StageRun, target: &StageTarget) -> Result<(), CoreError> {
        let site = self.get_site(target.site).await?;
        let template = ideas::template(self).await?;
        let voice = self.site_voice(target.site).await?;
        let system = voice.system("You are a senior content strategist.");
        let (todo, skipped) =
            ideas::clusters_to_plan(self, target.site, target.sector, &target.clusters).await?;
        run.skipped(skipped);
        run.items(todo)
            .map(|cluster| {
                let (template, system, site_name) = (&template, &system, &site.name);
                async move {
                    let outcome =
                        ideas::ideas_for_cluster(run, template, system, site_name, &cluster);
                    run.item(&cluster.id.to_string(), &cluster.name, outcome)
                        .await;
                }
            })
            .buffer_unordered(run_width(run))
            .collect::<Vec<()>>()
            .await;
        run.check()
    }

    async fn run_writing(&self, run: &StageRun, target: &StageTarget) -> Result<(), CoreError> {
        let (todo, skipped) = self.tasks_to_write(target).await?;
        run.skipped(skipped);
        run.items(todo)
            .map(|task| async move {
                let outcome = writing::write_task(run, &task);
                run.item(&task.id.to_string(), &task.title, outcome).await;
            })
            .buffer_unordered(run_width(run))
            .collect::<Vec<()>>()
            .await;
        run.check()
    }

    async fn run_images(&self, run: &StageRun, target: &StageTarget) -> Result<(), CoreError> {
        let (todo, skipped) = self.contents_for_images(target).await?;
        run.skipped(skipped);
        run.items(todo)
            .map(|content| async move {
                let outcome = images::images_for(run, &content);
                run.item(&content.id.to_string(), &content.title, outcome)
                    .await;
            })
            .buffer_unordered(run_width(run))
            .collect::<Vec<()>>()
            .await;
        run.check()
    }

    /// The tasks a writing run works on: those named, else every queued task of the site (or
    /// sector); completed ones are skipped.
    pub(crate) async fn tasks_to_write(
        &self,
        target: &StageTarget,
    ) -> Result<(Vec<folio_model::Task>, u64), CoreError> {
        let all = self.list_tasks(target.site, target.sector, None).await?;
        let mut todo = Vec::new();
        let mut skipped = 0;
        for id in &target.tasks {
            if !all.iter().any(|t| t.id == *id) {
                return Err(crate::store::db::not_found(format!(
                    "task {id} in this site"
                )));
            }
        }
        for t in all.into_iter().rev() {
            if !target.tasks.is_empty() && !target.tasks.contains(&t.id) {
                continue;
            }
            if t.status == TaskStatus::Completed {
                skipped += 1;
            } else {
                todo.push(t);
            }
        }
        Ok((todo, skipped))
    }

    /// The articles an image run works on: those named, else every unpublished article of the
    /// site (or sector); articles whose images are all made (or attached) are skipped.
    pub(crate) async fn contents_for_images(
        &self,
        target: &StageTarget,
    ) -> Result<(Vec<folio_model::Content>, u64), CoreError> {
        let mut todo = Vec::new();
        let mut skipped = 0;
        let ids: Vec<folio_model::ContentId> = if target.contents.is_empty() {
            self.list_content(target.site)
                .await?
                .into_iter()
                .filter(|c| target.sector.is_none_or(|s| s == c.sector_id))
                .filter(|c| c.status != ContentStatus::Published)
                .map(|c| c.id)
                .collect()
        } else {
            target.contents.clone()
        };
        for id in ids {
            let content = self.get_content(id).await?;
            if content.site_id != target.site {
                return Err(crate::store::db::not_found(format!(
                    "article {id} in this site"
                )));
            }
            let images = self.list_images(id).await?;
            let pending = images
                .iter()
                .any(|i| i.status == folio_model::ImageStatus::Pending);
            // An article gets images when it has none, or prompts still waiting for theirs
            // (a run stopped half-way); one whose images are all made or attached is done.
            if pending || images.is_empty() {
                todo.push(content);
            } else {
                skipped += 1;
            }
        }
        Ok((todo, skipped))
    }

    /// Ideas of a site waiting to be queued (new and not rejected).
    pub async fn ideas_waiting(&self, target: &StageTarget) -> Result<u64, CoreError> {
        Ok(self
            .list_ideas(target.site, target.sector, Some(IdeaStatus::New))
            .await?
            .into_iter()
            .filter(|i| !i.rejected)
            .count() as u64)
    }
}

/// Items a run keeps going at once: as many as calls may be in flight (each item waits for a
/// call slot anyway, so this only bounds memory).
fn run_width(run: &StageRun) -> usize {
    run.width()
}
