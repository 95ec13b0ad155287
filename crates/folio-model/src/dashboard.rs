//! The dashboard (the app's start page, `folio dashboard`): how far one site's — or every site's
//! — work has come, what is scheduled next, the last automation runs, the credits, and the one
//! next step, with the one place that decides it ([`NextStep::decide`]).

use crate::account::CreditBalance;
use crate::automation::AutomationRun;
use crate::ids::{ContentId, SiteId};
use crate::status::{ContentStatus, SiteStatus};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How many upcoming posts the dashboard lists.
pub const DASHBOARD_NEXT_POSTS: usize = 5;

/// Counts of every stage of the pipeline, for one site or summed over several.
///
/// The article counts follow an article along: `drafts`, `in_review`, then `approved` (approved
/// and not on its site: the articles the scheduler gives a slot), `scheduled`, `published`.
/// `failed` counts articles whose last attempt to go on their site failed; an approved one is
/// also counted in `approved`, since scheduling it again is how it goes on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineCounts {
    pub keywords_new: u64,
    pub keywords_mapped: u64,
    pub keywords_used: u64,
    pub clusters: u64,
    /// Clusters no ideas were generated for yet (`new`).
    pub clusters_without_ideas: u64,
    /// Ideas neither queued nor rejected.
    pub ideas_new: u64,
    pub ideas_queued: u64,
    pub ideas_completed: u64,
    /// Writing tasks waiting to be written.
    pub tasks_queued: u64,
    pub drafts: u64,
    pub in_review: u64,
    /// Approved and not on the site yet: no slot.
    pub approved: u64,
    pub scheduled: u64,
    pub published: u64,
    pub failed: u64,
}

impl PipelineCounts {
    pub fn keywords(&self) -> u64 {
        self.keywords_new + self.keywords_mapped + self.keywords_used
    }

    /// Count `n` articles with these statuses where they stand in the pipeline.
    pub fn add_articles(&mut self, status: ContentStatus, site_status: SiteStatus, n: u64) {
        match site_status {
            SiteStatus::Scheduled => self.scheduled += n,
            SiteStatus::Published => self.published += n,
            SiteStatus::NotPublished | SiteStatus::Publishing | SiteStatus::Failed => {
                match status {
                    ContentStatus::Draft => self.drafts += n,
                    ContentStatus::Review => self.in_review += n,
                    ContentStatus::Approved => self.approved += n,
                    ContentStatus::Published => self.published += n,
                }
            }
        }
        if site_status == SiteStatus::Failed {
            self.failed += n;
        }
    }

    /// These counts plus another site's.
    pub fn add(&mut self, o: &PipelineCounts) {
        self.keywords_new += o.keywords_new;
        self.keywords_mapped += o.keywords_mapped;
        self.keywords_used += o.keywords_used;
        self.clusters += o.clusters;
        self.clusters_without_ideas += o.clusters_without_ideas;
        self.ideas_new += o.ideas_new;
        self.ideas_queued += o.ideas_queued;
        self.ideas_completed += o.ideas_completed;
        self.tasks_queued += o.tasks_queued;
        self.drafts += o.drafts;
        self.in_review += o.in_review;
        self.approved += o.approved;
        self.scheduled += o.scheduled;
        self.published += o.published;
        self.failed += o.failed;
    }
}

/// What to do next, the work nearest to publishing first: finished work waiting on a person
/// goes out before new work is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum NextStep {
    /// There is no site yet.
    CreateSite,
    /// Approved articles have no publishing slot: the scheduler gives them one.
    ScheduleApproved { articles: u64 },
    /// Articles wait for a person's review.
    ReviewArticles { articles: u64 },
    /// Drafts (written, or sent back) are not in review.
    FinishDrafts { articles: u64 },
    /// Writing tasks are queued.
    WriteArticles { tasks: u64 },
    /// Ideas are neither queued for writing nor rejected.
    QueueIdeas { ideas: u64 },
    /// Clusters have no ideas yet.
    GenerateIdeas { clusters: u64 },
    /// Keywords are in no cluster.
    ClusterKeywords { keywords: u64 },
    /// There are no keywords: import an export, or start from an industry's seed keywords.
    AddKeywords,
    /// Nothing waits.
    CaughtUp,
}

/// "1 article" / "3 articles".
fn many(n: u64, one: &str, several: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {several}")
    }
}

