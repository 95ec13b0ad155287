//! Stage 3 (local, free): ideas → writing tasks, each with its brief frozen at queue time — the
//! outline, keywords, voice, model and prompt as they were — so a later change of settings or a
//! teammate's edit of the idea never changes what a queued task is written from.

use crate::pipeline::voice::Voice;
use crate::{CoreError, Folio};
use folio_model::{
    ContentIdea, IdeaId, IdeaStatus, OutlineSection, PromptKind, SettingKey, SiteId, Stage,
    StageReport, StageTarget, Task, TaskId,
};
use serde::{Deserialize, Serialize};

/// What a task is written from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteBrief {
    pub title: String,
    pub description: String,
    pub primary_keyword: String,
    pub keywords: Vec<String>,
    pub structure: String,
    pub target_words: u32,
    pub outline: Vec<OutlineSection>,
    pub faq: Vec<String>,
    pub voice: Voice,
    /// The writing model's name.
    pub model: String,
    /// The resolved content-generation prompt (task override → account → global → built-in).
    pub prompt: String,
}

/// The content-generation template with the brief's values filled in.
fn render_guidance(template: &str, b: &WriteBrief) -> Result<String, CoreError> {
    let outline: Vec<String> = b
        .outline
        .iter()
        .map(|s| format!("- {}: {}", s.heading, s.notes))
        .collect();
    let words = b.target_words.to_string();
    let keywords = b.keywords.join(", ");
    let outline = outline.join("\n");
    crate::ai::prompts::render(
        template,
        &[
            ("IGNY8_SITE_NAME", &b.voice.site_name),
            ("IGNY8_LANGUAGE", &b.voice.language),
            ("IGNY8_TONE", &b.voice.tone),
            ("IGNY8_TITLE", &b.title),
            ("IGNY8_PRIMARY_KEYWORD", &b.primary_keyword),
            ("IGNY8_KEYWORDS", &keywords),
            ("IGNY8_CONTENT_STRUCTURE", &b.structure),
            ("IGNY8_WORD_COUNT", &words),
            ("IGNY8_BRIEF", &b.description),
            ("IGNY8_OUTLINE", &outline),
        ],
    )
}

