//! Content ideas of a cluster, with their outline: create, list, status moves.

use crate::planner::scope::{check_cluster_in, check_keywords_in};
use crate::store::db::{
    from_json, not_found, now, parse_stored, prefixed, scoped_list, status_error, to_json, ts,
};
use crate::store::scope::{check_scope, check_site_sector};
use crate::text::{required_text, tidy};
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{
    ContentIdea, IdeaId, IdeaStatus, KeywordId, NewIdea, OutlineSection, SectorId, SiteId, Status,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

/// The idea prompt asks for 6–10 sections; a hand-made outline may be longer, within reason.
pub const MAX_OUTLINE_SECTIONS: usize = 30;

/// FAQ questions of an idea: trimmed, blank ones dropped, at most this many.
pub const MAX_FAQ: usize = 10;

pub(crate) fn check_faq(faq: &[String]) -> Result<Vec<String>, CoreError> {
    let faq: Vec<String> = faq
        .iter()
        .map(|q| tidy(q))
        .filter(|q| !q.is_empty())
        .collect();
    if faq.len() > MAX_FAQ {
        return Err(CoreError::invalid(
            "faq",
            format!("An idea can have at most {MAX_FAQ} FAQ questions"),
        ));
    }
    Ok(faq)
}

pub(crate) fn check_outline(outline: &[OutlineSection]) -> Result<Vec<OutlineSection>, CoreError> {
    if outline.len() > MAX_OUTLINE_SECTIONS {
        return Err(CoreError::invalid(
            "outline",
            format!("An outline can have at most {MAX_OUTLINE_SECTIONS} sections"),
        ));
    }
    outline
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let heading = tidy(&s.heading);
            if heading.is_empty() {
                return Err(CoreError::invalid(
                    "outline",
                    format!("Section {} of the outline has no heading", i + 1),
                ));
            }
            Ok(OutlineSection {
                heading,
                notes: s.notes.trim().to_owned(),
                subheadings: s
                    .subheadings
                    .iter()
                    .map(|h| tidy(h))
                    .filter(|h| !h.is_empty())
                    .collect(),
                format: s.format,
                keywords: s
                    .keywords
                    .iter()
                    .map(|k| tidy(k))
                    .filter(|k| !k.is_empty())
                    .collect(),
                target_words: s.target_words.filter(|w| *w > 0),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct IdeaRow {
    id: String,
    site_id: String,
    sector_id: String,
    cluster_id: String,
    title: String,
    description: String,
    primary_keyword_id: Option<String>,
    content_type: String,
    content_structure: String,
    target_word_count: Option<i64>,
    outline: String,
    faq: String,
    disabled: bool,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const IDEA_COLUMNS: &str = "id, site_id, sector_id, cluster_id, title, description, primary_keyword_id, content_type, content_structure, target_word_count, outline, faq, disabled, status, created_at, updated_at";

async fn idea_from_row(conn: &mut SqliteConnection, r: IdeaRow) -> Result<ContentIdea, CoreError> {
    let secondary: Vec<(String,)> =
        sqlx::query_as("SELECT keyword_id FROM idea_keywords WHERE idea_id = ? ORDER BY position")
            .bind(&r.id)
            .fetch_all(conn)
            .await?;
    Ok(ContentIdea {
        id: parse_stored("idea id", &r.id)?,
        site_id: parse_stored("site id", &r.site_id)?,
        sector_id: parse_stored("sector id", &r.sector_id)?,
        cluster_id: parse_stored("cluster id", &r.cluster_id)?,
        primary_keyword: r
            .primary_keyword_id
            .map(|k| parse_stored("keyword id", &k))
            .transpose()?,
        secondary_keywords: secondary
            .into_iter()
            .map(|(k,)| parse_stored("keyword id", &k))
            .collect::<Result<_, _>>()?,
        content_type: parse_stored("content type", &r.content_type)?,
        content_structure: parse_stored("content structure", &r.content_structure)?,
        target_word_count: r.target_word_count.and_then(|n| u32::try_from(n).ok()),
        outline: from_json!("idea outline", &r.outline)?,
        faq: from_json!("idea faq", &r.faq)?,
        rejected: r.disabled,
        status: parse_stored("idea status", &r.status)?,
        title: r.title,
        description: r.description,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

pub(crate) async fn read_idea(
    conn: &mut SqliteConnection,
    account: &str,
    id: IdeaId,
) -> Result<ContentIdea, CoreError> {
    let row: Option<IdeaRow> = sqlx::query_as(&format!(
        "SELECT {} FROM ideas i JOIN sites s ON s.id = i.site_id WHERE i.id = ? AND s.account_id = ?",
        prefixed("i", IDEA_COLUMNS)
    ))
    .bind(id.to_string())
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or_else(|| not_found(format!("idea {id}")))?;
    idea_from_row(conn, row).await
}

/// Move an idea to a status, checking the move. Returns the status it had.
pub(crate) async fn move_idea(
    tx: &mut WriteTx,
    id: IdeaId,
    to: IdeaStatus,
) -> Result<IdeaStatus, CoreError> {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM ideas WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| not_found(format!("idea {id}")))?;
    let from: IdeaStatus = parse_stored("idea status", &status)?;
    from.transition(to).map_err(status_error)?;
    if from != to {
        sqlx::query("UPDATE ideas SET status = ?, updated_at = ? WHERE id = ?")
            .bind(to.as_str())
            .bind(ts(now()))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Idea, id.as_uuid());
    }
    Ok(from)
}

/// Insert an idea the caller checked (scope, keywords, outline).
pub(crate) async fn insert_idea(tx: &mut WriteTx, idea: &ContentIdea) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO ideas (id, site_id, sector_id, cluster_id, title, description, primary_keyword_id,
             content_type, content_structure, target_word_count, outline, faq, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(idea.id.to_string())
    .bind(idea.site_id.to_string())
    .bind(idea.sector_id.to_string())
    .bind(idea.cluster_id.to_string())
    .bind(&idea.title)
    .bind(&idea.description)
    .bind(idea.primary_keyword.map(|k| k.to_string()))
    .bind(idea.content_type.as_str())
    .bind(idea.content_structure.as_str())
    .bind(idea.target_word_count)
    .bind(to_json!(&idea.outline)?)
    .bind(to_json!(&idea.faq)?)
    .bind(idea.status.as_str())
    .bind(ts(idea.created_at))
    .bind(ts(idea.updated_at))
    .execute(tx.conn())
    .await?;
    for (position, k) in idea.secondary_keywords.iter().enumerate() {
        sqlx::query("INSERT INTO idea_keywords (idea_id, keyword_id, position) VALUES (?, ?, ?)")
            .bind(idea.id.to_string())
            .bind(k.to_string())
            .bind(position as i64)
            .execute(tx.conn())
            .await?;
    }
    tx.touch(Entity::Idea, idea.id.as_uuid());
    Ok(())
}

impl Folio {
    /// Edit an idea's outline and FAQ before it is written (a queued or written idea's brief
    /// is frozen, so only new ideas change).
    pub async fn update_idea_outline(
        &self,
        id: IdeaId,
        outline: &[OutlineSection],
        faq: &[String],
    ) -> Result<ContentIdea, CoreError> {
        let outline = check_outline(outline)?;
        let faq = check_faq(faq)?;
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let idea = read_idea(tx.conn(), &account, id).await?;
        if idea.status != IdeaStatus::New {
            return Err(CoreError::invalid(
                "status",
                format!("the idea \u{201c}{}\u{201d} is already {}; its brief is frozen, edit the task's article instead", idea.title, idea.status),
            ));
        }
        sqlx::query("UPDATE ideas SET outline = ?, faq = ?, updated_at = ? WHERE id = ?")
            .bind(to_json!(&outline)?)
            .bind(to_json!(&faq)?)
            .bind(ts(now()))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Idea, id.as_uuid());
        let idea = read_idea(tx.conn(), &account, id).await?;
        tx.commit().await?;
        Ok(idea)
    }

    /// Reject an idea (it is never queued by "queue all") or approve it again.
    pub async fn set_idea_rejected(
        &self,
        id: IdeaId,
        rejected: bool,
    ) -> Result<ContentIdea, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let idea = read_idea(tx.conn(), &account, id).await?;
        if idea.status != IdeaStatus::New && rejected {
            return Err(CoreError::invalid(
                "status",
                format!(
                    "the idea \u{201c}{}\u{201d} is already {}; only new ideas can be rejected",
                    idea.title, idea.status
                ),
            ));
        }
        sqlx::query("UPDATE ideas SET disabled = ?, updated_at = ? WHERE id = ?")
            .bind(rejected)
            .bind(ts(now()))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Idea, id.as_uuid());
        let idea = read_idea(tx.conn(), &account, id).await?;
        tx.commit().await?;
        Ok(idea)
    }

    /// Create an idea for a cluster of the same site and sector, with its full outline.
    pub async fn create_idea(&self, input: NewIdea) -> Result<ContentIdea, CoreError> {
        let title = required_text("title", "title", &input.title)?;
        let outline = check_outline(&input.outline)?;
        if input.target_word_count == Some(0) {
            return Err(CoreError::invalid(
                "target_word_count",
                "A target word count must be more than 0",
            ));
        }
        let mut secondary: Vec<KeywordId> = Vec::new();
        for k in &input.secondary_keywords {
            if Some(*k) != input.primary_keyword && !secondary.contains(k) {
                secondary.push(*k);
            }
        }
        let mut tx = self.begin_write().await?;
        check_site_sector(
            tx.conn(),
            &self.account_id.to_string(),
            input.site,
            input.sector,
        )
        .await?;
        check_cluster_in(tx.conn(), input.cluster, input.site, input.sector).await?;
        let all_keywords: Vec<KeywordId> = input
            .primary_keyword
            .iter()
            .chain(&secondary)
            .copied()
            .collect();
        check_keywords_in(tx.conn(), &all_keywords, input.site, input.sector).await?;
        let at = now();
        let idea = ContentIdea {
            id: IdeaId(Uuid::now_v7()),
            site_id: input.site,
            sector_id: input.sector,
            cluster_id: input.cluster,
            title,
            description: input.description.trim().to_owned(),
            primary_keyword: input.primary_keyword,
            secondary_keywords: secondary,
            content_type: input.content_type,
            content_structure: input.content_structure,
            target_word_count: input.target_word_count,
            outline,
            faq: check_faq(&input.faq)?,
            rejected: false,
            status: IdeaStatus::New,
            created_at: at,
            updated_at: at,
        };
        insert_idea(&mut tx, &idea).await?;
        tx.commit().await?;
        Ok(idea)
    }

    pub async fn get_idea(&self, id: IdeaId) -> Result<ContentIdea, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_idea(&mut conn, &self.account_id.to_string(), id).await
    }

    /// A site's ideas (optionally one sector's, optionally one status), newest first.
    pub async fn list_ideas(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<IdeaStatus>,
    ) -> Result<Vec<ContentIdea>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_scope(&mut conn, &self.account_id.to_string(), site, sector).await?;
        let mut q = scoped_list(
            IDEA_COLUMNS,
            "ideas",
            site,
            sector,
            status.map(|s| ("status", s.as_str())),
        );
        q.push(" ORDER BY created_at DESC, id DESC");
        let rows: Vec<IdeaRow> = q.build_query_as().fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(idea_from_row(&mut conn, r).await?);
        }
        Ok(out)
    }

    /// Move an idea to a status (`new → queued → completed`, back to `new` from `queued`).
    pub async fn set_idea_status(
        &self,
        id: IdeaId,
        to: IdeaStatus,
    ) -> Result<ContentIdea, CoreError> {
        let mut tx = self.begin_write().await?;
        read_idea(tx.conn(), &self.account_id.to_string(), id).await?;
        move_idea(&mut tx, id, to).await?;
        let idea = read_idea(tx.conn(), &self.account_id.to_string(), id).await?;
        tx.commit().await?;
        Ok(idea)
    }
}
