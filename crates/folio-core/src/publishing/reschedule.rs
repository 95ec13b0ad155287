//! Moving one article to another publishing slot (the calendar's drag and drop, `folio schedule
//! move`): the same WordPress post gets the new `date_gmt` — the publisher finds it by its
//! stored id, so nothing is duplicated — and an approved article without a slot is scheduled.

use super::scheduler::SETTLED;
use super::slots::SlotRules;
use crate::{CoreError, Folio};
use chrono::{DateTime, Duration, Utc};
use folio_model::{ContentId, ContentStatus, PlannedPost, PostStatus, PublishRequest, SiteStatus};

/// How many free slots a refused move suggests.
const SUGGESTED: usize = 6;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Folio {
    /// Move `content` to `slot`, which must be one of its site's free slots (no post there,
    /// within the limits, later than [`SETTLED`] from now; its own current slot does not count
    /// against the limits). The article must be approved and not scheduled yet (not on the site,
    /// failed, or a draft there), or scheduled with its slot more than [`SETTLED`] away; a live
    /// post is never moved.
    pub async fn schedule_move(
        &self,
        content: ContentId,
        slot: DateTime<Utc>,
    ) -> Result<PlannedPost, CoreError> {
        let article = self.get_content(content).await?;
        let now = Utc::now();
        let previous = match article.site_status {
            SiteStatus::Published => {
                return Err(CoreError::invalid(
                    "content",
                    "this article is live on its site; a published post is never moved",
                ))
            }
            SiteStatus::Scheduled => match article.scheduled_publish_at {
                Some(at) if at <= now + SETTLED => {
                    return Err(CoreError::invalid(
                        "content",
                        format!(
                            "its slot ({}) is less than {} minutes away or has passed: WordPress may be publishing it now, so it stays",
                            rfc3339(at),
                            SETTLED.num_minutes()
                        ),
                    ))
                }
                at => at,
            },
            // `publishing`: a draft on the site, or an upload a crash cut short (as the
            // scheduler treats it); an upload running right now holds the article's publish
            // job, which refuses the move as busy.
            SiteStatus::NotPublished | SiteStatus::Failed | SiteStatus::Publishing => {
                if article.status != ContentStatus::Approved {
                    return Err(CoreError::invalid(
                        "content",
                        format!(
                            "only approved articles are scheduled; this one is {} — approve it in the review queue first",
                            article.status
                        ),
                    ));
                }
                article
                    .scheduled_publish_at
                    .filter(|_| article.site_status == SiteStatus::Publishing)
            }
        };
        // Already there (a post cut short on its way there is sent again).
        if previous == Some(slot) && article.site_status == SiteStatus::Scheduled {
            return Ok(PlannedPost {
                content,
                title: article.title,
                slot,
                scheduled: true,
                previous_slot: previous,
            });
        }
        let rules =
            SlotRules::from_settings(&self.site_publishing_settings(article.site_id).await?)?;
        // Every slot of the site that stays where it is counts against the limits; the one
        // this article leaves does not.
        let taken: Vec<_> = self
            .list_content(article.site_id)
            .await?
            .into_iter()
            .filter(|c| c.id != content)
            .filter(|c| matches!(c.site_status, SiteStatus::Scheduled | SiteStatus::Published))
            .filter_map(|c| c.scheduled_publish_at)
            .collect();
        let earliest = now + SETTLED;
        if slot <= earliest
            || rules
                .open_slots(slot, slot + Duration::seconds(1), &taken)
                .is_empty()
        {
            let near = rules
                .open_slots(
                    earliest.max(slot - Duration::days(2)),
                    earliest.max(slot) + Duration::days(14),
                    &taken,
                )
                .into_iter()
                .take(SUGGESTED)
                .map(rfc3339)
                .collect::<Vec<_>>();
            let why = if slot <= earliest {
                format!(
                    "{} is in the past or less than {} minutes away",
                    rfc3339(slot),
                    SETTLED.num_minutes()
                )
            } else {
                format!(
                    "{} is not a free slot of this site (a slot of its publishing settings, holding no post, within its limits)",
                    rfc3339(slot)
                )
            };
            let hint = match near.is_empty() {
                true => "; the site has no free slot near then — add days or times, or raise its limits, in its publishing settings".to_owned(),
                false => format!("; free slots: {}", near.join(", ")),
            };
            return Err(CoreError::invalid("slot", format!("{why}{hint}")));
        }
        self.wp_publish(PublishRequest {
            content,
            status: PostStatus::Publish,
            at: Some(slot),
            force: false,
        })
        .await?;
        Ok(PlannedPost {
            content,
            title: article.title,
            slot,
            scheduled: true,
            previous_slot: previous,
        })
    }
}
