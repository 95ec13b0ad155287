//! One section of an article written again by AI, the rest kept: the writing stage's own
//! section call (same voice, guidance, rules and checks) on a brief whose outline is the
//! article's H2 headings as they are now (a heading renamed or added by hand is written to as
//! it reads). The estimate comes first; the new text replaces only what follows the heading, as
//! a change of its own in the article's history, so undoing it is restoring the version before
//! (`undo_revision`).

use crate::ai::calls::{AiCall, SpendMeter};
use crate::pipeline::brief::WriteBrief;
use crate::pipeline::chat;
use crate::pipeline::estimate::{text_usd, tokens, words_out};
use crate::pipeline::writing::{
    check_fragment, section_budget, section_prompt, string_schema, system_prompt, SectionPart,
};
use crate::store::authorship::ChangeKind;
use crate::text::name_key;
use crate::writer::sections::{replace_section, sections};
use crate::{CoreError, Folio};
use folio_ai::StructuredRequest;
use folio_model::{
    AiOperation, Content, ContentId, ContentUpdate, EstimateInput, JobKind, JobPhase, JobScope,
    OutlineSection, SectionRegenerated, Stage, StageEstimate,
};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

impl Folio {
    /// The brief section `index` of the article is written from, with the section's index in
    /// its outline.
    async fn section_brief(
        &self,
        content: &Content,
        index: usize,
    ) -> Result<WriteBrief, CoreError> {
        let Some(task) = content.task_id else {
            return Err(CoreError::invalid(
                "content",
                "Only an article written from a task has the brief (keywords, voice, outline) a \
                 section is written from; this one was written by hand — edit the section instead",
            ));
        };
        let mut brief = self.write_brief(&self.get_task(task).await?).await?;
        let found = sections(&content.body_html);
        if index >= found.len() {
            return Err(CoreError::invalid(
                "section",
                format!(
                    "The article has {n} sections (H2 headings); choose one from 1 to {n}",
                    n = found.len()
                ),
            ));
        }
        // The outline as the article reads now: each heading with its plan when the plan had it.
        let planned = std::mem::take(&mut brief.outline);
        brief.outline = found
            .iter()
            .map(|s| {
                planned
                    .iter()
                    .find(|p| name_key(&p.heading) == name_key(&s.heading))
                    .cloned()
                    .map(|mut p| {
                        p.heading = s.heading.clone();
                        p
                    })
                    .unwrap_or_else(|| OutlineSection {
                        heading: s.heading.clone(),
                        notes: String::new(),
                        subheadings: Vec::new(),
                        format: Default::default(),
                        keywords: Vec::new(),
                        target_words: None,
                    })
            })
            .collect();
        Ok(brief)
    }

    fn section_call(content: &Content, model: &str) -> AiCall {
        AiCall::new(AiOperation::ContentGeneration)
            .site(content.site_id)
            .content(content.id)
            .model(model)
    }

    /// What writing section `index` (0-based H2) again will cost, before it is spent.
    pub async fn estimate_section(
        &self,
        content: ContentId,
        index: usize,
    ) -> Result<StageEstimate, CoreError> {
        let content = self.get_content(content).await?;
        let brief = self.section_brief(&content, index).await?;
        let model = self.model(&brief.model).await?;
        let prompt = system_prompt(&brief).len()
            + section_prompt(&brief, index).len()
            + string_schema(&["html"]).to_string().len();
        let (input, output) = (tokens(prompt), words_out(section_budget(&brief, index)));
        let credits = self
            .estimate_credits(
                AiOperation::ContentGeneration,
                &model.model_name,
                EstimateInput::Text {
                    input_tokens: input,
                    max_output_tokens: output,
                },
            )
            .await?;
        Ok(StageEstimate {
            stage: Stage::Writing,
            items: 1,
            calls: 1,
            credits,
            usd: text_usd(&model, input, output).round_dp(4).normalize(),
            model: model.model_name,
            available: self
                .can_afford(0, rust_decimal::Decimal::ONE)
                .await?
                .available,
        })
    }

    /// Write section `index` (0-based H2) of the article again and put it in place of the old
    /// one; every other part of the article stays as it is. Runs as a `section` job of the
    /// article (one at a time, across processes; cancel it like any job).
    pub async fn regenerate_section(
        &self,
        content: ContentId,
        index: usize,
    ) -> Result<SectionRegenerated, CoreError> {
        let job = self
            .jobs()
            .start(JobKind::Section, JobScope::Content { content })
            .await?;
        job.say(
            JobPhase::Calling,
            0,
            Some(1),
            format!("Writing section {} again", index + 1),
        );
        let result = self
            .regenerate_section_with(content, index, job.token())
            .await;
        job.finish(result)
    }

    async fn regenerate_section_with(
        &self,
        content: ContentId,
        index: usize,
        cancel: &CancellationToken,
    ) -> Result<SectionRegenerated, CoreError> {
        let c = self.get_content(content).await?;
        let brief = self.section_brief(&c, index).await?;
        let system = system_prompt(&brief);
        let budget = section_budget(&brief, index);
        let min = (budget / 3).max(20);
        let what = format!("section {}", index + 1);
        let meter = Arc::new(SpendMeter::default());
        let call = Self::section_call(&c, &brief.model).meter(meter.clone());
        let answer = self
            .ai_structured::<SectionPart>(
                call,
                StructuredRequest {
                    chat: chat(&system, section_prompt(&brief, index)),
                    schema_name: format!("section_{index}"),
                    schema: string_schema(&["html"]),
                },
                move |p| check_fragment(&p.html, min, &what),
                cancel,
            )
            .await?
            .value;
        // Placed in the article as it is now (a teammate's edit may have arrived meanwhile).
        let now = self.get_content(content).await?;
        let body = replace_section(&now.body_html, index, &answer.html)?;
        let undo_revision = self.latest_change(content).await?;
        let content = self
            .update_content_as(
                content,
                ContentUpdate {
                    body_html: Some(body),
                    ..Default::default()
                },
                ChangeKind::Regenerate,
            )
            .await?;
        Ok(SectionRegenerated {
            content,
            section: u32::try_from(index).unwrap_or(u32::MAX),
            undo_revision,
            credits: meter.total().0,
        })
    }
}
