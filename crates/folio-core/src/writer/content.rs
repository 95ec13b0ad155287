//! Articles: add, read, list, update. An article belongs to its task's site and sector; slugs are
//! unique per site and derived from the title when not given; every body is sanitised
//! (`sanitize.rs`) before it is stored, and the word count is computed from what is stored.

use crate::planner::ideas::move_idea;
use crate::store::authorship::ChangeKind;
use crate::store::db::{not_found, now, parse_stored, prefixed, status_error, ts};
use crate::store::scope::{check_scope, sector_or_first};
use crate::text::{required_text, tidy};
use crate::writer::html::{html_word_count, slugify, MAX_SLUG_LEN};
use crate::writer::merge::merge_bodies;
use crate::writer::sanitize::sanitize_article_body;
use crate::writer::tasks::read_task;
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{
    Content, ContentFilter, ContentId, ContentStatus, ContentStructure, ContentSummary,
    ContentType, ContentUpdate, IdeaStatus, NewContent, SectorId, SiteId, SiteStatus, Status,
    TaskContent, TaskId, TaskStatus,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct ContentRow {
    id: String,
    site_id: String,
    sector_id: String,
    task_id: Option<String>,
    cluster_id: Option<String>,
    title: String,
    body_html: String,
    excerpt: String,
    meta_title: String,
    meta_description: String,
    slug: String,
    word_count: i64,
    content_type: String,
    content_structure: String,
    status: String,
    site_status: String,
    site_status_updated_at: Option<DateTime<Utc>>,
    scheduled_publish_at: Option<DateTime<Utc>>,
    external_id: Option<String>,
    external_url: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const CONTENT_COLUMNS: &str = "id, site_id, sector_id, task_id, cluster_id, title, body_html, excerpt, meta_title, meta_description, slug, word_count, content_type, content_structure, status, site_status, site_status_updated_at, scheduled_publish_at, external_id, external_url, created_at, updated_at";

impl ContentRow {
    fn into_content(self) -> Result<Content, CoreError> {
        Ok(Content {
            id: parse_stored("content id", &self.id)?,
            site_id: parse_stored("site id", &self.site_id)?,
            sector_id: parse_stored("sector id", &self.sector_id)?,
            task_id: self
                .task_id
                .map(|t| parse_stored("task id", &t))
                .transpose()?,
            cluster_id: self
                .cluster_id
                .map(|c| parse_stored("cluster id", &c))
                .transpose()?,
            word_count: u32::try_from(self.word_count).unwrap_or(0),
            content_type: parse_stored("content type", &self.content_type)?,
            content_structure: parse_stored("content structure", &self.content_structure)?,
            status: parse_stored("content status", &self.status)?,
            site_status: parse_stored("publishing status", &self.site_status)?,
            title: self.title,
            body_html: self.body_html,
            excerpt: self.excerpt,
            meta_title: self.meta_title,
            meta_description: self.meta_description,
            slug: self.slug,
            site_status_updated_at: self.site_status_updated_at,
            scheduled_publish_at: self.scheduled_publish_at,
            external_id: self.external_id,
            external_url: self.external_url,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn summary(c: &Content) -> ContentSummary {
    ContentSummary {
        id: c.id,
        site_id: c.site_id,
        sector_id: c.sector_id,
        title: c.title.clone(),
        slug: c.slug.clone(),
        word_count: c.word_count,
        status: c.status,
        site_status: c.site_status,
        scheduled_publish_at: c.scheduled_publish_at,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

pub(crate) async fn read_content(
    conn: &mut SqliteConnection,
    account: &str,
    id: ContentId,
) -> Result<Content, CoreError> {
    let row: Option<ContentRow> = sqlx::query_as(&format!(
        "SELECT {} FROM content c JOIN sites s ON s.id = c.site_id WHERE c.id = ? AND s.account_id = ?",
        prefixed("c", CONTENT_COLUMNS)
    ))
    .bind(id.to_string())
    .bind(account)
    .fetch_optional(conn)
    .await?;
    row.ok_or_else(|| not_found(format!("content {id}")))?
        .into_content()
}

async fn slug_taken(
    conn: &mut SqliteConnection,
    site: SiteId,
    slug: &str,
    except: &str,
) -> Result<bool, CoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM content WHERE site_id = ? AND slug = ? AND id != ?")
            .bind(site.to_string())
            .bind(slug)
            .bind(except)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

/// A slug for an article: the given one (tidied) must be free in the site; a derived one gets
/// `-2`, `-3`, … until it is.
async fn choose_slug(
    conn: &mut SqliteConnection,
    site: SiteId,
    requested: &str,
    title: &str,
    this: Option<ContentId>,
) -> Result<String, CoreError> {
    let this = this.map(|c| c.to_string()).unwrap_or_default();
    if !requested.trim().is_empty() {
        let slug = slugify(requested);
        if slug.is_empty() {
            return Err(CoreError::invalid(
                "slug",
                "A slug needs at least one letter or digit (a–z, 0–9)",
            ));
        }
        if slug_taken(&mut *conn, site, &slug, &this).await? {
            return Err(CoreError::Conflict {
                field: "slug",
                message: format!(
                    "Another article of this site already uses the slug \u{201c}{slug}\u{201d}"
                ),
            });
        }
        return Ok(slug);
    }
    let base = match slugify(title) {
        s if s.is_empty() => "article".to_owned(),
        s => s,
    };
    let mut candidate = base.clone();
    let mut n = 2u32;
    while slug_taken(&mut *conn, site, &candidate, &this).await? {
        let suffix = format!("-{n}");
        let mut stem = base.clone();
        stem.truncate(MAX_SLUG_LEN - suffix.len());
        candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
        n += 1;
    }
    Ok(candidate)
}

async fn insert_content(tx: &mut WriteTx, c: &Content) -> Result<(), CoreError> {
    sqlx::query(&format!(
        "INSERT INTO content ({CONTENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(c.id.to_string())
    .bind(c.site_id.to_string())
    .bind(c.sector_id.to_string())
    .bind(c.task_id.map(|t| t.to_string()))
    .bind(c.cluster_id.map(|t| t.to_string()))
    .bind(&c.title)
    .bind(&c.body_html)
    .bind(&c.excerpt)
    .bind(&c.meta_title)
    .bind(&c.meta_description)
    .bind(&c.slug)
    .bind(c.word_count)
    .bind(c.content_type.as_str())
    .bind(c.content_structure.as_str())
    .bind(c.status.as_str())
    .bind(c.site_status.as_str())
    .bind(c.site_status_updated_at.map(ts))
    .bind(c.scheduled_publish_at.map(ts))
    .bind(&c.external_id)
    .bind(&c.external_url)
    .bind(ts(c.created_at))
    .bind(ts(c.updated_at))
    .execute(tx.conn())
    .await?;
    tx.touch(Entity::Content, c.id.as_uuid());
    Ok(())
}

fn new_article(
    site: SiteId,
    sector: SectorId,
    title: String,
    body_html: String,
    slug: String,
) -> Content {
    let at = now();
    Content {
        id: ContentId(Uuid::now_v7()),
        site_id: site,
        sector_id: sector,
        task_id: None,
        cluster_id: None,
        word_count: html_word_count(&body_html),
        title,
        body_html,
        excerpt: String::new(),
        meta_title: String::new(),
        meta_description: String::new(),
        slug,
        content_type: ContentType::Post,
        content_structure: ContentStructure::Article,
        status: ContentStatus::Draft,
        site_status: SiteStatus::NotPublished,
        site_status_updated_at: None,
        scheduled_publish_at: None,
        external_id: None,
        external_url: None,
        created_at: at,
        updated_at: at,
    }
}

impl Folio {
    /// Add a hand-written draft article to a site (its first sector unless one is given).
    pub async fn add_content(&self, input: NewContent) -> Result<Content, CoreError> {
        let title = required_text("title", "title", &input.title)?;
        let body = sanitize_article_body(&input.body_html.unwrap_or_default())?;
        let mut tx = self.begin_write().await?;
        let sector = sector_or_first(
            tx.conn(),
            &self.account_id.to_string(),
            input.site,
            input.sector,
        )
        .await?;
        let slug = choose_slug(tx.conn(), input.site, "", &title, None).await?;
        let content = new_article(input.site, sector, title, body, slug);
        insert_content(&mut tx, &content).await?;
        tx.commit().await?;
        tracing::info!(content_id = %content.id, site_id = %content.site_id, "content added");
        Ok(content)
    }

    /// Store the article written for a task: a draft in the task's site, sector and cluster. The
    /// task becomes `completed`, and so does its idea.
    pub async fn add_task_content(
        &self,
        task: TaskId,
        input: TaskContent,
    ) -> Result<Content, CoreError> {
        let mut tx = self.begin_write().await?;
        let content = self.add_task_content_in(&mut tx, task, input, None).await?;
        tx.commit().await?;
        Ok(content)
    }

    /// [`Folio::add_task_content`] inside the caller's write (the pipeline saves the article's
    /// quality report and its keywords' move in the same one).
    pub(crate) async fn add_task_content_in(
        &self,
        tx: &mut WriteTx,
        task: TaskId,
        input: TaskContent,
        id: Option<ContentId>,
    ) -> Result<Content, CoreError> {
        let title = required_text("title", "title", &input.title)?;
        let body = sanitize_article_body(&input.body_html)?;
        let account = self.account_id.to_string();
        let t = read_task(tx.conn(), &account, task).await?;
        if t.status == TaskStatus::Completed {
            return Err(CoreError::invalid(
                "status",
                format!(
                    "the task \u{201c}{}\u{201d} is already completed; edit its article instead",
                    t.title
                ),
            ));
        }
        t.status
            .transition(TaskStatus::Completed)
            .map_err(status_error)?;
        let slug = choose_slug(tx.conn(), t.site_id, &input.slug, &title, None).await?;
        let mut content = new_article(t.site_id, t.sector_id, title, body, slug);
        if let Some(id) = id {
            // The pipeline picks the id before writing, so every call's ledger entry names it.
            content.id = id;
        }
        content.task_id = Some(t.id);
        content.cluster_id = Some(t.cluster_id);
        content.excerpt = input.excerpt.trim().to_owned();
        content.meta_title = tidy(&input.meta_title);
        content.meta_description = tidy(&input.meta_description);
        content.content_type = t.content_type;
        content.content_structure = t.content_structure;
        insert_content(tx, &content).await?;
        sqlx::query("UPDATE tasks SET status = 'completed', updated_at = ? WHERE id = ?")
            .bind(ts(content.created_at))
            .bind(t.id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Task, t.id.as_uuid());
        if let Some(idea) = t.idea_id {
            move_idea(tx, idea, IdeaStatus::Completed).await?;
        }
        Ok(content)
    }

    pub async fn get_content(&self, id: ContentId) -> Result<Content, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), id).await
    }

    /// A site's articles, newest first.
    pub async fn list_content(&self, site: SiteId) -> Result<Vec<ContentSummary>, CoreError> {
        self.query_content(&ContentFilter::site(site)).await
    }

    /// A site's articles narrowed by sector and statuses, newest first.
    pub async fn query_content(&self, f: &ContentFilter) -> Result<Vec<ContentSummary>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_scope(&mut conn, &self.account_id.to_string(), f.site, f.sector).await?;
        // the body is not needed for a list; leave it out of the read
        let columns = CONTENT_COLUMNS.replace("body_html", "'' AS body_html");
        let mut q = crate::store::db::scoped_list(
            &columns,
            "content",
            f.site,
            f.sector,
            f.status.map(|s| ("status", s.as_str())),
        );
        if let Some(status) = f.site_status {
            q.push(" AND site_status = ").push_bind(status.as_str());
        }
        q.push(" ORDER BY created_at DESC, id DESC");
        let rows: Vec<ContentRow> = q.build_query_as().fetch_all(&mut *conn).await?;
        rows.into_iter()
            .map(|r| r.into_content().map(|c| summary(&c)))
            .collect()
    }

    /// Edit an article. A new body is sanitised and recounts the words; an empty slug is derived
    /// from the title.
    pub async fn update_content(
        &self,
        id: ContentId,
        u: ContentUpdate,
    ) -> Result<Content, CoreError> {
        self.update_content_as(id, u, ChangeKind::Edit).await
    }

    /// [`Self::update_content`], its document change signed as `kind`.
    pub(crate) async fn update_content_as(
        &self,
        id: ContentId,
        u: ContentUpdate,
        kind: ChangeKind,
    ) -> Result<Content, CoreError> {
        // Sanitised before the write transaction: parsing a large body need not hold the lock.
        let body = u
            .body_html
            .as_deref()
            .map(sanitize_article_body)
            .transpose()?;
        let base = match (&body, u.base_html.as_deref()) {
            (Some(_), Some(base)) => Some(sanitize_article_body(base)?),
            _ => None,
        };
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        tx.sign_as(kind);
        let mut c = read_content(tx.conn(), &account, id).await?;
        if let Some(title) = &u.title {
            c.title = required_text("title", "title", title)?;
        }
        if let Some(mut body) = body {
            if let Some(base) = base.filter(|b| *b != c.body_html) {
                // The stored body moved on since the editor's base: merge, never overwrite.
                body = sanitize_article_body(&merge_bodies(&base, &body, &c.body_html))?;
            }
            c.word_count = html_word_count(&body);
            c.body_html = body;
        }
        if let Some(v) = u.excerpt {
            c.excerpt = v.trim().to_owned();
        }
        if let Some(v) = u.meta_title {
            c.meta_title = tidy(&v);
        }
        if let Some(v) = u.meta_description {
            c.meta_description = tidy(&v);
        }
        if let Some(slug) = &u.slug {
            c.slug = choose_slug(tx.conn(), c.site_id, slug, &c.title, Some(c.id)).await?;
        }
        c.updated_at = now();
        sqlx::query(
            "UPDATE content SET title = ?, body_html = ?, word_count = ?, excerpt = ?, meta_title = ?,
                 meta_description = ?, slug = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&c.title)
        .bind(&c.body_html)
        .bind(c.word_count)
        .bind(&c.excerpt)
        .bind(&c.meta_title)
        .bind(&c.meta_description)
        .bind(&c.slug)
        .bind(ts(c.updated_at))
        .bind(c.id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Content, c.id.as_uuid());
        tx.commit().await?;
        Ok(c)
    }
}
