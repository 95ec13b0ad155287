//! The publishing scheduler (DESIGN §5, issue 16): approved articles that are not on their site
//! yet get the next free slots of the site's `PublishingSettings` ([`super::slots`]) and are
//! uploaded as `future` posts with `date_gmt`, so WordPress publishes them with this computer
//! off. Publishing is idempotent ([`super::publisher`]), so planning again after a failure never
//! makes a second post. Pinned by `tests/scheduler.rs` (a real WordPress).

use super::slots::SlotRules;
use crate::{CoreError, Folio};
use chrono::{DateTime, Duration, Utc};
use folio_model::{
    ContentId, ContentStatus, ContentSummary, PlannedPost, PostStatus, PublishRequest,
    ScheduledPost, SiteId, SiteStatus, SiteStatusChange, SlotState,
};
use folio_wordpress::WpClient;

/// A scheduled post whose slot is closer than this is left where it is by a re-plan: WordPress
/// may be publishing it right now, and a post that went live is never moved.
pub const SETTLED: Duration = Duration::minutes(10);

/// The nearest slot given is at least this far ahead. WordPress publishes a `future` post whose
/// date is less than a minute away at once (and the publisher then asks for `publish`), so a
/// slot seconds away would put the article live when the person asked for it to be scheduled;
/// the lead also covers the upload itself and a resumed run.
pub const LEAD: Duration = Duration::minutes(5);

impl Folio {
    /// Give every approved article of `site` that is not on the site yet its slot, in the order
    /// they were approved; with `apply`, upload each as a scheduled post (stopping at the first
    /// failure, which is returned — those before it stay scheduled).
    ///
    /// With `replan` (the settings changed, an article was taken off), posts already scheduled
    /// whose slot is still more than [`SETTLED`] away are planned again too, ahead of the
    /// waiting articles: a post whose slot changed is moved on WordPress (the same post, a new
    /// `date_gmt`). A post that is live, or whose slot is about to come, is never moved.
    pub async fn schedule_plan(
        &self,
        site: SiteId,
        apply: bool,
        replan: bool,
    ) -> Result<Vec<PlannedPost>, CoreError> {
        let rules = SlotRules::from_settings(&self.site_publishing_settings(site).await?)?;
        let now = Utc::now();
        let articles = self.list_content(site).await?;
        let movable = |c: &ContentSummary| {
            replan
                && c.site_status == SiteStatus::Scheduled
                && c.scheduled_publish_at.is_some_and(|at| at > now + SETTLED)
        };
        // Slots holding a post that stays where it is count against the limits and are not
        // given again.
        let taken: Vec<_> = articles
            .iter()
            .filter(|c| matches!(c.site_status, SiteStatus::Scheduled | SiteStatus::Published))
            .filter(|c| !movable(c))
            .filter_map(|c| c.scheduled_publish_at)
            .collect();
        let mut moving: Vec<&ContentSummary> = articles.iter().filter(|c| movable(c)).collect();
        moving.sort_by_key(|c| (c.scheduled_publish_at, c.id));
        // `publishing`: a draft on the site, or an upload a crash cut short — either way the
        // post (found again by its id or its mark) is the one given the slot.
        let mut waiting: Vec<&ContentSummary> = articles
            .iter()
            .filter(|c| {
                c.status == ContentStatus::Approved
                    && matches!(
                        c.site_status,
                        SiteStatus::NotPublished | SiteStatus::Failed | SiteStatus::Publishing
                    )
            })
            .collect();
        waiting.sort_by_key(|c| (c.updated_at, c.created_at, c.id));
        let queue: Vec<&ContentSummary> = moving.into_iter().chain(waiting).collect();
        let slots = rules.next_free(now + LEAD, &taken, queue.len());
        let mut planned = Vec::with_capacity(slots.len());
        for (article, slot) in queue.into_iter().zip(slots) {
            let previous = article.scheduled_publish_at.filter(|_| movable(article));
            if apply && previous != Some(slot) {
                self.wp_publish(PublishRequest {
                    content: article.id,
                    status: PostStatus::Publish,
                    at: Some(slot),
                    force: false,
                })
                .await?;
            }
            planned.push(PlannedPost {
                content: article.id,
                title: article.title.clone(),
                slot,
                scheduled: apply,
                previous_slot: previous,
            });
        }
        Ok(planned)
    }

    /// The site's posts with a slot, oldest first. A slot that has passed is checked with
    /// WordPress: a post it published is recorded as published (`live`); one it has not run yet
    /// is `due` — WordPress runs due posts on the next visit to a quiet site.
    pub async fn schedule_list(&self, site: SiteId) -> Result<Vec<ScheduledPost>, CoreError> {
        let mut posts: Vec<_> = self
            .list_content(site)
            .await?
            .into_iter()
            .filter(|c| matches!(c.site_status, SiteStatus::Scheduled | SiteStatus::Published))
            .filter_map(|c| c.scheduled_publish_at.map(|slot| (c, slot)))
            .collect();
        posts.sort_by_key(|(c, slot)| (*slot, c.id));
        let now = Utc::now();
        // One WordPress client, only when some slot has passed.
        let due = |c: &ContentSummary, slot: &DateTime<Utc>| {
            c.site_status == SiteStatus::Scheduled && *slot <= now
        };
        let client = match posts.iter().any(|(c, slot)| due(c, slot)) {
            true => Some(self.wp_client(site).await?.0),
            false => None,
        };
        let mut out = Vec::with_capacity(posts.len());
        for (c, slot) in posts {
            let state = match (&client, c.site_status) {
                (_, SiteStatus::Published) => SlotState::Live,
                (Some(wp), _) if due(&c, &slot) => match self.went_live(wp, c.id).await? {
                    true => SlotState::Live,
                    false => SlotState::Due,
                },
                _ => SlotState::Upcoming,
            };
            out.push(ScheduledPost {
                content: c.id,
                title: c.title,
                slot,
                state,
            });
        }
        Ok(out)
    }

    /// Whether WordPress published this scheduled article's post; if so it is recorded as
    /// published, with the post's URL.
    async fn went_live(&self, wp: &WpClient, id: ContentId) -> Result<bool, CoreError> {
        let post = match self
            .get_content(id)
            .await?
            .external_id
            .as_deref()
            .map(str::parse::<i64>)
        {
            Some(Ok(post_id)) => wp.get_post(post_id).await?,
            _ => None,
        };
        let Some(post) = post.filter(|p| p.status == "publish") else {
            return Ok(false);
        };
        self.set_site_status(
            id,
            SiteStatusChange {
                to: SiteStatus::Published,
                scheduled_publish_at: None,
                external_id: Some(post.id.to_string()),
                external_url: Some(post.link),
            },
        )
        .await?;
        Ok(true)
    }
}
