//! Publishing records: one per attempt to publish, update, unpublish or trash an article, with
//! its outcome. A record is written `pending` before anything reaches WordPress, so a crash leaves a
//! trace.

use crate::publishing::publisher::{advance, error_code};
use crate::store::db::{now, parse_stored, ts};
use crate::writer::content::read_content;
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{
    Content, ContentId, ContentStatus, PublishAction, PublishingRecord, PublishingRecordId,
    RecordStatus, SiteStatus, Status,
};
use folio_wordpress::WpPost;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: String,
    content_id: String,
    site_id: String,
    action: String,
    status: String,
    remote_status: Option<String>,
    external_id: Option<String>,
    external_url: Option<String>,
    error: Option<String>,
    error_code: Option<String>,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl RecordRow {
    fn into_record(self) -> Result<PublishingRecord, CoreError> {
        Ok(PublishingRecord {
            id: parse_stored("publishing record id", &self.id)?,
            content_id: parse_stored("content id", &self.content_id)?,
            site_id: parse_stored("site id", &self.site_id)?,
            action: parse_stored("publishing action", &self.action)?,
            status: parse_stored("publishing record status", &self.status)?,
            remote_status: self.remote_status,
            external_id: self.external_id,
            external_url: self.external_url,
            error: self.error,
            error_code: self.error_code,
            started_at: self.started_at,
            finished_at: self.finished_at,
        })
    }
}

const RECORD_COLUMNS: &str = "id, content_id, site_id, action, status, remote_status, external_id, external_url, error, error_code, started_at, finished_at";

