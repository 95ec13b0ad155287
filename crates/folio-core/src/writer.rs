//! Tasks, content (articles), their images and their categories and tags.
//!
//! A task belongs to a cluster of its own site and sector (and, when it comes from an idea, to
//! that idea's cluster); an article belongs to its task's site and sector. Slugs are unique per
//! site and derived from the title when not given; the word count is computed from the body.

use crate::planner::{
    check_cluster_in, check_scope, move_idea, prefixed, read_idea, required_text,
};
use crate::site_settings::{
    check_site, check_site_sector, from_json, not_found, now, parse_stored, sector_or_first,
    status_error, to_json, ts,
};
use crate::text::{name_key, tidy};
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{
    Content, ContentFilter, ContentId, ContentStatus, ContentStructure, ContentSummary,
    ContentType, ContentUpdate, IdeaId, IdeaStatus, Image, ImageId, ImageResult, ImageStatus,
    NewContent, NewImage, NewTask, SectorId, SiteId, SiteStatus, SiteStatusChange, Status, Task,
    TaskContent, TaskId, TaskStatus, TaxonomyType, Term, TermId,
};
use sqlx::SqliteConnection;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// WordPress keeps slugs to 200 bytes.
pub const MAX_SLUG_LEN: usize = 200;

/// A URL slug: accents dropped, lowercase ASCII letters and digits, single hyphens between words.
/// Empty when nothing of the input survives (a title in a non-Latin script, say).
pub fn slugify(input: &str) -> String {
    let mut slug = String::with_capacity(input.len());
    let mut pending_hyphen = false;
    let push = |slug: &mut String, s: &str, pending: &mut bool| {
        if *pending && !slug.is_empty() {
            slug.push('-');
        }
        *pending = false;
        slug.push_str(s);
    };
    for c in input.nfkd() {
        // letters NFKD does not decompose into ASCII
        let spelled = match c {
            'ß' => Some("ss"),
            'æ' | 'Æ' => Some("ae"),
            'œ' | 'Œ' => Some("oe"),
            'ø' | 'Ø' => Some("o"),
            'đ' | 'Đ' => Some("d"),
            'ł' | 'Ł' => Some("l"),
            'þ' | 'Þ' => Some("th"),
            _ => None,
        };
        if let Some(s) = spelled {
            push(&mut slug, s, &mut pending_hyphen);
        } else if c.is_ascii_alphanumeric() {
            push(
                &mut slug,
                &c.to_ascii_lowercase().to_string(),
                &mut pending_hyphen,
            );
        } else if matches!(c, '\'' | '\u{2019}')
            || is_combining_mark(c)
            || (!c.is_ascii() && c.is_alphanumeric())
        {
            // apostrophes join ("don't" → "dont"); accents and other scripts are dropped
        } else {
            pending_hyphen = true;
        }
    }
    if slug.len() > MAX_SLUG_LEN {
        slug.truncate(MAX_SLUG_LEN);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    slug
}

/// Inline elements do not separate words (`<b>wo</b>rd` is one word); every other tag does.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// The text of an HTML fragment: tags removed (script and style with their contents), the
/// common entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        // `<` not opening a tag ("1 < 2") is text
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            out.push('<');
            rest = after;
            continue;
        }
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |i| &comment[i + 3..]);
            continue;
        }
        let Some(gt) = after.find('>') else {
            // a stray `<` is text
            out.push('<');
            rest = after;
            continue;
        };
        let tag = &after[..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(i) => &rest[i..],
                None => "",
            };
            out.push(' ');
            continue;
        }
        if !INLINE_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// Words in an HTML fragment's text: runs separated by whitespace that contain a letter or digit
