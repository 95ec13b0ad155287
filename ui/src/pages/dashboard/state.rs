//! The dashboard's state: the sites for the picker, the scope chosen (a site, or all), the
//! dashboard core answered for it (a reply for a scope the person has left, or an older load, is
//! dropped), and the next step's action while it runs and how it went. Pure, with what the view
//! derives from the data (the stat cards, the chart's bars, where a step leads).

use crate::format::error_text;
use folio_model::{Dashboard, ErrorDto, MonthSpend, NextStep, PipelineCounts, Site, SiteId};
use rust_decimal::prelude::ToPrimitive;
use std::rc::Rc;
use yew::Reducible;

/// What the next step's button does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepAction {
    /// Open a page (a `#hash`).
    Open(&'static str),
    /// Give these sites' approved articles their slots (`schedule_plan` with `apply`).
    Schedule(Vec<SiteId>),
}

/// How the last action ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(String),
    Failed(String),
}

/// One pipeline count as a card that links to its page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatCard {
    /// `stat-<key>`.
    pub key: &'static str,
    pub label: &'static str,
    pub value: u64,
    /// What else the card says (`12 new`).
    pub detail: Option<String>,
    pub href: &'static str,
}

/// One day's bar of this month's spend.
#[derive(Clone, Debug, PartialEq)]
pub struct DayBar {
    pub day: String,
    pub credits: u64,
    /// 0.0 ..= 1.0 of the highest day (0 when nothing was spent).
    pub height: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DashboardState {
    pub sites: Vec<Site>,
    /// `None`: all sites.
    pub site: Option<SiteId>,
    /// Bumped on every load; a reply carries the generation it was asked for.
    pub generation: u32,
    pub loading: bool,
    pub dashboard: Option<Dashboard>,
    pub error: Option<String>,
    /// The next step's action is running.
    pub acting: bool,
    pub outcome: Option<Outcome>,
}

pub enum DashboardAction {
    SitesLoaded(Vec<Site>),
    ChooseSite(Option<SiteId>),
    /// Load again (data changed: a sync, a finished job, the action).
    Reload,
    Loaded(u32, Result<Box<Dashboard>, ErrorDto>),
    ActionStarted,
    /// How many posts the scheduler gave slots, or why it could not.
    Scheduled(Result<usize, ErrorDto>),
    DismissOutcome,
}

impl DashboardState {
    pub fn new() -> Self {
        Self {
            loading: true,
            ..Self::default()
        }
    }