impl NextStep {
    /// The one rule: the next step for `sites` sites with these counts.
    pub fn decide(sites: usize, c: &PipelineCounts) -> NextStep {
        if sites == 0 {
            NextStep::CreateSite
        } else if c.approved > 0 {
            NextStep::ScheduleApproved {
                articles: c.approved,
            }
        } else if c.in_review > 0 {
            NextStep::ReviewArticles {
                articles: c.in_review,
            }
        } else if c.drafts > 0 {
            NextStep::FinishDrafts { articles: c.drafts }
        } else if c.tasks_queued > 0 {
            NextStep::WriteArticles {
                tasks: c.tasks_queued,
            }
        } else if c.ideas_new > 0 {
            NextStep::QueueIdeas { ideas: c.ideas_new }
        } else if c.clusters_without_ideas > 0 {
            NextStep::GenerateIdeas {
                clusters: c.clusters_without_ideas,
            }
        } else if c.keywords_new > 0 {
            NextStep::ClusterKeywords {
                keywords: c.keywords_new,
            }
        } else if c.keywords() == 0 {
            NextStep::AddKeywords
        } else {
            NextStep::CaughtUp
        }
    }

    /// What stands, for people: "12 approved articles have no slot".
    pub fn message(&self) -> String {
        match *self {
            NextStep::CreateSite => "You have no site yet".into(),
            NextStep::ScheduleApproved { articles } => format!(
                "{} no slot",
                many(articles, "approved article has", "approved articles have")
            ),
            NextStep::ReviewArticles { articles } => format!(
                "{} for your review",
                many(articles, "article waits", "articles wait")
            ),
            NextStep::FinishDrafts { articles } => format!(
                "{} not in review yet",
                many(articles, "draft is", "drafts are")
            ),
            NextStep::WriteArticles { tasks } => {
                format!("{} queued for writing", many(tasks, "task is", "tasks are"))
            }
            NextStep::QueueIdeas { ideas } => format!(
                "{} not queued for writing",
                many(ideas, "idea is", "ideas are")
            ),
            NextStep::GenerateIdeas { clusters } => format!(
                "{} no article ideas",
                many(clusters, "cluster has", "clusters have")
            ),
            NextStep::ClusterKeywords { keywords } => format!(
                "{} in no cluster",
                many(keywords, "new keyword is", "new keywords are")
            ),
            NextStep::AddKeywords => {
                "No keywords yet: import a keyword export or start from seed keywords".into()
            }
            NextStep::CaughtUp => "All caught up: nothing waits for you".into(),
        }
    }

    /// The button's words; `None` when there is nothing to do.
    pub fn action(&self) -> Option<&'static str> {
        Some(match self {
            NextStep::CreateSite => "Add a site",
            NextStep::ScheduleApproved { .. } => "Schedule them",
            NextStep::ReviewArticles { .. } => "Review them",
            NextStep::FinishDrafts { .. } => "Open them",
            NextStep::WriteArticles { .. } => "Write them",
            NextStep::QueueIdeas { .. } => "Queue them",
            NextStep::GenerateIdeas { .. } => "Generate ideas",
            NextStep::ClusterKeywords { .. } => "Cluster them",
            NextStep::AddKeywords => "Import keywords",
            NextStep::CaughtUp => return None,
        })
    }
}

impl fmt::Display for NextStep {
    /// "12 approved articles have no slot — Schedule them".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.action() {
            Some(action) => write!(f, "{} \u{2014} {action}", self.message()),
            None => f.write_str(&self.message()),
        }
    }
}

/// One site's part of the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteDashboard {
    pub site: SiteId,
    pub name: String,
    pub counts: PipelineCounts,
    /// The site's newest automation run on this device.
    pub last_run: Option<AutomationRun>,
}

/// A post scheduled on its site, still ahead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingPost {
    pub content: ContentId,
    pub site: SiteId,
    pub site_name: String,
    pub title: String,
    pub at: DateTime<Utc>,
}

/// Credits and cost of one UTC day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySpend {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub credits: u64,
    pub cost_usd: Decimal,
}

/// What this calendar month (UTC) has cost so far, in total and day by day (every day from the
/// 1st to today, days without spend as zero).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSpend {
    pub from: Option<DateTime<Utc>>,
    pub credits: u64,
    pub cost_usd: Decimal,
    pub days: Vec<DaySpend>,
}