/// (so a lone "—" or "|" is not a word).
pub fn html_word_count(html: &str) -> u32 {
    let n = html_text(html)
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---- tasks ----------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: String,
    site_id: String,
    sector_id: String,
    cluster_id: String,
    idea_id: Option<String>,
    title: String,
    brief: String,
    primary_keyword: String,
    secondary_keywords: String,
    content_type: String,
    content_structure: String,
    target_word_count: Option<i64>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const TASK_COLUMNS: &str = "id, site_id, sector_id, cluster_id, idea_id, title, brief, primary_keyword, secondary_keywords, content_type, content_structure, target_word_count, status, created_at, updated_at";

impl TaskRow {
    fn into_task(self) -> Result<Task, CoreError> {
        Ok(Task {
            id: parse_stored("task id", &self.id)?,
            site_id: parse_stored("site id", &self.site_id)?,
            sector_id: parse_stored("sector id", &self.sector_id)?,
            cluster_id: parse_stored("cluster id", &self.cluster_id)?,
            idea_id: self
                .idea_id
                .map(|i| parse_stored("idea id", &i))
                .transpose()?,
            secondary_keywords: from_json!("task keywords", &self.secondary_keywords)?,
            content_type: parse_stored("content type", &self.content_type)?,
            content_structure: parse_stored("content structure", &self.content_structure)?,
            target_word_count: self.target_word_count.and_then(|n| u32::try_from(n).ok()),
            status: parse_stored("task status", &self.status)?,
            title: self.title,
            brief: self.brief,
            primary_keyword: self.primary_keyword,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

async fn read_task(
    conn: &mut SqliteConnection,
    account: &str,
    id: TaskId,
) -> Result<Task, CoreError> {
    let row: Option<TaskRow> = sqlx::query_as(&format!(
        "SELECT {} FROM tasks t JOIN sites s ON s.id = t.site_id WHERE t.id = ? AND s.account_id = ?",
        prefixed("t", TASK_COLUMNS)
    ))
    .bind(id.to_string())
    .bind(account)
    .fetch_optional(conn)
    .await?;
    row.ok_or_else(|| not_found(format!("task {id}")))?
        .into_task()
}

async fn insert_task(tx: &mut WriteTx, t: &Task) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO tasks (id, site_id, sector_id, cluster_id, idea_id, title, brief, primary_keyword,
             secondary_keywords, content_type, content_structure, target_word_count, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(t.id.to_string())
    .bind(t.site_id.to_string())
    .bind(t.sector_id.to_string())
    .bind(t.cluster_id.to_string())
    .bind(t.idea_id.map(|i| i.to_string()))
    .bind(&t.title)
    .bind(&t.brief)
    .bind(&t.primary_keyword)
    .bind(to_json!(&t.secondary_keywords)?)
    .bind(t.content_type.as_str())
    .bind(t.content_structure.as_str())
    .bind(t.target_word_count)
    .bind(t.status.as_str())
    .bind(ts(t.created_at))
    .bind(ts(t.updated_at))
    .execute(tx.conn())
    .await?;
    tx.touch(Entity::Task, t.id.as_uuid());
    Ok(())
}

impl Folio {
    /// Create a writing task for a cluster of the same site and sector (and, optionally, one of
    /// that cluster's ideas).
    pub async fn create_task(&self, input: NewTask) -> Result<Task, CoreError> {
        let title = required_text("title", "title", &input.title)?;
        if input.target_word_count == Some(0) {
            return Err(CoreError::invalid(
                "target_word_count",
                "A target word count must be more than 0",
            ));
        }
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        check_site_sector(tx.conn(), &account, input.site, input.sector).await?;
        check_cluster_in(tx.conn(), input.cluster, input.site, input.sector).await?;
        if let Some(idea) = input.idea {
            let idea = read_idea(tx.conn(), &account, idea).await?;
            if idea.cluster_id != input.cluster {
                return Err(CoreError::invalid(
                    "idea",
                    format!(
                        "the idea \u{201c}{}\u{201d} belongs to another cluster; a task takes its idea's cluster",
                        idea.title
                    ),
                ));
            }
        }
        let at = now();
        let task = Task {
            id: TaskId(Uuid::now_v7()),
            site_id: input.site,
            sector_id: input.sector,
            cluster_id: input.cluster,
            idea_id: input.idea,
            title,
            brief: input.brief.trim().to_owned(),
            primary_keyword: tidy(&input.primary_keyword),
            secondary_keywords: input
                .secondary_keywords
                .iter()
                .map(|k| tidy(k))
                .filter(|k| !k.is_empty())
                .collect(),
            content_type: input.content_type,
            content_structure: input.content_structure,
            target_word_count: input.target_word_count,
            status: TaskStatus::Queued,
            created_at: at,
            updated_at: at,
        };
        insert_task(&mut tx, &task).await?;
        tx.commit().await?;
        Ok(task)
    }

    /// Turn an idea into a writing task (local and free) and mark the idea `queued`.
    pub async fn queue_idea(&self, idea: IdeaId) -> Result<Task, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let idea = read_idea(tx.conn(), &account, idea).await?;
        if idea.status != IdeaStatus::New {
            return Err(CoreError::invalid(
                "status",
                format!(
                    "the idea \u{201c}{}\u{201d} is already {}; only new ideas are queued",
                    idea.title, idea.status
                ),
            ));
        }
        move_idea(&mut tx, idea.id, IdeaStatus::Queued).await?;
        let mut keywords: Vec<String> = Vec::new();
        let ids: Vec<_> = idea
            .primary_keyword
            .iter()
            .chain(&idea.secondary_keywords)
            .collect();
        for id in &ids {
            let text: Option<(String,)> =
                sqlx::query_as("SELECT keyword FROM keywords WHERE id = ?")
                    .bind(id.to_string())
                    .fetch_optional(tx.conn())
                    .await?;
            if let Some((t,)) = text {
                keywords.push(t);
            }
        }
        let (primary_keyword, secondary_keywords) = match idea.primary_keyword {
            Some(_) if !keywords.is_empty() => (keywords.remove(0), keywords),
            _ => (String::new(), keywords),
        };
        let outline: Vec<String> = idea
            .outline
            .iter()
            .map(|s| {
                if s.notes.is_empty() {
                    format!("- {}", s.heading)
                } else {
                    format!("- {}: {}", s.heading, s.notes)
                }
            })
            .collect();
        let brief = [idea.description.clone(), outline.join("\n")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        let at = now();
        let task = Task {
            id: TaskId(Uuid::now_v7()),
            site_id: idea.site_id,
            sector_id: idea.sector_id,
            cluster_id: idea.cluster_id,
            idea_id: Some(idea.id),
            title: idea.title,
            brief,
            primary_keyword,
            secondary_keywords,
            content_type: idea.content_type,
            content_structure: idea.content_structure,
            target_word_count: idea.target_word_count,
            status: TaskStatus::Queued,
            created_at: at,
            updated_at: at,
        };
        insert_task(&mut tx, &task).await?;
        tx.commit().await?;
        Ok(task)
    }

    pub async fn get_task(&self, id: TaskId) -> Result<Task, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_task(&mut conn, &self.account_id.to_string(), id).await
    }

    /// A site's tasks (optionally one sector's, optionally one status), newest first.
    pub async fn list_tasks(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<TaskStatus>,
    ) -> Result<Vec<Task>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_scope(&mut conn, &self.account_id.to_string(), site, sector).await?;
        let mut q = crate::planner::scoped_list(
            TASK_COLUMNS,
            "tasks",
            site,
            sector,
            status.map(|s| ("status", s.as_str())),
        );
        q.push(" ORDER BY created_at DESC, id DESC");
        let rows: Vec<TaskRow> = q.build_query_as().fetch_all(&mut *conn).await?;
        rows.into_iter().map(TaskRow::into_task).collect()
    }

    /// Move a task to a status (`queued → completed`; completed is final).
    pub async fn set_task_status(&self, id: TaskId, to: TaskStatus) -> Result<Task, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let task = read_task(tx.conn(), &account, id).await?;
        task.status.transition(to).map_err(status_error)?;
        let at = now();
        sqlx::query("UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?")
            .bind(to.as_str())
            .bind(ts(at))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Task, id.as_uuid());
        tx.commit().await?;
        Ok(Task {
            status: to,
            updated_at: at,
            ..task
        })
    }
}

// ---- content --------------------------------------------------------------------------------

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
        let body = input.body_html.unwrap_or_default();
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
        let title = required_text("title", "title", &input.title)?;
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
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
        let mut content = new_article(t.site_id, t.sector_id, title, input.body_html, slug);
        content.task_id = Some(t.id);
        content.cluster_id = Some(t.cluster_id);
        content.excerpt = input.excerpt.trim().to_owned();
        content.meta_title = tidy(&input.meta_title);
        content.meta_description = tidy(&input.meta_description);
        content.content_type = t.content_type;
        content.content_structure = t.content_structure;
        insert_content(&mut tx, &content).await?;
        sqlx::query("UPDATE tasks SET status = 'completed', updated_at = ? WHERE id = ?")
            .bind(ts(content.created_at))
            .bind(t.id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Task, t.id.as_uuid());
        if let Some(idea) = t.idea_id {
            move_idea(&mut tx, idea, IdeaStatus::Completed).await?;
        }
        tx.commit().await?;
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
        let mut q = crate::planner::scoped_list(
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

    /// Edit an article. A new body recounts the words; an empty slug is derived from the title.
    pub async fn update_content(
        &self,
        id: ContentId,
        u: ContentUpdate,
    ) -> Result<Content, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let mut c = read_content(tx.conn(), &account, id).await?;
        if let Some(title) = &u.title {
            c.title = required_text("title", "title", title)?;
        }
        if let Some(body) = u.body_html {
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

    /// Move an article through the editorial workflow (draft → review → approved → published).
    /// `published` is reached by publishing (see [`Folio::set_site_status`]), and an article on
    /// its site must be taken off it before it can go back to draft.
    pub async fn set_content_status(
        &self,
        id: ContentId,
        to: ContentStatus,
    ) -> Result<Content, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let mut c = read_content(tx.conn(), &account, id).await?;
        c.status.transition(to).map_err(status_error)?;
        if to == ContentStatus::Published && c.site_status != SiteStatus::Published {
            return Err(CoreError::invalid(
                "status",
                "an article becomes published when it is published to its site; publish it instead",
            ));
        }
        if c.status == ContentStatus::Published
            && to != ContentStatus::Published
            && c.site_status == SiteStatus::Published
        {
            return Err(CoreError::invalid(
                "status",
                "the article is live on its site; unpublish it there before editing its status",
            ));
        }
        let at = now();
        sqlx::query("UPDATE content SET status = ?, updated_at = ? WHERE id = ?")
            .bind(to.as_str())
            .bind(ts(at))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Content, id.as_uuid());
        tx.commit().await?;
        c.status = to;
        c.updated_at = at;
        Ok(c)
    }

    /// Move an article along its publishing states. Only approved (or already published)
    /// articles are scheduled or published; `scheduled` needs a time, `published` the post's id
    /// and URL, and an article that reaches `published` on its site is `published` editorially
    /// too. Taking a published article off the site (`not_published`) returns it to `draft`.
    pub async fn set_site_status(
        &self,
        id: ContentId,
        change: SiteStatusChange,
    ) -> Result<Content, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let mut c = read_content(tx.conn(), &account, id).await?;
        let to = change.to;
        c.site_status.transition(to).map_err(status_error)?;
        if matches!(
            to,
            SiteStatus::Scheduled | SiteStatus::Publishing | SiteStatus::Published
        ) && !matches!(c.status, ContentStatus::Approved | ContentStatus::Published)
        {
            return Err(CoreError::invalid(
                "status",
                format!(
                    "only approved articles can be scheduled or published; this one is {}",
                    c.status
                ),
            ));
        }
        match to {
            SiteStatus::Scheduled => {
                let at = change.scheduled_publish_at.ok_or_else(|| {
                    CoreError::invalid("scheduled_publish_at", "Choose when to publish")
                })?;
                c.scheduled_publish_at = Some(at.trunc_to_micros());
            }
            SiteStatus::Published => {
                let ext = change
                    .external_id
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                let url = change
                    .external_url
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                let (Some(ext), Some(url)) = (ext, url) else {
                    return Err(CoreError::invalid(
                        "external_id",
                        "A published article needs the post's id and URL on its site",
                    ));
                };
                c.external_id = Some(ext.to_owned());
                c.external_url = Some(url.to_owned());
                c.status = c
                    .status
                    .transition(ContentStatus::Published)
                    .map_err(status_error)?;
            }
            SiteStatus::NotPublished => {
                c.scheduled_publish_at = None;
                // status.rs: unpublishing returns an article to draft
                if c.status == ContentStatus::Published {
                    c.status = ContentStatus::Draft;
                }
            }
            SiteStatus::Publishing | SiteStatus::Failed => {}
        }
        let at = now();
        c.site_status = to;
        c.site_status_updated_at = Some(at);
        c.updated_at = at;
        sqlx::query(
            "UPDATE content SET status = ?, site_status = ?, site_status_updated_at = ?,
                 scheduled_publish_at = ?, external_id = ?, external_url = ?, updated_at = ? WHERE id = ?",
        )
        .bind(c.status.as_str())
        .bind(to.as_str())
        .bind(ts(at))
        .bind(c.scheduled_publish_at.map(ts))
        .bind(&c.external_id)
        .bind(&c.external_url)
        .bind(ts(at))
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Content, id.as_uuid());
        tx.commit().await?;
        Ok(c)
    }
}

