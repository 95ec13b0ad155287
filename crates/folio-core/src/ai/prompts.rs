//! Prompt templates (author profiles: [`crate::ai::author_profiles`]).
//!
//! A prompt resolves task override → account → global → built-in. Templates use `[IGNY8_*]`
//! variables (IGNY8's token style); each kind accepts a fixed set, so a typo in an edited prompt
//! is caught when it is saved rather than sent to a model.

use crate::store::db::{not_found, now, ts};
use crate::{CoreError, Entity, Folio};
use folio_model::{PromptKind, PromptSource, ResolvedPrompt, TaskId};

/// The longest template accepted; the built-ins are under 2,000 characters.
pub const MAX_PROMPT_CHARS: usize = 20_000;

/// The text compiled into Folio for a kind of prompt: the last fallback, and what the global
/// prompts are seeded with.
pub fn builtin(kind: PromptKind) -> &'static str {
    match kind {
        PromptKind::Clustering => include_str!("../../defaults/prompts/clustering.txt"),
        PromptKind::Ideas => include_str!("../../defaults/prompts/ideas.txt"),
        PromptKind::ContentGeneration => {
            include_str!("../../defaults/prompts/content_generation.txt")
        }
        PromptKind::ImagePromptExtraction => {
            include_str!("../../defaults/prompts/image_prompt_extraction.txt")
        }
        PromptKind::ImagePromptTemplate => {
            include_str!("../../defaults/prompts/image_prompt_template.txt")
        }
        PromptKind::NegativePrompt => include_str!("../../defaults/prompts/negative_prompt.txt"),
    }
}

/// The variables a kind of prompt may use (without brackets).
pub fn variables(kind: PromptKind) -> &'static [&'static str] {
    match kind {
        PromptKind::Clustering => &["IGNY8_SITE_NAME", "IGNY8_SECTOR", "IGNY8_KEYWORDS"],
        PromptKind::Ideas => &["IGNY8_SITE_NAME", "IGNY8_SECTOR", "IGNY8_CLUSTERS"],
        PromptKind::ContentGeneration => &[
            "IGNY8_SITE_NAME",
            "IGNY8_LANGUAGE",
            "IGNY8_TONE",
            "IGNY8_TITLE",
            "IGNY8_PRIMARY_KEYWORD",
            "IGNY8_KEYWORDS",
            "IGNY8_CONTENT_STRUCTURE",
            "IGNY8_WORD_COUNT",
            "IGNY8_BRIEF",
            "IGNY8_OUTLINE",
        ],
        PromptKind::ImagePromptExtraction => &[
            "IGNY8_TITLE",
            "IGNY8_IMAGE_STYLE",
            "IGNY8_CONTENT",
            "IGNY8_MAX_IMAGES",
        ],
        PromptKind::ImagePromptTemplate => {
            &["IGNY8_IMAGE_STYLE", "IGNY8_TITLE", "IGNY8_IMAGE_PROMPT"]
        }
        PromptKind::NegativePrompt => &[],
    }
}

