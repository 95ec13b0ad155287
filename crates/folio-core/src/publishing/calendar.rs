//! The publishing calendar (issue 16, Publisher → Calendar): the posts of every site (or one) in
//! a span of time — scheduled, due, live, failed — and each site's free slots in it.
//!
//! Read from this computer's own data only, never from WordPress: the calendar is opened often,
//! must be quick and works offline. So a post whose slot has passed is `due` until
//! `schedule_list` (which asks WordPress) has seen it live.

use super::scheduler::SETTLED;
use super::slots::SlotRules;
use crate::store::db::parse_stored;
use crate::{CoreError, Folio};
use chrono::{DateTime, Duration, Utc};
use folio_model::{
    Calendar, CalendarPost, CalendarQuery, CalendarState, FreeSlot, SiteId, SiteStatus,
    MAX_CALENDAR_DAYS,
};
use std::collections::HashMap;

/// Limits count whole local months and ISO weeks: posts this far either side of a span can
/// still close a slot inside it.
const LIMIT_REACH: Duration = Duration::days(32);

/// An article that is (or was meant to be) on its site, with the times the calendar may place
/// it at.
#[derive(sqlx::FromRow)]
struct PostRow {
    id: String,
    site_id: String,
    site_name: String,
    title: String,
    site_status: String,
    scheduled_publish_at: Option<String>,
    site_status_updated_at: Option<String>,
    /// When a publish by Folio first left it live (an update later does not move it).
    first_live_at: Option<String>,
}

fn stored_time(what: &str, s: Option<&str>) -> Result<Option<DateTime<Utc>>, CoreError> {
    s.map(|s| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| CoreError::Corrupt(format!("stored {what} {s:?} is not a time")))
    })
    .transpose()
}

/// One article's place on the calendar, read from its row.
struct Placed {
    site: SiteId,
    post: Option<CalendarPost>,
    /// The slot it holds against its site's limits (scheduled or live with a slot).
    holds: Option<DateTime<Utc>>,
}

fn place(row: PostRow, now: DateTime<Utc>) -> Result<Placed, CoreError> {
    let site: SiteId = parse_stored("site id", &row.site_id)?;
    let status: SiteStatus = parse_stored("publishing status", &row.site_status)?;
    let slot = stored_time("publishing slot", row.scheduled_publish_at.as_deref())?;
    let changed = stored_time(
        "publishing status time",
        row.site_status_updated_at.as_deref(),
    )?;
    let first_live = stored_time("publishing record time", row.first_live_at.as_deref())?;
    let (at, state) = match status {
        SiteStatus::Scheduled => (
            slot,
            if slot.is_some_and(|s| s <= now) {
                CalendarState::Due
            } else {
                CalendarState::Scheduled
            },
        ),
        SiteStatus::Published => (slot.or(first_live).or(changed), CalendarState::Live),
        _ => (changed, CalendarState::Failed),
    };
    let holds = slot.filter(|_| matches!(status, SiteStatus::Scheduled | SiteStatus::Published));
    let post = match at {
        Some(at) => Some(CalendarPost {
            content: parse_stored("content id", &row.id)?,
            site,
            site_name: row.site_name,
            title: row.title,
            at,
            state,
            movable: state == CalendarState::Scheduled && at > now + SETTLED,
        }),
        None => None,
    };
    Ok(Placed { site, post, holds })
}

/// The span asked for, checked: it must run forwards and cover at most [`MAX_CALENDAR_DAYS`].
fn check_span(q: &CalendarQuery) -> Result<(), CoreError> {
    if q.to <= q.from {
        return Err(CoreError::invalid(
            "to",
            format!(
                "the calendar's end ({}) must come after its start ({})",
                q.to.to_rfc3339(),
                q.from.to_rfc3339()
            ),
        ));
    }
    if q.to - q.from > Duration::days(MAX_CALENDAR_DAYS) {
        return Err(CoreError::invalid(
            "to",
            format!(
                "a calendar covers at most {MAX_CALENDAR_DAYS} days; ask for a month (or a week) at a time"
            ),
        ));
    }
    Ok(())
}

