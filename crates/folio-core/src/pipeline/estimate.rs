//! What a stage run will cost before it starts: its calls from the item counts, text calls
//! priced from their prompt sizes and the longest answers they ask for, images by count — at
//! the stage's model's prices, never less than an operation's base credits per call. It errs
//! high (prompts counted at three characters a token), like the holds each call takes.

use crate::pipeline::clustering::batch_size;
use crate::pipeline::writing::section_budget;
use crate::{CoreError, Folio};
use folio_model::{
    AiModel, AiOperation, EstimateInput, ModelType, SettingKey, Stage, StageEstimate, StageTarget,
};
use rust_decimal::Decimal;

/// One kind of call: how many, and their prompt and answer sizes in tokens.
struct Calls {
    op: AiOperation,
    count: u64,
    input_tokens: u64,
    output_tokens: u64,
}

pub(crate) fn tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(3)).unwrap_or(u64::MAX)
}

/// Output tokens of `words` words of HTML (about 1.4 tokens a word, plus markup).
pub(crate) fn words_out(words: u32) -> u64 {
    u64::from(words) * 7 / 5 + 150
}

impl Folio {
    /// The credits and USD a stage will cost on its target, and whether the balance covers it.
    pub async fn estimate_stage(
        &self,
        stage: Stage,
        target: &StageTarget,
    ) -> Result<StageEstimate, CoreError> {
        let available = self.can_afford(0, Decimal::ONE).await?.available;
        let (model, items, calls, images) = match stage {
            Stage::Queue => {
                return Ok(StageEstimate {
                    stage,
                    items: self.ideas_waiting(target).await?,
                    calls: 0,
                    credits: 0,
                    usd: Decimal::ZERO,
                    model: String::new(),
                    available,
                })
            }
            Stage::Clustering => self.estimate_clustering(target).await?,
            Stage::Ideas => self.estimate_ideas(target).await?,
            Stage::Writing => self.estimate_writing(target).await?,
            Stage::Images => self.estimate_images(target).await?,
        };
        let mut credits = 0u64;
        let mut usd = Decimal::ZERO;
        let mut n_calls = 0u64;
        for c in &calls {
            if c.count == 0 {
                continue;
            }
            let text_model = if c.op == AiOperation::ImagePromptExtraction {
                self.model(
                    &self
                        .stage_text_model_for(target.site, SettingKey::ImagePromptsModel)
                        .await?,
                )
                .await?
            } else {
                model.clone()
            };
            let per = self
                .estimate_credits(
                    c.op,
                    &text_model.model_name,
                    EstimateInput::Text {
                        input_tokens: c.input_tokens,
                        max_output_tokens: c.output_tokens,
                    },
                )
                .await?;
            credits = credits.saturating_add(per.saturating_mul(c.count));
            usd += text_usd(&text_model, c.input_tokens, c.output_tokens) * Decimal::from(c.count);
            n_calls += c.count;
        }
        if let Some((image_model, count)) = images {
            if count > 0 {
                let count32 = u32::try_from(count).unwrap_or(u32::MAX);
                credits = credits.saturating_add(
                    self.estimate_credits(
                        AiOperation::ImageGeneration,
                        &image_model.model_name,
                        EstimateInput::Images { count: count32 },
                    )
                    .await?,
                );
                usd += image_model.cost_per_image.unwrap_or_default() * Decimal::from(count);
                n_calls += count;
            }
        }
        Ok(StageEstimate {
            stage,
            items,
            calls: n_calls,
            credits,
            usd: usd.round_dp(4).normalize(),
            model: model.model_name,
            available,
        })
    }

    async fn estimate_clustering(
        &self,
        target: &StageTarget,
    ) -> Result<(AiModel, u64, Vec<Calls>, Option<(AiModel, u64)>), CoreError> {
        let model = self
            .stage_text_model(target.site, Stage::Clustering)
            .await?;
        let template = crate::pipeline::clustering::template(self).await?;
        let size = batch_size(model.context_window);
        let mut items = 0u64;
        let mut calls = Vec::new();
        for work in self.clustering_work_for(target).await? {
            let n = work.keywords.len();
            items += n as u64;
            let batches = n.div_ceil(size) as u64;
            let existing: usize = work.existing.iter().map(|(name, _)| name.len() + 1).sum();
            // a keyword line is its text plus volume and difficulty; its answer about as long
            let avg: usize = work
                .keywords
                .iter()
                .map(|k| k.keyword.len() + 14)
                .sum::<usize>()
                / n.max(1);
            calls.push(Calls {
                op: AiOperation::Clustering,
                count: batches,
                input_tokens: tokens(template.len() + 1500 + existing + avg * size.min(n.max(1))),
                output_tokens: tokens(avg * size.min(n.max(1)) * 2) + 300,
            });
        }
        Ok((model, items, calls, None))
    }