trait TruncMicros {
    fn trunc_to_micros(self) -> Self;
}

impl TruncMicros for DateTime<Utc> {
    fn trunc_to_micros(self) -> Self {
        use chrono::SubsecRound;
        self.trunc_subsecs(6)
    }
}

// ---- images ---------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
pub(crate) struct ImageRow {
    id: String,
    content_id: String,
    image_type: String,
    url: Option<String>,
    local_path: Option<String>,
    alt_text: String,
    caption: String,
    position: i64,
    prompt: String,
    provider: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    external_media_id: Option<i64>,
}

pub(crate) const IMAGE_COLUMNS: &str = "id, content_id, image_type, url, local_path, alt_text, caption, position, prompt, provider, status, created_at, external_media_id";

impl ImageRow {
    pub(crate) fn into_image(self) -> Result<Image, CoreError> {
        Ok(Image {
            id: parse_stored("image id", &self.id)?,
            content_id: parse_stored("content id", &self.content_id)?,
            image_type: parse_stored("image type", &self.image_type)?,
            position: u32::try_from(self.position).unwrap_or(0),
            status: parse_stored("image status", &self.status)?,
            url: self.url,
            local_path: self.local_path,
            alt_text: self.alt_text,
            caption: self.caption,
            prompt: self.prompt,
            provider: self.provider,
            created_at: self.created_at,
            external_media_id: self.external_media_id,
        })
    }
}