impl Folio {
    /// The brief a task is written from: frozen at queue time, or (a task made by hand) built
    /// now from the task's own fields.
    pub(crate) async fn write_brief(&self, task: &Task) -> Result<WriteBrief, CoreError> {
        let frozen: Option<(Option<String>,)> =
            sqlx::query_as("SELECT frozen_brief FROM tasks WHERE id = ?")
                .bind(task.id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        if let Some((Some(json),)) = frozen {
            return crate::store::db::from_json!("task brief", &json);
        }
        let idea = match task.idea_id {
            Some(id) => Some(self.get_idea(id).await?),
            None => None,
        };
        let outline = idea.as_ref().map(|i| i.outline.clone()).unwrap_or_default();
        let mut keywords = vec![];
        keywords.extend(task.secondary_keywords.iter().cloned());
        let mut brief = WriteBrief {
            title: task.title.clone(),
            description: task.brief.clone(),
            primary_keyword: task.primary_keyword.clone(),
            keywords,
            structure: task.content_structure.to_string(),
            target_words: match task.target_word_count {
                Some(w) => w,
                None => self.target_words(task.site_id).await?,
            },
            outline,
            faq: idea.map(|i| i.faq).unwrap_or_default(),
            voice: self.site_voice(task.site_id).await?,
            model: self
                .stage_text_model(task.site_id, Stage::Writing)
                .await?
                .model_name,
            prompt: self
                .resolve_prompt(PromptKind::ContentGeneration, Some(task.id))
                .await?
                .text,
        };
        brief.prompt = render_guidance(&brief.prompt, &brief)?;
        Ok(brief)
    }

    async fn target_words(&self, site: SiteId) -> Result<u32, CoreError> {
        let v = self
            .effective_setting(SettingKey::TargetWords, Some(site))
            .await?;
        Ok(v.value
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(1500))
    }

    async fn freeze_brief(&self, idea: &ContentIdea) -> Result<String, CoreError> {
        let mut keywords = Vec::new();
        let mut primary = String::new();
        for (i, id) in idea
            .primary_keyword
            .iter()
            .chain(&idea.secondary_keywords)
            .enumerate()
        {
            let text: Option<(String,)> =
                sqlx::query_as("SELECT keyword FROM keywords WHERE id = ?")
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
            if let Some((t,)) = text {
                if i == 0 && idea.primary_keyword.is_some() {
                    primary = t;
                } else {
                    keywords.push(t);
                }
            }
        }
        let mut brief = WriteBrief {
            title: idea.title.clone(),
            description: idea.description.clone(),
            primary_keyword: primary,
            keywords,
            structure: idea.content_structure.to_string(),
            target_words: match idea.target_word_count {
                Some(w) => w,
                None => self.target_words(idea.site_id).await?,
            },
            outline: idea.outline.clone(),
            faq: idea.faq.clone(),
            voice: self.site_voice(idea.site_id).await?,
            model: self
                .stage_text_model(idea.site_id, Stage::Writing)
                .await?
                .model_name,
            prompt: self
                .resolve_prompt(PromptKind::ContentGeneration, None)
                .await?
                .text,
        };
        brief.prompt = render_guidance(&brief.prompt, &brief)?;
        crate::store::db::to_json!(&brief)
    }

    /// Queue ideas for writing: those named, else every approved (not rejected) new idea of the
    /// named clusters, else of the site (or sector). Ideas already queued or written are skipped.
    pub async fn queue_ideas(&self, target: &StageTarget) -> Result<StageReport, CoreError> {
        let mut ideas: Vec<ContentIdea> = Vec::new();
        let mut report = StageReport::default();
        if target.ideas.is_empty() {
            for idea in self.list_ideas(target.site, target.sector, None).await? {
                if !target.clusters.is_empty() && !target.clusters.contains(&idea.cluster_id) {
                    continue;
                }
                if idea.status != IdeaStatus::New {
                    report.skipped += 1;
                } else if !idea.rejected {
                    ideas.push(idea);
                }
            }
            ideas.reverse();
        } else {
            for id in &target.ideas {
                let idea = self.get_idea(*id).await?;
                if idea.site_id != target.site {
                    return Err(crate::store::db::not_found(format!(
                        "idea {id} in this site"
                    )));
                }
                if idea.rejected {
                    return Err(CoreError::invalid(
                        "idea",
                        format!("the idea \u{201c}{}\u{201d} is rejected; approve it before queueing it", idea.title),
                    ));
                }
                if idea.status == IdeaStatus::New {
                    ideas.push(idea);
                } else {
                    report.skipped += 1;
                }
            }
        }
        for idea in ideas {
            let brief = self.freeze_brief(&idea).await?;
            let task = self.queue_idea_with(idea.id, Some(brief)).await?;
            report.done += 1;
            report.created.push(task.id.to_string());
        }
        Ok(report)
    }

    /// The brief a task will be written from (frozen or built now).
    pub async fn task_brief(&self, task: TaskId) -> Result<WriteBrief, CoreError> {
        let task = self.get_task(task).await?;
        self.write_brief(&task).await
    }

    /// Queue one idea with its frozen brief (a rejected idea must be approved first).
    pub async fn queue_idea_for_writing(&self, idea: IdeaId) -> Result<Task, CoreError> {
        let idea = self.get_idea(idea).await?;
        if idea.rejected {
            return Err(CoreError::invalid(
                "idea",
                format!(
                    "the idea \u{201c}{}\u{201d} is rejected; approve it before queueing it",
                    idea.title
                ),
            ));
        }
        let brief = self.freeze_brief(&idea).await?;
        self.queue_idea_with(idea.id, Some(brief)).await
    }
}