impl Folio {
    /// Every publishing attempt of an article, newest first.
    pub async fn publishing_records(
        &self,
        content: ContentId,
    ) -> Result<Vec<PublishingRecord>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), content).await?;
        let rows: Vec<RecordRow> = sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} FROM publishing_records WHERE content_id = ?
             ORDER BY started_at DESC, id DESC"
        ))
        .bind(content.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(RecordRow::into_record).collect()
    }

    /// Record the attempt as pending and mark the article `publishing`, before the first
    /// request to the site.
    pub(crate) async fn start_attempt(
        &self,
        content: &Content,
        action: PublishAction,
    ) -> Result<PublishingRecord, CoreError> {
        let mut tx = self.begin_write().await?;
        let c = read_content(tx.conn(), &self.account_id.to_string(), content.id).await?;
        let at = now();
        let record = PublishingRecord {
            id: PublishingRecordId(Uuid::now_v7()),
            content_id: c.id,
            site_id: c.site_id,
            action,
            status: RecordStatus::Pending,
            remote_status: None,
            external_id: c.external_id.clone(),
            external_url: c.external_url.clone(),
            error: None,
            error_code: None,
            started_at: at,
            finished_at: None,
        };
        sqlx::query(&format!(
            "INSERT INTO publishing_records ({RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, NULL)"
        ))
        .bind(record.id.to_string())
        .bind(c.id.to_string())
        .bind(c.site_id.to_string())
        .bind(action.as_str())
        .bind(RecordStatus::Pending.as_str())
        .bind(&record.external_id)
        .bind(&record.external_url)
        .bind(ts(at))
        .execute(tx.conn())
        .await?;
        // A crash leaves the article `publishing`; the next attempt simply carries on.
        if c.site_status != SiteStatus::Publishing {
            c.site_status
                .transition(SiteStatus::Publishing)
                .map_err(|e| CoreError::invalid("site_status", e.to_string()))?;
            sqlx::query(
                "UPDATE content SET site_status = 'publishing', site_status_updated_at = ?, updated_at = ?
                 WHERE id = ?",
            )
            .bind(ts(at))
            .bind(ts(at))
            .bind(c.id.to_string())
            .execute(tx.conn())
            .await?;
        }
        tx.touch(Entity::Content, c.id.as_uuid());
        tx.commit().await?;
        Ok(record)
    }

    /// Finish a failed attempt: the record says why; its text and everything else local stay
    /// as they were. An article that was not on the site is `failed`; one whose post is live
    /// or scheduled keeps saying so (a failed update or unpublish leaves the post as it was).
    pub(crate) async fn fail_attempt(
        &self,
        mut record: PublishingRecord,
        before: SiteStatus,
        error: &CoreError,
    ) -> Result<(), CoreError> {
        let after = match before {
            SiteStatus::Published | SiteStatus::Scheduled => before,
            _ => SiteStatus::Failed,
        };
        let mut tx = self.begin_write().await?;
        let at = now();
        record.status = RecordStatus::Failed;
        sqlx::query(
            "UPDATE publishing_records SET status = 'failed', error = ?, error_code = ?, finished_at = ?
             WHERE id = ?",
        )
        .bind(error.to_string())
        .bind(error_code(error))
        .bind(ts(at))
        .bind(record.id.to_string())
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "UPDATE content SET site_status = ?, site_status_updated_at = ?, updated_at = ?
             WHERE id = ? AND site_status = 'publishing'",
        )
        .bind(after.as_str())
        .bind(ts(at))
        .bind(ts(at))
        .bind(record.content_id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Content, record.content_id.as_uuid());
        tx.commit().await
    }

    /// Save where the post now is: its id, address and `modified_gmt`, the article's states, and
    /// the record.
    pub(crate) async fn finish_attempt(
        &self,
        mut record: PublishingRecord,
        post: &WpPost,
    ) -> Result<(Content, PublishingRecord), CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let mut c = read_content(tx.conn(), &account, record.content_id).await?;
        let at = now();
        let site_status = match post.status.as_str() {
            "publish" | "private" => SiteStatus::Published,
            "future" => SiteStatus::Scheduled,
            // draft, pending, trash: on the site, not published
            _ => SiteStatus::NotPublished,
        };
        c.status = match site_status {
            SiteStatus::Published => advance(c.status, ContentStatus::Published),
            SiteStatus::Scheduled => advance(c.status, ContentStatus::Approved),
            // unpublishing returns an article to draft (status.rs)
            _ if c.status == ContentStatus::Published => ContentStatus::Draft,
            _ => c.status,
        };
        c.scheduled_publish_at = if site_status == SiteStatus::Scheduled {
            post.date_gmt
        } else {
            None
        };
        c.site_status = site_status;
        c.site_status_updated_at = Some(at);
        c.external_id = Some(post.id.to_string());
        c.external_url = Some(post.link.clone());
        c.updated_at = at;
        sqlx::query(
            "UPDATE content SET status = ?, site_status = ?, site_status_updated_at = ?,
                 scheduled_publish_at = ?, external_id = ?, external_url = ?,
                 external_modified_at = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(c.status.as_str())
        .bind(site_status.as_str())
        .bind(ts(at))
        .bind(c.scheduled_publish_at.map(ts))
        .bind(&c.external_id)
        .bind(&c.external_url)
        .bind(post.modified_gmt.map(ts))
        .bind(ts(at))
        .bind(c.id.to_string())
        .execute(tx.conn())
        .await?;
        record.status = RecordStatus::Succeeded;
        record.remote_status = Some(post.status.clone());
        record.external_id = c.external_id.clone();
        record.external_url = c.external_url.clone();
        record.finished_at = Some(at);
        sqlx::query(
            "UPDATE publishing_records SET status = 'succeeded', remote_status = ?, external_id = ?,
                 external_url = ?, finished_at = ? WHERE id = ?",
        )
        .bind(&record.remote_status)
        .bind(&record.external_id)
        .bind(&record.external_url)
        .bind(ts(at))
        .bind(record.id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Content, c.id.as_uuid());
        tx.commit().await?;
        Ok((c, record))
    }

    pub(crate) async fn seen_modified(
        &self,
        content: ContentId,
    ) -> Result<Option<DateTime<Utc>>, CoreError> {
        let row: Option<(Option<DateTime<Utc>>,)> =
            sqlx::query_as("SELECT external_modified_at FROM content WHERE id = ?")
                .bind(content.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|r| r.0))
    }
}