pub(crate) async fn read_image(
    conn: &mut SqliteConnection,
    account: &str,
    id: ImageId,
) -> Result<Image, CoreError> {
    let row: Option<ImageRow> = sqlx::query_as(&format!(
        "SELECT {} FROM images i JOIN content c ON c.id = i.content_id JOIN sites s ON s.id = c.site_id
         WHERE i.id = ? AND s.account_id = ?",
        prefixed("i", IMAGE_COLUMNS)
    ))
    .bind(id.to_string())
    .bind(account)
    .fetch_optional(conn)
    .await?;
    row.ok_or_else(|| not_found(format!("image {id}")))?
        .into_image()
}

pub(crate) async fn insert_image(
    conn: &mut SqliteConnection,
    image: &Image,
) -> Result<(), CoreError> {
    sqlx::query(&format!(
        "INSERT INTO images ({IMAGE_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(image.id.to_string())
    .bind(image.content_id.to_string())
    .bind(image.image_type.as_str())
    .bind(&image.url)
    .bind(&image.local_path)
    .bind(&image.alt_text)
    .bind(&image.caption)
    .bind(image.position)
    .bind(&image.prompt)
    .bind(&image.provider)
    .bind(image.status.as_str())
    .bind(ts(image.created_at))
    .bind(image.external_media_id)
    .bind(ts(image.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

impl Folio {
    /// Add an image (a prompt waiting to be generated) to an article. An article has one
    /// featured image.
    pub async fn add_image(&self, input: NewImage) -> Result<Image, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        read_content(tx.conn(), &account, input.content).await?;
        if input.image_type == folio_model::ImageType::Featured {
            let existing: Option<(String,)> = sqlx::query_as(
                "SELECT id FROM images WHERE content_id = ? AND image_type = 'featured'",
            )
            .bind(input.content.to_string())
            .fetch_optional(tx.conn())
            .await?;
            if existing.is_some() {
                return Err(CoreError::Conflict {
                    field: "image_type",
                    message: "The article already has a featured image".into(),
                });
            }
        }
        let image = Image {
            id: ImageId(Uuid::now_v7()),
            content_id: input.content,
            image_type: input.image_type,
            url: None,
            local_path: None,
            alt_text: tidy(&input.alt_text),
            caption: input.caption.trim().to_owned(),
            position: input.position,
            prompt: input.prompt.trim().to_owned(),
            provider: None,
            status: ImageStatus::Pending,
            created_at: now(),
            external_media_id: None,
        };
        insert_image(tx.conn(), &image).await?;
        tx.touch(Entity::Image, image.id.as_uuid());
        tx.commit().await?;
        Ok(image)
    }

    /// An article's images: the featured one first, then in position order.
    pub async fn list_images(&self, content: ContentId) -> Result<Vec<Image>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), content).await?;
        let rows: Vec<ImageRow> = sqlx::query_as(&format!(
            "SELECT {IMAGE_COLUMNS} FROM images WHERE content_id = ?
             ORDER BY image_type != 'featured', position, id"
        ))
        .bind(content.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(ImageRow::into_image).collect()
    }

    /// Record an image generation's outcome (`pending → generated | failed`, `failed → pending`
    /// to retry). A generated image needs its URL or file.
    pub async fn set_image_status(
        &self,
        id: ImageId,
        result: ImageResult,
    ) -> Result<Image, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let mut image = read_image(tx.conn(), &account, id).await?;
        image.status.transition(result.to).map_err(status_error)?;
        if result.to == ImageStatus::Generated {
            let url = result
                .url
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let path = result
                .local_path
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            if url.is_none() && path.is_none() {
                return Err(CoreError::invalid(
                    "url",
                    "A generated image needs its URL or its file",
                ));
            }
            image.url = url.map(str::to_owned);
            image.local_path = path.map(str::to_owned);
            image.provider = result
                .provider
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty());
        }
        image.status = result.to;
        sqlx::query(
            "UPDATE images SET status = ?, url = ?, local_path = ?, provider = ?, updated_at = ? WHERE id = ?",
        )
        .bind(image.status.as_str())
        .bind(&image.url)
        .bind(&image.local_path)
        .bind(&image.provider)
        .bind(ts(now()))
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Image, id.as_uuid());
        tx.commit().await?;
        Ok(image)
    }
}

