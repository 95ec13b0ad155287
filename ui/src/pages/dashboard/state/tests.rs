//! The dashboard reducer's rules, without a browser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use folio_model::{CreditBalance, DaySpend, ErrorKind, SiteDashboard};
use rust_decimal::Decimal;

const A: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const B: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c";

fn id(s: &str) -> SiteId {
    s.parse().unwrap()
}

fn site_board(site: &str, approved: u64) -> SiteDashboard {
    SiteDashboard {
        site: id(site),
        name: site.into(),
        counts: PipelineCounts {
            approved,
            ..Default::default()
        },
        last_run: None,
    }
}

fn board(next_step: NextStep, sites: Vec<SiteDashboard>) -> Dashboard {
    Dashboard {
        site: None,
        counts: PipelineCounts::default(),
        sites,
        next_posts: Vec::new(),
        credits: CreditBalance {
            unlimited: true,
            ..Default::default()
        },
        month: MonthSpend::default(),
        next_step,
    }
}

fn reduce(s: DashboardState, a: DashboardAction) -> DashboardState {
    (*Rc::new(s).reduce(a)).clone()
}

#[test]
fn a_reply_for_an_older_load_is_dropped() {
    let s = DashboardState::new();
    let s = reduce(s, DashboardAction::ChooseSite(Some(id(A))));
    let asked = s.generation;
    let s = reduce(s, DashboardAction::ChooseSite(None));
    assert!(s.loading);
    let stale = reduce(
        s.clone(),
        DashboardAction::Loaded(asked, Ok(Box::new(board(NextStep::CaughtUp, vec![])))),
    );
    assert_eq!(stale.dashboard, None, "the reply for site A came too late");
    let s = reduce(
        s.clone(),
        DashboardAction::Loaded(
            s.generation,
            Ok(Box::new(board(NextStep::CaughtUp, vec![]))),
        ),
    );
    assert!(!s.loading);
    assert!(s.dashboard.is_some());

    // A failed reload keeps what was shown and says why.
    let s = reduce(s, DashboardAction::Reload);
    let s = reduce(
        s.clone(),
        DashboardAction::Loaded(
            s.generation,
            Err(ErrorDto::new(ErrorKind::Internal, "disk full")),
        ),
    );
    assert_eq!(s.error.as_deref(), Some("disk full"));
    assert!(s.dashboard.is_some());
}

#[test]
fn a_chosen_site_that_is_gone_falls_back_to_all_sites() {
    let s = reduce(
        DashboardState::new(),
        DashboardAction::ChooseSite(Some(id(A))),
    );
    let before = s.generation;
    let s = reduce(s, DashboardAction::SitesLoaded(vec![]));
    assert_eq!(s.site, None);
    assert_ne!(s.generation, before, "loads again for all sites");
}

#[test]
fn the_step_schedules_the_sites_with_approved_articles_or_opens_a_page() {
    let mut s = DashboardState::new();
    assert_eq!(s.step_action(), None);
    s.dashboard = Some(board(
        NextStep::ScheduleApproved { articles: 3 },
        vec![site_board(A, 3), site_board(B, 0)],
    ));
    assert_eq!(s.step_action(), Some(StepAction::Schedule(vec![id(A)])));
    s.dashboard = Some(board(NextStep::ClusterKeywords { keywords: 4 }, vec![]));
    assert_eq!(s.step_action(), Some(StepAction::Open("#planner")));
    s.dashboard = Some(board(NextStep::CreateSite, vec![]));
    assert_eq!(s.step_action(), Some(StepAction::Open("#sites")));
    s.dashboard = Some(board(NextStep::CaughtUp, vec![]));
    assert_eq!(s.step_action(), None);
}

#[test]
fn scheduling_reports_and_reloads() {
    let s = reduce(DashboardState::new(), DashboardAction::ActionStarted);
    assert!(s.acting);
    let before = s.generation;
    let s = reduce(s, DashboardAction::Scheduled(Ok(2)));
    assert!(!s.acting);
    assert_eq!(
        s.outcome,
        Some(Outcome::Done("Scheduled 2 articles.".into()))
    );
    assert_ne!(s.generation, before);
    let s = reduce(
        s,
        DashboardAction::Scheduled(Err(ErrorDto::new(
            ErrorKind::Validation,
            "connect WordPress first",
        ))),
    );
    assert_eq!(
        s.outcome,
        Some(Outcome::Failed(
            "Could not schedule: connect WordPress first".into()
        ))
    );
    let s = reduce(s, DashboardAction::DismissOutcome);
    assert_eq!(s.outcome, None);
}

#[test]
fn cards_link_to_their_pages_and_bars_scale_to_the_highest_day() {
    let c = PipelineCounts {
        keywords_new: 5,
        keywords_mapped: 3,
        clusters: 2,
        approved: 1,
        ..Default::default()
    };
    let cards = stat_cards(&c);
    let keywords = &cards[0];
    assert_eq!(
        (keywords.value, keywords.detail.as_deref(), keywords.href),
        (8, Some("5 new"), "#planner")
    );
    let approved = cards.iter().find(|c| c.key == "approved").unwrap();
    assert_eq!(approved.value, 1);
    assert!(cards.iter().all(|c| c.href.starts_with('#')));

    let day = |d: &str, credits| DaySpend {
        day: d.into(),
        credits,
        cost_usd: Decimal::ZERO,
    };
    let month = MonthSpend {
        days: vec![
            day("2026-12-01", 0),
            day("2026-12-02", 40),
            day("2026-12-03", 10),
        ],
        ..Default::default()
    };
    let heights: Vec<f64> = day_bars(&month).iter().map(|b| b.height).collect();
    assert_eq!(heights, [0.0, 1.0, 0.25]);
    assert!(day_bars(&MonthSpend::default()).is_empty());
}

#[test]
fn step_keys_are_the_wire_names() {
    for step in [
        NextStep::CreateSite,
        NextStep::ScheduleApproved { articles: 1 },
        NextStep::ReviewArticles { articles: 1 },
        NextStep::FinishDrafts { articles: 1 },
        NextStep::WriteArticles { tasks: 1 },
        NextStep::QueueIdeas { ideas: 1 },
        NextStep::GenerateIdeas { clusters: 1 },
        NextStep::ClusterKeywords { keywords: 1 },
        NextStep::AddKeywords,
        NextStep::CaughtUp,
    ] {
        assert_eq!(serde_json::to_value(step).unwrap()["step"], step_key(step));
    }
}
