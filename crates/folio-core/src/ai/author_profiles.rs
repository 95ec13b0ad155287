//! Author profiles: the voice, tone and language an article is written in, shipped, per account
//! or per site.

use crate::store::db::{from_json, not_found, now, parse_stored, to_json, ts};
use crate::text::{name_key, tidy};
use crate::{CoreError, Entity, Folio};
use folio_model::ai_config::{MAX_PROFILE_SAMPLES, MAX_PROFILE_SAMPLE_CHARS};
use folio_model::{AuthorProfile, AuthorProfileId, NewAuthorProfile, ProfileScope};

type ProfileRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    String,
    String,
    String,
);
use uuid::Uuid;

impl Folio {
    /// The global author profiles and the account's own, active ones first, by name.
    pub async fn author_profiles(&self) -> Result<Vec<AuthorProfile>, CoreError> {
        self.ensure_defaults().await?;
        let rows: Vec<ProfileRow> = sqlx::query_as(
            "SELECT 'global', id, name, tone, language, description, is_active, point_of_view, audience, samples FROM global_author_profiles
             UNION ALL
             SELECT 'account', id, name, tone, language, description, is_active, point_of_view, audience, samples FROM author_profiles
             WHERE account_id = ?
             ORDER BY 7 DESC, 3 COLLATE NOCASE",
        )
        .bind(self.account_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    scope,
                    id,
                    name,
                    tone,
                    language,
                    description,
                    is_active,
                    point_of_view,
                    audience,
                    samples,
                )| {
                    Ok(AuthorProfile {
                        point_of_view,
                        audience,
                        samples: from_json!("author profile samples", &samples)?,
                        id: parse_stored::<AuthorProfileId>("author profile id", &id)?,
                        scope: if scope == "global" {
                            ProfileScope::Global
                        } else {
                            ProfileScope::Account
                        },
                        name,
                        tone,
                        language,
                        description,
                        is_active,
                    })
                },
            )
            .collect()
    }

    /// Add an author profile to the account; names are unique in the account.
    pub async fn add_author_profile(
        &self,
        input: NewAuthorProfile,
    ) -> Result<AuthorProfile, CoreError> {
        let name = tidy(&input.name);
        if name.is_empty() {
            return Err(CoreError::invalid(
                "name",
                "Enter a name for the author profile",
            ));
        }
        let tone = tidy(&input.tone);
        if tone.is_empty() {
            return Err(CoreError::invalid(
                "tone",
                "Describe the tone, e.g. professional, casual or technical",
            ));
        }
        let language = check_language(&input.language)?;
        let samples = check_samples(&input.samples)?;
        let point_of_view = tidy(&input.point_of_view);
        let audience = input.audience.trim().to_owned();
        let key = name_key(&name);
        let mut tx = self.begin_write().await?;
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT id FROM author_profiles WHERE account_id = ? AND name_key = ?")
                .bind(self.account_id.to_string())
                .bind(&key)
                .fetch_optional(tx.conn())
                .await?;
        if taken.is_some() {
            return Err(CoreError::Conflict {
                field: "name",
                message: format!("An author profile named \u{201c}{name}\u{201d} already exists"),
            });
        }
        let id = AuthorProfileId(Uuid::now_v7());
        let description = input.description.trim().to_owned();
        sqlx::query(
            "INSERT INTO author_profiles (id, account_id, name, name_key, tone, language, description, point_of_view, audience, samples, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(self.account_id.to_string())
        .bind(&name)
        .bind(&key)
        .bind(&tone)
        .bind(&language)
        .bind(&description)
        .bind(&point_of_view)
        .bind(&audience)
        .bind(to_json!(&samples)?)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::AuthorProfile, id.as_uuid());
        tx.commit().await?;
        Ok(AuthorProfile {
            id,
            scope: ProfileScope::Account,
            name,
            tone,
            language,
            description,
            is_active: true,
            point_of_view,
            audience,
            samples,
        })
    }

    /// Remove one of the account's author profiles (global ones cannot be removed).
    pub async fn remove_author_profile(&self, id: AuthorProfileId) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query("DELETE FROM author_profiles WHERE id = ? AND account_id = ?")
            .bind(id.to_string())
            .bind(self.account_id.to_string())
            .execute(tx.conn())
            .await?
            .rows_affected();
        if removed == 0 {
            let global: Option<(String,)> =
                sqlx::query_as("SELECT id FROM global_author_profiles WHERE id = ?")
                    .bind(id.to_string())
                    .fetch_optional(tx.conn())
                    .await?;
            return Err(match global {
                Some(_) => CoreError::Conflict {
                    field: "id",
                    message: "Built-in author profiles cannot be removed".into(),
                },
                None => not_found(format!("author profile {id}")),
            });
        }
        tx.touch(Entity::AuthorProfile, id.as_uuid());
        tx.commit().await
    }
}

/// At most [`MAX_PROFILE_SAMPLES`] non-empty paragraphs of at most
/// [`MAX_PROFILE_SAMPLE_CHARS`] characters: they go into every prompt, so they are bounded.
fn check_samples(samples: &[String]) -> Result<Vec<String>, CoreError> {
    let samples: Vec<String> = samples
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if samples.len() > MAX_PROFILE_SAMPLES {
        return Err(CoreError::invalid(
            "samples",
            format!("An author profile keeps at most {MAX_PROFILE_SAMPLES} sample paragraphs"),
        ));
    }
    if let Some(i) = samples
        .iter()
        .position(|s| s.chars().count() > MAX_PROFILE_SAMPLE_CHARS)
    {
        return Err(CoreError::invalid(
            "samples",
            format!(
                "Sample {} is longer than {MAX_PROFILE_SAMPLE_CHARS} characters; pick one paragraph",
                i + 1
            ),
        ));
    }
    Ok(samples)
}

/// A BCP 47-ish language tag: `en`, `pt-BR`, `zh-Hant`.
fn check_language(raw: &str) -> Result<String, CoreError> {
    let tag = raw.trim();
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !primary_ok || !rest_ok {
        return Err(CoreError::invalid(
            "language",
            format!("\u{201c}{tag}\u{201d} is not a language code; use one like en, de or pt-BR"),
        ));
    }
    Ok(tag.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en", "pt-BR", "zh-Hant", "gsw"] {
            assert_eq!(check_language(ok).unwrap(), ok);
        }
        for bad in ["", "EN", "english", "en_US", "e"] {
            assert!(check_language(bad).is_err(), "{bad}");
        }
    }
}