    async fn estimate_ideas(
        &self,
        target: &StageTarget,
    ) -> Result<(AiModel, u64, Vec<Calls>, Option<(AiModel, u64)>), CoreError> {
        let model = self.stage_text_model(target.site, Stage::Ideas).await?;
        let template = crate::pipeline::ideas::template(self).await?;
        let (todo, _) = crate::pipeline::ideas::clusters_to_plan(
            self,
            target.site,
            target.sector,
            &target.clusters,
        )
        .await?;
        let taken = crate::pipeline::ideas::taken(self, target.site).await?;
        let titles: usize = taken
            .titles
            .iter()
            .rev()
            .take(200)
            .map(|t| t.len() + 3)
            .sum();
        let mut calls = Vec::new();
        for c in &todo {
            let keywords = crate::pipeline::ideas::cluster_keywords(self, c).await?;
            let kw: usize = keywords.iter().map(|(_, k, _)| k.len() + 10).sum();
            calls.push(Calls {
                op: AiOperation::IdeaGeneration,
                count: 1,
                input_tokens: tokens(template.len() + 1500 + titles + kw),
                // seven ideas with ten sections each at most
                output_tokens: 5000,
            });
        }
        Ok((model, todo.len() as u64, calls, None))
    }

    async fn estimate_writing(
        &self,
        target: &StageTarget,
    ) -> Result<(AiModel, u64, Vec<Calls>, Option<(AiModel, u64)>), CoreError> {
        let model = self.stage_text_model(target.site, Stage::Writing).await?;
        let (todo, _) = self.tasks_to_write(target).await?;
        let mut calls = Vec::new();
        for task in &todo {
            let brief = self.write_brief(task).await?;
            let done = crate::pipeline::writing::written_parts(self, task).await?;
            let system = crate::pipeline::writing::system_prompt(&brief).len();
            let sections = brief.outline.len();
            let remaining_sections = (sections as u64).saturating_sub(done);
            let section_out: u64 = (0..sections)
                .map(|i| words_out(section_budget(&brief, i)))
                .max()
                .unwrap_or(600);
            let outline: usize = brief
                .outline
                .iter()
                .map(|s| s.heading.len() + s.notes.len() + 60)
                .sum();
            calls.push(Calls {
                op: AiOperation::ContentGeneration,
                count: remaining_sections,
                input_tokens: tokens(system + outline + 2000),
                output_tokens: section_out,
            });
            let ending = 4u64.saturating_sub(done.saturating_sub(sections as u64));
            calls.push(Calls {
                op: AiOperation::ContentGeneration,
                count: ending,
                input_tokens: tokens(system + outline + 2000 + 1500 * 7),
                output_tokens: words_out(600),
            });
        }
        Ok((model, todo.len() as u64, calls, None))
    }

    async fn estimate_images(
        &self,
        target: &StageTarget,
    ) -> Result<(AiModel, u64, Vec<Calls>, Option<(AiModel, u64)>), CoreError> {
        let image_model = self
            .stage_model(target.site, SettingKey::ImagesModel, ModelType::Image)
            .await?;
        let text_model = self
            .model(
                &self
                    .stage_text_model_for(target.site, SettingKey::ImagePromptsModel)
                    .await?,
            )
            .await?;
        let settings = self.ai_settings(Some(target.site)).await?;
        let (todo, _) = self.contents_for_images(target).await?;
        let mut prompt_calls = 0u64;
        let mut images = 0u64;
        for content in &todo {
            let existing = self.list_images(content.id).await?;
            let pending = existing
                .iter()
                .filter(|i| i.status == folio_model::ImageStatus::Pending && !i.prompt.is_empty())
                .count() as u64;
            if pending > 0 {
                images += pending;
            } else {
                prompt_calls += 1;
                let sections = crate::pipeline::images::sections(&content.body_html).len() as u64;
                images += 1 + sections.min(u64::from(settings.max_images.value));
            }
        }
        let calls = vec![Calls {
            op: AiOperation::ImagePromptExtraction,
            count: prompt_calls,
            input_tokens: tokens(2500 * 7 + 2000),
            output_tokens: 1200,
        }];
        let _ = text_model;
        Ok((
            image_model.clone(),
            todo.len() as u64,
            calls,
            Some((image_model, images)),
        ))
    }
}

pub(crate) fn text_usd(model: &AiModel, input: u64, output: u64) -> Decimal {
    let k = Decimal::from(1000);
    Decimal::from(input) / k * model.cost_per_1k_input.unwrap_or_default()
        + Decimal::from(output) / k * model.cost_per_1k_output.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_estimates_err_high() {
        assert_eq!(tokens(3000), 1000);
        assert_eq!(words_out(1000), 1550);
    }
}