impl Folio {
    /// The calendar for `q`: every article of the account's sites (or of `q.site`) with a slot,
    /// or that went live or failed, in `[q.from, q.to)`, and each site's free slots there — the
    /// slots of its publishing settings that hold no post, are within its limits and are
    /// later than [`SETTLED`] from now (the ones an article can still be moved to).
    pub async fn calendar(&self, q: CalendarQuery) -> Result<Calendar, CoreError> {
        check_span(&q)?;
        let account = self.account_id.to_string();
        let sites: Vec<(SiteId, String)> = match q.site {
            // also checks that it is the account's
            Some(site) => vec![(site, self.get_site(site).await?.name)],
            None => self
                .list_sites()
                .await?
                .items
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect(),
        };
        let mut sql = String::from(
            "SELECT c.id, c.site_id, s.name AS site_name, c.title, c.site_status,
                    c.scheduled_publish_at, c.site_status_updated_at,
                    (SELECT MIN(r.finished_at) FROM publishing_records r
                      WHERE r.content_id = c.id AND r.status = 'succeeded'
                        AND r.remote_status = 'publish') AS first_live_at
             FROM content c JOIN sites s ON s.id = c.site_id
             WHERE s.account_id = ? AND c.site_status IN ('scheduled', 'published', 'failed')",
        );
        if q.site.is_some() {
            sql.push_str(" AND c.site_id = ?");
        }
        let mut query = sqlx::query_as::<_, PostRow>(&sql).bind(&account);
        if let Some(site) = q.site {
            query = query.bind(site.to_string());
        }
        let rows = query.fetch_all(&self.pool).await?;

        let now = Utc::now();
        let mut posts = Vec::new();
        let mut taken: HashMap<SiteId, Vec<DateTime<Utc>>> = HashMap::new();
        for row in rows {
            let placed = place(row, now)?;
            if let Some(slot) = placed
                .holds
                .filter(|s| *s >= q.from - LIMIT_REACH && *s < q.to + LIMIT_REACH)
            {
                taken.entry(placed.site).or_default().push(slot);
            }
            if let Some(post) = placed.post.filter(|p| p.at >= q.from && p.at < q.to) {
                posts.push(post);
            }
        }
        posts.sort_by_key(|p| (p.at, p.content));

        let mut free = Vec::new();
        let earliest = q.from.max(now + SETTLED);
        for (site, site_name) in sites {
            let rules = SlotRules::from_settings(&self.site_publishing_settings(site).await?)?;
            let held = taken.get(&site).map(Vec::as_slice).unwrap_or_default();
            free.extend(
                rules
                    .open_slots(earliest, q.to, held)
                    .into_iter()
                    .map(|at| FreeSlot {
                        site,
                        site_name: site_name.clone(),
                        at,
                    }),
            );
        }
        free.sort_by_key(|f| (f.at, f.site));
        Ok(Calendar {
            from: q.from,
            to: q.to,
            posts,
            free,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn row(status: &str, slot: Option<&str>, changed: Option<&str>, live: Option<&str>) -> PostRow {
        PostRow {
            id: uuid::Uuid::now_v7().to_string(),
            site_id: uuid::Uuid::now_v7().to_string(),
            site_name: "Garden".into(),
            title: "Spring planting".into(),
            site_status: status.into(),
            scheduled_publish_at: slot.map(String::from),
            site_status_updated_at: changed.map(String::from),
            first_live_at: live.map(String::from),
        }
    }

    #[test]
    fn each_article_is_placed_at_its_slot_or_when_it_went_live_or_failed() {
        let now = utc("2026-12-07T12:00:00Z");
        let at = |p: &Placed| p.post.as_ref().map(|p| (p.at, p.state, p.movable));
        let ahead = place(
            row("scheduled", Some("2026-12-08T09:00:00Z"), None, None),
            now,
        )
        .unwrap();
        assert_eq!(
            at(&ahead),
            Some((utc("2026-12-08T09:00:00Z"), CalendarState::Scheduled, true))
        );
        assert_eq!(ahead.holds, Some(utc("2026-12-08T09:00:00Z")));
        // About to come: still scheduled, no longer movable.
        let soon = place(
            row("scheduled", Some("2026-12-07T12:05:00Z"), None, None),
            now,
        )
        .unwrap();
        assert_eq!(
            at(&soon),
            Some((utc("2026-12-07T12:05:00Z"), CalendarState::Scheduled, false))
        );
        let due = place(
            row("scheduled", Some("2026-12-07T09:00:00Z"), None, None),
            now,
        )
        .unwrap();
        assert_eq!(
            at(&due),
            Some((utc("2026-12-07T09:00:00Z"), CalendarState::Due, false))
        );
        // Live: its slot, else when Folio first published it, else when it was recorded live.
        let slot = Some("2026-12-01T09:00:00Z");
        let first = Some("2026-12-02T10:00:00Z");
        let changed = Some("2026-12-05T10:00:00Z");
        let live = |slot, first| place(row("published", slot, changed, first), now).unwrap();
        assert_eq!(
            at(&live(slot, first)).map(|p| p.0),
            Some(utc("2026-12-01T09:00:00Z"))
        );
        assert_eq!(live(slot, first).holds, Some(utc("2026-12-01T09:00:00Z")));
        assert_eq!(
            at(&live(None, first)).map(|p| p.0),
            Some(utc("2026-12-02T10:00:00Z"))
        );
        assert_eq!(live(None, first).holds, None);
        assert_eq!(
            at(&live(None, None)),
            Some((utc("2026-12-05T10:00:00Z"), CalendarState::Live, false))
        );
        let failed = place(row("failed", None, changed, None), now).unwrap();
        assert_eq!(
            at(&failed),
            Some((utc("2026-12-05T10:00:00Z"), CalendarState::Failed, false))
        );
        assert_eq!(failed.holds, None);
    }

    #[test]
    fn a_span_runs_forwards_and_is_bounded() {
        let q = |from: &str, to: &str| CalendarQuery {
            from: utc(from),
            to: utc(to),
            site: None,
        };
        assert!(check_span(&q("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")).is_ok());
        let err = check_span(&q("2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z")).unwrap_err();
        assert!(err.to_string().contains("must come after"), "{err}");
        let err = check_span(&q("2026-12-01T00:00:00Z", "2027-03-01T00:00:00Z")).unwrap_err();
        assert!(err.to_string().contains("at most 62 days"), "{err}");
    }
}