// ---- categories and tags --------------------------------------------------------------------

fn term_from(
    row: (String, String, String, String, String, Option<i64>),
) -> Result<Term, CoreError> {
    let (id, site, taxonomy, name, slug, external_id) = row;
    Ok(Term {
        id: parse_stored("term id", &id)?,
        site_id: parse_stored("site id", &site)?,
        taxonomy: parse_stored("taxonomy", &taxonomy)?,
        name,
        slug,
        external_id,
    })
}

impl Folio {
    /// The category or tag of a site with this name, created if it does not exist yet.
    pub async fn add_term(
        &self,
        site: SiteId,
        taxonomy: TaxonomyType,
        name: &str,
    ) -> Result<Term, CoreError> {
        let name = required_text("name", &format!("{taxonomy} name"), name)?;
        let key = name_key(&name);
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let existing: Option<(String, String, String, String, String, Option<i64>)> =
            sqlx::query_as(
                "SELECT id, site_id, taxonomy, name, slug, external_id FROM taxonomy_terms
             WHERE site_id = ? AND taxonomy = ? AND name_key = ?",
            )
            .bind(site.to_string())
            .bind(taxonomy.as_str())
            .bind(&key)
            .fetch_optional(tx.conn())
            .await?;
        if let Some(row) = existing {
            return term_from(row);
        }
        let slug = match slugify(&name) {
            s if s.is_empty() => key.replace(' ', "-"),
            s => s,
        };
        let term = Term {
            id: TermId(Uuid::now_v7()),
            site_id: site,
            taxonomy,
            name,
            slug,
            external_id: None,
        };
        sqlx::query(
            "INSERT INTO taxonomy_terms (id, site_id, taxonomy, name, name_key, slug, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(term.id.to_string())
        .bind(site.to_string())
        .bind(taxonomy.as_str())
        .bind(&term.name)
        .bind(&key)
        .bind(&term.slug)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Taxonomy, term.id.as_uuid());
        tx.commit().await?;
        Ok(term)
    }

