//! The calendar reducer's rules, without a browser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use folio_model::{CalendarState as PostState, ErrorKind};
use std::str::FromStr;
use CalendarAction as A;

fn id<T: FromStr>(n: u64) -> T
where
    T::Err: std::fmt::Debug,
{
    T::from_str(&format!("00000000-0000-7000-8000-{n:012}")).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn site(n: u64) -> Site {
    Site {
        id: id(n),
        account_id: id(999),
        name: format!("Site {n}"),
        domain: format!("s{n}.example"),
        is_active: true,
        created_at: Default::default(),
        sectors: vec![],
    }
}

fn post(n: u64, site: u64, at: &str, state: PostState, movable: bool) -> CalendarPost {
    CalendarPost {
        content: id(n),
        site: id(site),
        site_name: format!("Site {site}"),
        title: format!("Post {n}"),
        at: utc(at),
        state,
        movable,
    }
}

fn free(site: u64, at: &str) -> FreeSlot {
    FreeSlot {
        site: id(site),
        site_name: format!("Site {site}"),
        at: utc(at),
    }
}

fn run(s: CalendarState, actions: impl IntoIterator<Item = A>) -> CalendarState {
    let mut s = Rc::new(s);
    for a in actions {
        s = s.reduce(a);
    }
    (*s).clone()
}

/// December 2026 loaded with two posts of site 1 and free slots of sites 1 and 2.
fn loaded() -> CalendarState {
    let s = CalendarState::new(day("2026-12-09"));
    let q = s.query();
    let calendar = Calendar {
        from: q.from,
        to: q.to,
        posts: vec![
            post(10, 1, "2026-12-08T14:00:00Z", PostState::Scheduled, true),
            post(11, 1, "2026-12-01T09:00:00Z", PostState::Live, false),
        ],
        free: vec![
            free(1, "2026-12-10T09:00:00Z"),
            free(2, "2026-12-10T09:00:00Z"),
        ],
    };
    run(
        s,
        [
            A::SitesLoaded(vec![site(1), site(2)]),
            A::Loaded(q, 0, Ok(calendar)),
        ],
    )
}

#[test]
fn a_month_shows_whole_weeks_and_a_week_monday_to_sunday() {
    let s = CalendarState::new(day("2026-12-09"));
    let days = s.days();
    // December 2026 begins on a Tuesday and ends on a Thursday.
    assert_eq!(days.first(), Some(&day("2026-11-30")));
    assert_eq!(days.last(), Some(&day("2027-01-03")));
    assert_eq!(days.len(), 35);
    assert_eq!(s.title(), "December 2026");
    let q = s.query();
    assert_eq!(
        (q.from, q.to, q.site),
        (
            utc("2026-11-30T00:00:00Z"),
            utc("2027-01-04T00:00:00Z"),
            None
        )
    );
    let w = run(s, [A::ShowWeek]);
    assert_eq!(w.days().first(), Some(&day("2026-12-07")));
    assert_eq!(w.days().len(), 7);
    assert_eq!(w.title(), "7 \u{2013} 13 Dec 2026");
    let across = run(CalendarState::new(day("2026-12-30")), [A::ShowWeek]);
    assert_eq!(across.title(), "28 Dec \u{2013} 3 Jan 2027");
    // A month that needs six weeks stays within what core serves (62 days).
    let long = CalendarState::new(day("2026-08-15"));
    assert_eq!(long.days().len(), 42);
}

#[test]
fn previous_and_next_step_by_the_view_and_today_comes_back() {
    let s = CalendarState::new(day("2026-01-31"));
    let next = run(s.clone(), [A::Next]);
    assert_eq!(next.title(), "February 2026", "no overflow from the 31st");
    assert!(next.loading);
    assert_eq!(run(s.clone(), [A::Previous]).title(), "December 2025");
    let week = run(s.clone(), [A::ShowWeek, A::Next]);
    assert_eq!(week.anchor, day("2026-02-07"));
    let back = run(week, [A::Today(day("2026-01-31")), A::ShowMonth]);
    assert_eq!(back.title(), "January 2026");
}

#[test]
fn a_reply_for_another_period_or_an_older_load_is_dropped() {
    let s = CalendarState::new(day("2026-12-09"));
    let old = s.query();
    let moved_on = run(s, [A::Next]);
    let empty = |q: &CalendarQuery| Calendar {
        from: q.from,
        to: q.to,
        posts: vec![],
        free: vec![],
    };
    let after = run(
        moved_on.clone(),
        [A::Loaded(old.clone(), 0, Ok(empty(&old)))],
    );
    assert!(after.loading && after.calendar.is_none());
    let q = moved_on.query();
    let stale = run(moved_on.clone(), [A::Loaded(q.clone(), 7, Ok(empty(&q)))]);
    assert!(stale.calendar.is_none());
    let ok = run(moved_on, [A::Loaded(q.clone(), 0, Ok(empty(&q)))]);
    assert!(!ok.loading && ok.calendar.is_some());
    let failed = run(
        CalendarState::new(day("2026-12-09")),
        [A::Loaded(
            CalendarState::new(day("2026-12-09")).query(),
            0,
            Err(ErrorDto::new(ErrorKind::Validation, "too long")),
        )],
    );
    assert_eq!(failed.load_error.as_deref(), Some("too long"));
}

#[test]
fn posts_and_free_slots_fall_on_their_utc_days() {
    let s = loaded();
    let on = |d: &str| {
        s.posts_on(day(d))
            .map(|p| p.content)
            .collect::<Vec<ContentId>>()
    };
    assert_eq!(on("2026-12-08"), [id::<ContentId>(10)]);
    assert_eq!(on("2026-12-01"), [id::<ContentId>(11)]);
    assert!(on("2026-12-09").is_empty());
    assert_eq!(s.free_on(day("2026-12-10")).count(), 2);
}

#[test]
fn only_a_movable_post_is_picked_and_only_its_sites_free_slots_take_it() {
    let s = loaded();
    let live = run(s.clone(), [A::Pick(id(11))]);
    assert_eq!(live.picked_id(), None, "a live post does not move");
    let picked = run(s.clone(), [A::Pick(id(10))]);
    assert_eq!(picked.picked_id(), Some(id(10)));
    assert!(picked.accepts(&free(1, "2026-12-10T09:00:00Z")));
    assert!(
        !picked.accepts(&free(2, "2026-12-10T09:00:00Z")),
        "another site's slot"
    );
    assert_eq!(
        run(picked.clone(), [A::Pick(id(10))]).picked,
        None,
        "put down"
    );
    assert_eq!(
        run(picked.clone(), [A::Grab(id(10))]).picked_id(),
        Some(id(10)),
        "a drag keeps it up"
    );
    assert_eq!(run(s.clone(), [A::Grab(id(11))]).picked_id(), None);
    assert_eq!(run(picked.clone(), [A::Drop]).picked_id(), None);
    assert!(
        !s.accepts(&free(1, "2026-12-10T09:00:00Z")),
        "nothing picked"
    );
}

#[test]
fn a_move_reports_and_reloads_and_one_at_a_time() {
    let s = run(loaded(), [A::Pick(id(10))]);
    let to = utc("2026-12-10T09:00:00Z");
    let moving = run(
        s,
        [A::MoveStarted {
            content: id(10),
            to,
        }],
    );
    assert_eq!(
        moving.work,
        Work::Moving {
            content: id(10),
            to
        }
    );
    assert!(!moving.accepts(&free(1, "2026-12-10T09:00:00Z")), "busy");
    let again = run(moving.clone(), [A::PlanStarted(id(1))]);
    assert_eq!(again.work, moving.work, "one thing at a time");
    let generation = moving.generation;
    let done = run(
        moving.clone(),
        [A::Moved(Ok(PlannedPost {
            content: id(10),
            title: "Post 10".into(),
            slot: to,
            scheduled: true,
            previous_slot: Some(utc("2026-12-08T14:00:00Z")),
        }))],
    );
    assert_eq!(done.work, Work::Idle);
    assert_eq!(done.picked_id(), None);
    assert!(done.loading && done.generation != generation, "loads again");
    assert_eq!(
        done.outcome,
        Some(Outcome::Done(
            "Moved \u{201c}Post 10\u{201d} from Tue 8 Dec 14:00 UTC to Thu 10 Dec 09:00 UTC."
                .into()
        ))
    );
    let refused = run(
        moving,
        [A::Moved(Err(ErrorDto::new(
            ErrorKind::Validation,
            "not a free slot; free slots: …",
        )))],
    );
    assert!(matches!(
        refused.outcome,
        Some(Outcome::Failed(ref m)) if m.contains("not a free slot")
    ));
}

#[test]
fn schedule_next_approved_names_the_site_and_counts() {
    let s = run(loaded(), [A::ChooseSite(Some(id(1)))]);
    assert_eq!(s.plan_site(), Some(id(1)));
    assert!(s.loading, "another site: load again");
    let planned = |n: usize| {
        (0..n)
            .map(|i| PlannedPost {
                content: id(20 + i as u64),
                title: format!("A{i}"),
                slot: utc("2026-12-10T09:00:00Z"),
                scheduled: true,
                previous_slot: None,
            })
            .collect::<Vec<_>>()
    };
    let two = run(
        s.clone(),
        [A::PlanStarted(id(1)), A::Planned(Ok(planned(2)))],
    );
    assert_eq!(
        two.outcome,
        Some(Outcome::Done("Scheduled 2 articles for Site 1.".into()))
    );
    let none = run(s.clone(), [A::PlanStarted(id(1)), A::Planned(Ok(vec![]))]);
    assert!(matches!(none.outcome, Some(Outcome::Done(ref m)) if m.contains("approve articles")));
    let failed = run(
        s,
        [
            A::PlanStarted(id(1)),
            A::Planned(Err(ErrorDto::new(
                ErrorKind::Validation,
                "connect the site first",
            ))),
        ],
    );
    assert!(matches!(
        failed.outcome,
        Some(Outcome::Failed(ref m)) if m.contains("Site 1") && m.contains("connect the site first")
    ));
    assert_eq!(
        run(loaded(), []).plan_site(),
        None,
        "all sites: none to plan"
    );
}
