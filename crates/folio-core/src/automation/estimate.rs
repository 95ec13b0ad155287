//! What a whole automation run will cost before it starts: each AI stage's pipeline estimate
//! over the items it would take today, and — where an earlier stage of the same run makes the
//! items (clusters become ideas, ideas become articles) — the config's limit priced at a
//! typical item. It errs high, like the pipeline's estimates; the gate then asks for 1.2× it.

use crate::{CoreError, Folio};
use folio_model::{
    AiOperation, AutomationEstimate, AutomationStage, AutomationStageEstimate, EstimateInput,
    ModelType, SettingKey, SiteId, Stage, StageTarget, TaskStatus,
};
use rust_decimal::Decimal;

/// Calls a typical article makes: its sections, the introduction, conclusion, FAQ and meta.
const CALLS_PER_ARTICLE: u64 = 10;

/// 1.2× the estimate, rounded up: what the balance must cover to start a run.
pub fn required(credits: u64) -> u64 {
    credits.saturating_add(credits.div_ceil(5))
}

impl Folio {
    /// The cost of a run of the site's automation with its config, and whether it may start.
    pub async fn automation_estimate(&self, site: SiteId) -> Result<AutomationEstimate, CoreError> {
        let config = self.automation_config(site).await?;
        let mut stages = Vec::new();

        // clustering: the keywords a run would take now
        let keywords =
            super::stages::keywords_to_cluster(self, site, config.clustering_limit as usize)
                .await?;
        let clustering = if keywords.is_empty() {
            0
        } else {
            let target = StageTarget {
                keywords: keywords.iter().map(|k| k.id).collect(),
                ..StageTarget::site(site)
            };
            self.estimate_stage(Stage::Clustering, &target)
                .await?
                .credits
        };
        stages.push(AutomationStageEstimate {
            stage: AutomationStage::Clustering,
            items: keywords.len() as u64,
            credits: clustering,
        });

        // ideas: clusters waiting now, then the limit at a typical cluster's price
        let (todo, _) = crate::pipeline::ideas::clusters_to_plan(self, site, None, &[]).await?;
        let ideas_items = u64::from(config.ideas_limit);
        let now: Vec<_> = todo
            .iter()
            .take(config.ideas_limit as usize)
            .map(|c| c.id)
            .collect();
        let mut ideas = 0;
        if !now.is_empty() {
            ideas = self
                .estimate_stage(
                    Stage::Ideas,
                    &StageTarget {
                        clusters: now.clone(),
                        ..StageTarget::site(site)
                    },
                )
                .await?
                .credits;
        }
        let later = ideas_items.saturating_sub(now.len() as u64);
        if later > 0 && !keywords.is_empty() {
            let per = self
                .typical(site, Stage::Ideas, AiOperation::IdeaGeneration, 5000, 5000)
                .await?;
            ideas = ideas.saturating_add(per.saturating_mul(later.min(keywords.len() as u64)));
        }
        stages.push(AutomationStageEstimate {
            stage: AutomationStage::Ideas,
            items: ideas_items,
            credits: ideas,
        });
        stages.push(AutomationStageEstimate {
            stage: AutomationStage::Queue,
            items: u64::from(config.content_limit),
            credits: 0,
        });

        // writing: tasks queued now, then the limit at a typical article's price
        let mut tasks = self
            .list_tasks(site, None, Some(TaskStatus::Queued))
            .await?;
        tasks.sort_by_key(|t| (t.created_at, t.id));
        tasks.truncate(config.content_limit as usize);
        let mut writing = 0;
        if !tasks.is_empty() {
            writing = self
                .estimate_stage(
                    Stage::Writing,
                    &StageTarget {
                        tasks: tasks.iter().map(|t| t.id).collect(),
                        ..StageTarget::site(site)
                    },
                )
                .await?
                .credits;
        }
        let later = u64::from(config.content_limit).saturating_sub(tasks.len() as u64);
        if later > 0 {
            let per_call = self
                .typical(
                    site,
                    Stage::Writing,
                    AiOperation::ContentGeneration,
                    4000,
                    1600,
                )
                .await?;
            writing = writing.saturating_add(
                per_call
                    .saturating_mul(CALLS_PER_ARTICLE)
                    .saturating_mul(later),
            );
        }
        stages.push(AutomationStageEstimate {
            stage: AutomationStage::Writing,
            items: u64::from(config.content_limit),
            credits: writing,
        });

        // images: the limit's images and their prompt calls
        let images = if config.image_limit == 0 || config.content_limit == 0 {
            0
        } else {
            self.images_estimate(site, config.image_limit).await?
        };
        stages.push(AutomationStageEstimate {
            stage: AutomationStage::Images,
            items: u64::from(config.image_limit),
            credits: images,
        });
        for stage in [AutomationStage::Approval, AutomationStage::Schedule] {
            stages.push(AutomationStageEstimate {
                stage,
                items: 0,
                credits: 0,
            });
        }

        let credits = stages
            .iter()
            .fold(0u64, |sum, s| sum.saturating_add(s.credits));
        let available = self.can_afford(0, Decimal::ONE).await?.available;
        Ok(AutomationEstimate {
            site_id: site,
            stages,
            credits,
            required: required(credits),
            available,
            cap: config.run_credit_cap.map(u64::from),
        })
    }

    /// The credits of one call of a stage's model with prompts and answers of these sizes.
    async fn typical(
        &self,
        site: SiteId,
        stage: Stage,
        op: AiOperation,
        input_tokens: u64,
        output_tokens: u64,
    ) -> Result<u64, CoreError> {
        let model = self.stage_text_model(site, stage).await?;
        self.estimate_credits(
            op,
            &model.model_name,
            EstimateInput::Text {
                input_tokens,
                max_output_tokens: output_tokens,
            },
        )
        .await
    }

    async fn images_estimate(&self, site: SiteId, images: u32) -> Result<u64, CoreError> {
        let image_model = self
            .stage_model(site, SettingKey::ImagesModel, ModelType::Image)
            .await?;
        let per_article = 1 + self.ai_settings(Some(site)).await?.max_images.value;
        let prompt_calls = u64::from(images.div_ceil(per_article.max(1)));
        let prompts_model = self
            .stage_text_model_for(site, SettingKey::ImagePromptsModel)
            .await?;
        let prompt = self
            .estimate_credits(
                AiOperation::ImagePromptExtraction,
                &prompts_model,
                EstimateInput::Text {
                    input_tokens: 8000,
                    max_output_tokens: 1200,
                },
            )
            .await?;
        let made = self
            .estimate_credits(
                AiOperation::ImageGeneration,
                &image_model.model_name,
                EstimateInput::Images { count: images },
            )
            .await?;
        Ok(made.saturating_add(prompt.saturating_mul(prompt_calls)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_asks_for_a_fifth_more_rounded_up() {
        assert_eq!(required(0), 0);
        assert_eq!(required(100), 120);
        assert_eq!(required(101), 122);
        assert_eq!(required(u64::MAX), u64::MAX);
    }
}