    /// A site's categories or tags (or both), by name.
    pub async fn list_terms(
        &self,
        site: SiteId,
        taxonomy: Option<TaxonomyType>,
    ) -> Result<Vec<Term>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_site(&mut conn, &self.account_id.to_string(), site).await?;
        let rows: Vec<(String, String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, site_id, taxonomy, name, slug, external_id FROM taxonomy_terms
             WHERE site_id = ?1 AND (?2 IS NULL OR taxonomy = ?2) ORDER BY taxonomy, name_key",
        )
        .bind(site.to_string())
        .bind(taxonomy.map(|t| t.as_str()))
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(term_from).collect()
    }

    /// Replace an article's categories and tags; the terms must be of the article's site.
    pub async fn set_content_terms(
        &self,
        content: ContentId,
        terms: &[TermId],
    ) -> Result<Vec<Term>, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let c = read_content(tx.conn(), &account, content).await?;
        for t in terms {
            let site: Option<(String,)> =
                sqlx::query_as("SELECT site_id FROM taxonomy_terms WHERE id = ?")
                    .bind(t.to_string())
                    .fetch_optional(tx.conn())
                    .await?;
            match site {
                None => return Err(not_found(format!("term {t}"))),
                Some((s,)) if s != c.site_id.to_string() => {
                    return Err(CoreError::invalid(
                        "terms",
                        format!("term {t} belongs to another site than the article"),
                    ))
                }
                Some(_) => {}
            }
        }
        sqlx::query("DELETE FROM content_terms WHERE content_id = ?")
            .bind(content.to_string())
            .execute(tx.conn())
            .await?;
        for t in terms {
            sqlx::query("INSERT OR IGNORE INTO content_terms (content_id, term_id) VALUES (?, ?)")
                .bind(content.to_string())
                .bind(t.to_string())
                .execute(tx.conn())
                .await?;
        }
        tx.touch(Entity::Content, content.as_uuid());
        tx.commit().await?;
        self.content_terms(content).await
    }

    /// Add categories and tags to an article by name, creating the site's terms that do not
    /// exist yet; the article keeps the terms it had.
    pub async fn add_content_terms(
        &self,
        content: ContentId,
        names: &[(TaxonomyType, String)],
    ) -> Result<Vec<Term>, CoreError> {
        let c = self.get_content(content).await?;
        let mut terms: Vec<TermId> = self
            .content_terms(content)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        for (taxonomy, name) in names {
            let term = self.add_term(c.site_id, *taxonomy, name).await?;
            if !terms.contains(&term.id) {
                terms.push(term.id);
            }
        }
        self.set_content_terms(content, &terms).await
    }

    /// An article's categories and tags.
    pub async fn content_terms(&self, content: ContentId) -> Result<Vec<Term>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), content).await?;
        let rows: Vec<(String, String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT t.id, t.site_id, t.taxonomy, t.name, t.slug, t.external_id
             FROM content_terms ct JOIN taxonomy_terms t ON t.id = ct.term_id
             WHERE ct.content_id = ? ORDER BY t.taxonomy, t.name_key",
        )
        .bind(content.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(term_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_with_single_hyphens() {
        for (input, want) in [
            ("Hello, World!", "hello-world"),
            ("  Best   Garden Hoes (2026) ", "best-garden-hoes-2026"),
            ("Café crème brûlée", "cafe-creme-brulee"),
            ("Don't panic — it’s fine", "dont-panic-its-fine"),
            ("Straße & Ölgemälde", "strasse-olgemalde"),
            ("日本語 guide", "guide"),
            ("---", ""),
            ("日本語", ""),
        ] {
            assert_eq!(slugify(input), want, "{input:?}");
        }
        let long = "word ".repeat(100);
        let s = slugify(&long);
        assert!(s.len() <= MAX_SLUG_LEN && !s.ends_with('-'), "{s}");
    }

    #[test]
    fn words_are_counted_in_the_html_text() {
        assert_eq!(html_word_count(""), 0);
        assert_eq!(html_word_count("<p>One two</p><p>three</p>"), 3);
        assert_eq!(html_word_count("<p>wo<b>rd</b> and <em>more</em></p>"), 3);
        assert_eq!(
            html_word_count("<h2>Tools</h2><ul><li>hoe</li><li>rake</li></ul>"),
            3
        );
        assert_eq!(html_word_count("a&nbsp;b &amp; c &#8212; d"), 4);
        assert_eq!(
            html_word_count("<p>x</p><script>var a = 1 + 2;</script><style>p{}</style><p>y</p>"),
            2
        );
        assert_eq!(
            html_word_count("<table><tr><th>Size</th><td>10&nbsp;cm</td></tr></table>"),
            3
        );
        assert_eq!(html_word_count("1 < 2 and 3 > 2"), 5);
        assert_eq!(html_word_count("<p>a<!-- b > c --> d</p>"), 2);
    }
}
