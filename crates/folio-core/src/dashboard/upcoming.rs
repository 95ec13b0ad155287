//! The next scheduled posts: scheduled articles whose slot is still ahead, soonest first (over
//! the `content_due` index of scheduled slots).

use crate::store::db::{now, parse_stored, ts};
use crate::{CoreError, Folio};
use folio_model::{SiteId, UpcomingPost, DASHBOARD_NEXT_POSTS};

pub(super) async fn next_posts(
    folio: &Folio,
    site: Option<SiteId>,
) -> Result<Vec<UpcomingPost>, CoreError> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.id, c.site_id, s.name, c.title, c.scheduled_publish_at
         FROM content c JOIN sites s ON s.id = c.site_id
         WHERE c.site_status = 'scheduled' AND c.scheduled_publish_at > ?1
           AND s.account_id = ?2 AND (?3 IS NULL OR c.site_id = ?3)
         ORDER BY c.scheduled_publish_at, c.id LIMIT ?4",
    )
    .bind(ts(now()))
    .bind(folio.account_id.to_string())
    .bind(site.map(|s| s.to_string()))
    .bind(i64::try_from(DASHBOARD_NEXT_POSTS).unwrap_or(i64::MAX))
    .fetch_all(&folio.pool)
    .await?;
    rows.into_iter()
        .map(|(id, site, site_name, title, at)| {
            Ok(UpcomingPost {
                content: parse_stored("content id", &id)?,
                site: parse_stored("site id", &site)?,
                site_name,
                title,
                at: chrono::DateTime::parse_from_rfc3339(&at)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .map_err(|_| {
                        CoreError::Corrupt(format!("stored publishing slot {at:?} is not a time"))
                    })?,
            })
        })
        .collect()
}