    /// What the step's button does, in the scope shown; `None` when there is nothing to do.
    pub fn step_action(&self) -> Option<StepAction> {
        let d = self.dashboard.as_ref()?;
        Some(match d.next_step {
            NextStep::CreateSite => StepAction::Open("#sites"),
            NextStep::ScheduleApproved { .. } => StepAction::Schedule(
                d.sites
                    .iter()
                    .filter(|s| s.counts.approved > 0)
                    .map(|s| s.site)
                    .collect(),
            ),
            NextStep::ReviewArticles { .. } | NextStep::FinishDrafts { .. } => {
                StepAction::Open("#writer/review")
            }
            NextStep::WriteArticles { .. } => StepAction::Open("#writer/queue"),
            NextStep::QueueIdeas { .. } => StepAction::Open("#planner/ideas"),
            NextStep::GenerateIdeas { .. } => StepAction::Open("#planner/clusters"),
            NextStep::ClusterKeywords { .. } | NextStep::AddKeywords => {
                StepAction::Open("#planner")
            }
            NextStep::CaughtUp => return None,
        })
    }
}

/// The pipeline as a row of cards, each linking to the page that works on it.
pub fn stat_cards(c: &PipelineCounts) -> Vec<StatCard> {
    let detail = |n: u64, what: &str| (n > 0).then(|| format!("{n} {what}"));
    vec![
        StatCard {
            key: "keywords",
            label: "Keywords",
            value: c.keywords(),
            detail: detail(c.keywords_new, "new"),
            href: "#planner",
        },
        StatCard {
            key: "clusters",
            label: "Clusters",
            value: c.clusters,
            detail: detail(c.clusters_without_ideas, "without ideas"),
            href: "#planner/clusters",
        },
        StatCard {
            key: "ideas",
            label: "Ideas",
            value: c.ideas_new + c.ideas_queued + c.ideas_completed,
            detail: detail(c.ideas_new, "new"),
            href: "#planner/ideas",
        },
        StatCard {
            key: "queued",
            label: "Queued",
            value: c.tasks_queued,
            detail: None,
            href: "#writer/queue",
        },
        StatCard {
            key: "review",
            label: "In review",
            value: c.in_review,
            detail: detail(c.drafts, "drafts"),
            href: "#writer/review",
        },
        StatCard {
            key: "approved",
            label: "Approved",
            value: c.approved,
            detail: None,
            href: "#publisher/calendar",
        },
        StatCard {
            key: "scheduled",
            label: "Scheduled",
            value: c.scheduled,
            detail: None,
            href: "#publisher/calendar",
        },
        StatCard {
            key: "published",
            label: "Published",
            value: c.published,
            detail: detail(c.failed, "failed"),
            href: "#publisher/calendar",
        },
    ]
}

/// This month's days as bars scaled to the highest day.
pub fn day_bars(month: &MonthSpend) -> Vec<DayBar> {
    let max = month.days.iter().map(|d| d.credits).max().unwrap_or(0);
    month
        .days
        .iter()
        .map(|d| DayBar {
            day: d.day.clone(),
            credits: d.credits,
            height: if max == 0 {
                0.0
            } else {
                (d.credits as f64 / max as f64).clamp(0.0, 1.0)
            },
        })
        .collect()
}

/// The step's name as core sends it (`schedule_approved`), for styles and tests.
pub fn step_key(step: NextStep) -> &'static str {
    match step {
        NextStep::CreateSite => "create_site",
        NextStep::ScheduleApproved { .. } => "schedule_approved",
        NextStep::ReviewArticles { .. } => "review_articles",
        NextStep::FinishDrafts { .. } => "finish_drafts",
        NextStep::WriteArticles { .. } => "write_articles",
        NextStep::QueueIdeas { .. } => "queue_ideas",
        NextStep::GenerateIdeas { .. } => "generate_ideas",
        NextStep::ClusterKeywords { .. } => "cluster_keywords",
        NextStep::AddKeywords => "add_keywords",
        NextStep::CaughtUp => "caught_up",
    }
}

/// Credits as the card shows them: `1,250` or `no limit`.
pub fn credits_left(d: &Dashboard) -> String {
    match d.credits.available() {
        None => "No limit".to_owned(),
        Some(left) => crate::format::count(left.trunc().to_u64().unwrap_or(0)),
    }
}

impl Reducible for DashboardState {
    type Action = DashboardAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            DashboardAction::SitesLoaded(sites) => {
                if s.site.is_some_and(|id| !sites.iter().any(|x| x.id == id)) {
                    s.site = None;
                    s.generation = s.generation.wrapping_add(1);
                    s.loading = true;
                }
                s.sites = sites;
            }
            DashboardAction::ChooseSite(site) => {
                if s.site == site {
                    return self;
                }
                s.site = site;
                s.generation = s.generation.wrapping_add(1);
                s.loading = true;
                s.outcome = None;
            }
            DashboardAction::Reload => {
                s.generation = s.generation.wrapping_add(1);
                s.loading = true;
            }
            DashboardAction::Loaded(generation, result) => {
                if generation != s.generation {
                    return self;
                }
                s.loading = false;
                match result {
                    Ok(d) => {
                        s.dashboard = Some(*d);
                        s.error = None;
                    }
                    Err(e) => s.error = Some(error_text(&e)),
                }
            }
            DashboardAction::ActionStarted => {
                s.acting = true;
                s.outcome = None;
            }
            DashboardAction::Scheduled(result) => {
                s.acting = false;
                s.outcome = Some(match result {
                    Ok(0) => Outcome::Done(
                        "Nothing was scheduled: the sites\u{2019} publishing limits leave no free slot.".into(),
                    ),
                    Ok(1) => Outcome::Done("Scheduled 1 article.".into()),
                    Ok(n) => Outcome::Done(format!("Scheduled {n} articles.")),
                    Err(e) => Outcome::Failed(format!("Could not schedule: {}", error_text(&e))),
                });
                s.generation = s.generation.wrapping_add(1);
                s.loading = true;
            }
            DashboardAction::DismissOutcome => s.outcome = None,
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests;