/// The dashboard of one site (`site`) or of every site of the account (`site: None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub site: Option<SiteId>,
    /// Summed over `sites`.
    pub counts: PipelineCounts,
    /// Each site in scope, in the order sites are listed.
    pub sites: Vec<SiteDashboard>,
    /// The next scheduled posts, soonest first (at most [`DASHBOARD_NEXT_POSTS`]).
    pub next_posts: Vec<UpcomingPost>,
    /// The account's credits (not narrowed to a site: credits belong to the account).
    pub credits: CreditBalance,
    /// This month's spend, of the site in scope or of the whole account.
    pub month: MonthSpend,
    pub next_step: NextStep,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_work_nearest_to_publishing_comes_first() {
        let mut c = PipelineCounts::default();
        assert_eq!(NextStep::decide(0, &c), NextStep::CreateSite);
        assert_eq!(NextStep::decide(1, &c), NextStep::AddKeywords);
        c.keywords_new = 40;
        assert_eq!(
            NextStep::decide(1, &c),
            NextStep::ClusterKeywords { keywords: 40 }
        );
        c.clusters = 3;
        c.clusters_without_ideas = 2;
        assert_eq!(
            NextStep::decide(1, &c),
            NextStep::GenerateIdeas { clusters: 2 }
        );
        c.ideas_new = 5;
        assert_eq!(NextStep::decide(1, &c), NextStep::QueueIdeas { ideas: 5 });
        c.tasks_queued = 4;
        assert_eq!(
            NextStep::decide(1, &c),
            NextStep::WriteArticles { tasks: 4 }
        );
        c.drafts = 1;
        assert_eq!(
            NextStep::decide(1, &c),
            NextStep::FinishDrafts { articles: 1 }
        );
        c.in_review = 2;
        assert_eq!(
            NextStep::decide(1, &c),
            NextStep::ReviewArticles { articles: 2 }
        );
        c.approved = 12;
        assert_eq!(
            NextStep::decide(1, &c),
            NextStep::ScheduleApproved { articles: 12 }
        );
        assert_eq!(
            NextStep::decide(0, &c),
            NextStep::CreateSite,
            "no site comes before anything"
        );

        // Everything used up and on its way: caught up.
        let done = PipelineCounts {
            keywords_used: 10,
            clusters: 2,
            ideas_completed: 4,
            scheduled: 3,
            published: 1,
            ..Default::default()
        };
        assert_eq!(NextStep::decide(2, &done), NextStep::CaughtUp);
        assert_eq!(NextStep::CaughtUp.action(), None);
    }

    #[test]
    fn steps_read_as_a_sentence_with_their_button() {
        assert_eq!(
            NextStep::ScheduleApproved { articles: 12 }.to_string(),
            "12 approved articles have no slot \u{2014} Schedule them"
        );
        assert_eq!(
            NextStep::ScheduleApproved { articles: 1 }.message(),
            "1 approved article has no slot"
        );
        assert_eq!(
            NextStep::ClusterKeywords { keywords: 3 }.to_string(),
            "3 new keywords are in no cluster \u{2014} Cluster them"
        );
        assert_eq!(
            NextStep::CaughtUp.to_string(),
            "All caught up: nothing waits for you"
        );
        assert_eq!(
            serde_json::to_value(NextStep::WriteArticles { tasks: 2 }).unwrap(),
            serde_json::json!({"step": "write_articles", "tasks": 2})
        );
    }

    #[test]
    fn articles_count_where_they_stand() {
        let mut c = PipelineCounts::default();
        c.add_articles(ContentStatus::Draft, SiteStatus::NotPublished, 2);
        c.add_articles(ContentStatus::Review, SiteStatus::NotPublished, 1);
        c.add_articles(ContentStatus::Approved, SiteStatus::NotPublished, 3);
        c.add_articles(ContentStatus::Approved, SiteStatus::Failed, 1);
        c.add_articles(ContentStatus::Approved, SiteStatus::Scheduled, 4);
        c.add_articles(ContentStatus::Published, SiteStatus::Published, 5);
        // unpublished after an edit in wp-admin went wrong: a failed draft
        c.add_articles(ContentStatus::Draft, SiteStatus::Failed, 1);
        assert_eq!(
            c,
            PipelineCounts {
                drafts: 3,
                in_review: 1,
                approved: 4,
                scheduled: 4,
                published: 5,
                failed: 2,
                ..Default::default()
            }
        );
        let mut sum = c;
        sum.add(&c);
        assert_eq!(sum.approved, 8);
        assert_eq!(sum.failed, 4);
    }
}