/// Every `[IGNY8_…]` token in a template, in order of appearance.
pub fn tokens(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("[IGNY8_") {
        let after = &rest[start + 1..];
        match after.find(']') {
            Some(end)
                if after[..end]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') =>
            {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// Check an edited template for a kind: not empty, not huge, and only known variables.
pub fn check_template(kind: PromptKind, text: &str) -> Result<String, CoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CoreError::invalid(
            "prompt",
            "A prompt cannot be empty; reset it to use the default instead",
        ));
    }
    if text.chars().count() > MAX_PROMPT_CHARS {
        return Err(CoreError::invalid(
            "prompt",
            format!("A prompt can be at most {MAX_PROMPT_CHARS} characters"),
        ));
    }
    let known = variables(kind);
    if let Some(unknown) = tokens(text).into_iter().find(|t| !known.contains(t)) {
        let allowed = if known.is_empty() {
            "none".to_owned()
        } else {
            known
                .iter()
                .map(|v| format!("[{v}]"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(CoreError::invalid(
            "prompt",
            format!("[{unknown}] is not a variable of the {kind} prompt; it can use: {allowed}"),
        ));
    }
    Ok(text.to_owned())
}

/// Fill a template's variables. Every variable the template uses must be given.
pub fn render(template: &str, values: &[(&str, &str)]) -> Result<String, CoreError> {
    let mut out = template.to_owned();
    for token in tokens(template) {
        let value = values
            .iter()
            .find(|(name, _)| *name == token)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                CoreError::Internal(format!("no value for the prompt variable [{token}]"))
            })?;
        out = out.replace(&format!("[{token}]"), value);
    }
    Ok(out)
}

fn resolved(kind: PromptKind, text: String, source: PromptSource) -> ResolvedPrompt {
    ResolvedPrompt {
        kind,
        text,
        source,
        variables: variables(kind).iter().map(|v| v.to_string()).collect(),
    }
}

impl Folio {
    /// The template that applies to a kind of prompt (for a task, if given): the task's override,
    /// else the account's version, else the active global prompt, else the built-in text.
    pub async fn resolve_prompt(
        &self,
        kind: PromptKind,
        task: Option<TaskId>,
    ) -> Result<ResolvedPrompt, CoreError> {
        self.ensure_defaults().await?;
        let mut conn = self.pool.acquire().await?;
        if let Some(task) = task {
            let owner: Option<(String,)> = sqlx::query_as(
                "SELECT s.account_id FROM tasks t JOIN sites s ON s.id = t.site_id WHERE t.id = ?",
            )
            .bind(task.to_string())
            .fetch_optional(&mut *conn)
            .await?;
            if owner.is_none_or(|(a,)| a != self.account_id.to_string()) {
                return Err(not_found(format!("task {task}")));
            }
            let text: Option<(String,)> = sqlx::query_as(
                "SELECT prompt_value FROM task_prompts WHERE task_id = ? AND prompt_type = ?",
            )
            .bind(task.to_string())
            .bind(kind.as_str())
            .fetch_optional(&mut *conn)
            .await?;
            if let Some((text,)) = text {
                return Ok(resolved(kind, text, PromptSource::Task));
            }
        }
        let text: Option<(String,)> = sqlx::query_as(
            "SELECT prompt_value FROM account_prompts WHERE account_id = ? AND prompt_type = ?",
        )
        .bind(self.account_id.to_string())
        .bind(kind.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((text,)) = text {
            return Ok(resolved(kind, text, PromptSource::Account));
        }
        let text: Option<(String,)> = sqlx::query_as(
            "SELECT prompt_value FROM global_prompts WHERE prompt_type = ? AND is_active = 1",
        )
        .bind(kind.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((text,)) = text {
            return Ok(resolved(kind, text, PromptSource::Global));
        }
        Ok(resolved(
            kind,
            builtin(kind).trim().to_owned(),
            PromptSource::BuiltIn,
        ))
    }

    /// Store the account's own version of a prompt.
    pub async fn set_account_prompt(&self, kind: PromptKind, text: &str) -> Result<(), CoreError> {
        let text = check_template(kind, text)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO account_prompts (account_id, prompt_type, prompt_value, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (account_id, prompt_type) DO UPDATE SET
                 prompt_value = excluded.prompt_value, updated_at = excluded.updated_at",
        )
        .bind(self.account_id.to_string())
        .bind(kind.as_str())
        .bind(&text)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Prompt, self.account_id.as_uuid());
        tx.commit().await
    }

    /// Drop the account's version, so the global (or built-in) prompt applies again.
    pub async fn reset_account_prompt(&self, kind: PromptKind) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM account_prompts WHERE account_id = ? AND prompt_type = ?")
            .bind(self.account_id.to_string())
            .bind(kind.as_str())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Prompt, self.account_id.as_uuid());
        tx.commit().await
    }

    /// Give one task its own version of a prompt (`None` removes it).
    pub async fn set_task_prompt(
        &self,
        task: TaskId,
        kind: PromptKind,
        text: Option<&str>,
    ) -> Result<(), CoreError> {
        let text = text.map(|t| check_template(kind, t)).transpose()?;
        let mut tx = self.begin_write().await?;
        let owner: Option<(String,)> = sqlx::query_as(
            "SELECT s.account_id FROM tasks t JOIN sites s ON s.id = t.site_id WHERE t.id = ?",
        )
        .bind(task.to_string())
        .fetch_optional(tx.conn())
        .await?;
        if owner.is_none_or(|(a,)| a != self.account_id.to_string()) {
            return Err(not_found(format!("task {task}")));
        }
        match text {
            Some(text) => {
                sqlx::query(
                    "INSERT INTO task_prompts (task_id, prompt_type, prompt_value, updated_at) VALUES (?, ?, ?, ?)
                     ON CONFLICT (task_id, prompt_type) DO UPDATE SET
                         prompt_value = excluded.prompt_value, updated_at = excluded.updated_at",
                )
                .bind(task.to_string())
                .bind(kind.as_str())
                .bind(&text)
                .bind(ts(now()))
                .execute(tx.conn())
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM task_prompts WHERE task_id = ? AND prompt_type = ?")
                    .bind(task.to_string())
                    .bind(kind.as_str())
                    .execute(tx.conn())
                    .await?;
            }
        }
        tx.touch(Entity::Task, task.as_uuid());
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_uses_only_its_own_variables() {
        for kind in PromptKind::ALL.iter().copied() {
            let text = builtin(kind);
            check_template(kind, text).unwrap_or_else(|e| panic!("{kind}: {e}"));
            for v in variables(kind) {
                assert!(tokens(text).contains(v), "{kind} never uses [{v}]");
            }
        }
    }

    #[test]
    fn unknown_variables_are_named_in_the_error() {
        let err =
            check_template(PromptKind::Clustering, "Cluster [IGNY8_KEYWORD] please").unwrap_err();
        assert_eq!(err.field(), Some("prompt"));
        assert!(err.to_string().starts_with("[IGNY8_KEYWORD] is not a variable of the clustering prompt; it can use: [IGNY8_SITE_NAME]"), "{err}");
        assert!(check_template(PromptKind::Clustering, "  ").is_err());
    }

    #[test]
    fn render_fills_every_variable() {
        let out = render(
            "Hello [IGNY8_TITLE], [IGNY8_TITLE]! [not a token] [IGNY8_x]",
            &[("IGNY8_TITLE", "World")],
        )
        .unwrap();
        assert_eq!(out, "Hello World, World! [not a token] [IGNY8_x]");
        assert!(render("[IGNY8_TONE]", &[]).is_err());
    }
}
