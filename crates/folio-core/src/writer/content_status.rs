//! An article's status moves: the editorial status (draft → review → approved → published) and
//! the site status (not published → scheduled → publishing → published | failed), each checked by
//! `folio_model::status`.

use crate::store::db::{now, status_error, ts};
use crate::writer::content::read_content;
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{Content, ContentId, ContentStatus, SiteStatus, SiteStatusChange, Status};

impl Folio {
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
