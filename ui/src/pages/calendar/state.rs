//! The calendar page's state: which period (a month or a week) and which site are shown, the
//! calendar core answered for them (a reply for a period the person has left is dropped), the
//! post picked up to move (by drag or by click), and how the last move or "Schedule next
//! approved" went. Days are UTC days, as everywhere in the app.

use crate::format::error_text;
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc};
use folio_model::{
    Calendar, CalendarPost, CalendarQuery, ContentId, ErrorDto, FreeSlot, PlannedPost, Site, SiteId,
};
use std::rc::Rc;
use yew::Reducible;

#[cfg(test)]
mod tests;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Month,
    Week,
}

/// What the page is doing besides showing the calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Work {
    Idle,
    /// A post is on its way to another slot.
    Moving {
        content: ContentId,
        to: DateTime<Utc>,
    },
    /// "Schedule next approved" for a site.
    Planning(SiteId),
}

/// How the last move or plan ended, for the banner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(String),
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CalendarState {
    pub sites: Vec<Site>,
    /// `None`: all sites.
    pub site: Option<SiteId>,
    pub view: View,
    /// A day inside the period shown.
    pub anchor: NaiveDate,
    /// Bumped to load the same period again (after a move or a plan).
    pub generation: u32,
    pub loading: bool,
    pub calendar: Option<Calendar>,
    pub load_error: Option<String>,
    /// The post picked up to move: dragged, or clicked (then a click on a free slot moves it).
    /// Kept whole, so it stays picked while the person goes to another month for the slot.
    pub picked: Option<CalendarPost>,
    pub work: Work,
    pub outcome: Option<Outcome>,
}

pub enum CalendarAction {
    SitesLoaded(Vec<Site>),
    ChooseSite(Option<SiteId>),
    ShowMonth,
    ShowWeek,
    Previous,
    Next,
    /// Back to the period holding this day (today).
    Today(NaiveDate),
    /// The calendar for a query; dropped when the page has moved on to another.
    Loaded(CalendarQuery, u32, Result<Calendar, ErrorDto>),
    /// Pick a post up (a drag starting, or a click); clicking the picked one puts it down.
    Pick(ContentId),
    /// A drag starting on a post: picks it up (never puts it down, unlike a click).
    Grab(ContentId),
    Drop,
    MoveStarted {
        content: ContentId,
        to: DateTime<Utc>,
    },
    Moved(Result<PlannedPost, ErrorDto>),
    PlanStarted(SiteId),
    Planned(Result<Vec<PlannedPost>, ErrorDto>),
    DismissOutcome,
}

impl CalendarState {
    pub fn new(today: NaiveDate) -> Self {
        Self {
            sites: Vec::new(),
            site: None,
            view: View::Month,
            anchor: today,
            generation: 0,
            loading: true,
            calendar: None,
            load_error: None,
            picked: None,
            work: Work::Idle,
            outcome: None,
        }
    }

    /// The days shown: a month view runs from the Monday on or before the 1st to the Sunday on
    /// or after the last day (four to six whole weeks); a week view from Monday to Sunday.
    pub fn days(&self) -> Vec<NaiveDate> {
        let monday =
            |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
        let (start, count) = match self.view {
            View::Week => (monday(self.anchor), 7),
            View::Month => {
                let first = self.anchor.with_day(1).unwrap_or(self.anchor);
                let last = first
                    .checked_add_months(Months::new(1))
                    .map_or(first, |next| next - Duration::days(1));
                let start = monday(first);
                let end = monday(last) + Duration::days(6);
                (start, (end - start).num_days() + 1)
            }
        };
        (0..count).map(|i| start + Duration::days(i)).collect()
    }

    /// What to ask core for: the days shown, as UTC instants, for the chosen site.
    pub fn query(&self) -> CalendarQuery {
        let days = self.days();
        let at = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        let first = days.first().copied().unwrap_or(self.anchor);
        let last = days.last().copied().unwrap_or(self.anchor);
        CalendarQuery {
            from: at(first),
            to: at(last + Duration::days(1)),
            site: self.site,
        }
    }

    /// "December 2026", or "7 – 13 Dec 2026" for a week.
    pub fn title(&self) -> String {
        match self.view {
            View::Month => self.anchor.format("%B %Y").to_string(),
            View::Week => {
                let days = self.days();
                match (days.first(), days.last()) {
                    (Some(a), Some(b)) if a.month() == b.month() => {
                        format!("{} \u{2013} {}", a.format("%-d"), b.format("%-d %b %Y"))
                    }
                    (Some(a), Some(b)) => {
                        format!("{} \u{2013} {}", a.format("%-d %b"), b.format("%-d %b %Y"))
                    }
                    _ => String::new(),
                }
            }
        }
    }

    fn posts(&self) -> &[CalendarPost] {
        self.calendar.as_ref().map_or(&[], |c| c.posts.as_slice())
    }

    pub fn posts_on(&self, day: NaiveDate) -> impl Iterator<Item = &CalendarPost> {
        self.posts()
            .iter()
            .filter(move |p| p.at.date_naive() == day)
    }

    pub fn free_on(&self, day: NaiveDate) -> impl Iterator<Item = &FreeSlot> {
        self.calendar
            .iter()
            .flat_map(|c| c.free.iter())
            .filter(move |f| f.at.date_naive() == day)
    }

    pub fn picked_post(&self) -> Option<&CalendarPost> {
        self.picked.as_ref()
    }

    pub fn picked_id(&self) -> Option<ContentId> {
        self.picked.as_ref().map(|p| p.content)
    }

    /// A post of the calendar shown that may be moved.
    fn movable(&self, id: ContentId) -> Option<CalendarPost> {
        self.posts()
            .iter()
            .find(|p| p.content == id && p.movable)
            .cloned()
    }

    /// Whether the picked post may go to this free slot: only its own site's slots take it.
    pub fn accepts(&self, slot: &FreeSlot) -> bool {
        self.work == Work::Idle && self.picked_post().is_some_and(|p| p.site == slot.site)
    }

    /// The site "Schedule next approved" works on: the chosen one (with all sites shown there
    /// is no single site to schedule for).
    pub fn plan_site(&self) -> Option<SiteId> {
        self.site
    }

    fn site_name(&self, id: SiteId) -> String {
        self.sites
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| "this site".to_owned(), |s| s.name.clone())
    }

    fn reload(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.loading = true;
    }

    fn period_changed(&mut self) {
        self.loading = true;
        self.load_error = None;
    }
}

fn slot_text(t: DateTime<Utc>) -> String {
    t.format("%a %-d %b %H:%M UTC").to_string()
}

impl Reducible for CalendarState {
    type Action = CalendarAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            CalendarAction::SitesLoaded(sites) => s.sites = sites,
            CalendarAction::ChooseSite(site) => {
                if s.site == site {
                    return self;
                }
                s.site = site;
                s.picked = None;
                s.period_changed();
            }
            CalendarAction::ShowMonth | CalendarAction::ShowWeek => {
                let view = match action {
                    CalendarAction::ShowWeek => View::Week,
                    _ => View::Month,
                };
                if s.view == view {
                    return self;
                }
                s.view = view;
                s.period_changed();
            }
            CalendarAction::Previous | CalendarAction::Next => {
                let forward = matches!(action, CalendarAction::Next);
                s.anchor = match (s.view, forward) {
                    (View::Week, true) => s.anchor + Duration::days(7),
                    (View::Week, false) => s.anchor - Duration::days(7),
                    (View::Month, true) => s
                        .anchor
                        .with_day(1)
                        .and_then(|d| d.checked_add_months(Months::new(1)))
                        .unwrap_or(s.anchor),
                    (View::Month, false) => s
                        .anchor
                        .with_day(1)
                        .and_then(|d| d.checked_sub_months(Months::new(1)))
                        .unwrap_or(s.anchor),
                };
                s.period_changed();
            }
            CalendarAction::Today(today) => {
                if s.anchor == today {
                    return self;
                }
                s.anchor = today;
                s.period_changed();
            }
            CalendarAction::Loaded(query, generation, result) => {
                if query != s.query() || generation != s.generation {
                    return self;
                }
                s.loading = false;
                match result {
                    Ok(calendar) => {
                        s.calendar = Some(calendar);
                        s.load_error = None;
                        // The picked post, when this period shows it, as it is now: put down if it
                        // can no longer move (its slot came near). Absent, it is in another period.
                        if let Some(id) = s.picked_id() {
                            if s.posts().iter().any(|p| p.content == id) {
                                s.picked = s.movable(id);
                            }
                        }
                    }
                    Err(e) => s.load_error = Some(error_text(&e)),
                }
            }
            CalendarAction::Pick(id) => {
                if s.work != Work::Idle {
                    return self;
                }
                s.picked = match s.picked_id() == Some(id) {
                    true => None,
                    false => s.movable(id),
                };
            }
            CalendarAction::Grab(id) => {
                if s.work != Work::Idle || s.picked_id() == Some(id) {
                    return self;
                }
                match s.movable(id) {
                    Some(post) => s.picked = Some(post),
                    None => return self,
                }
            }
            CalendarAction::Drop => s.picked = None,
            CalendarAction::MoveStarted { content, to } => {
                if s.work != Work::Idle {
                    return self;
                }
                s.work = Work::Moving { content, to };
                s.outcome = None;
            }
            CalendarAction::Moved(result) => {
                s.work = Work::Idle;
                s.picked = None;
                s.outcome = Some(match result {
                    Ok(p) => Outcome::Done(match p.previous_slot {
                        Some(was) => format!(
                            "Moved \u{201c}{}\u{201d} from {} to {}.",
                            p.title,
                            slot_text(was),
                            slot_text(p.slot)
                        ),
                        None => format!(
                            "Scheduled \u{201c}{}\u{201d} for {}.",
                            p.title,
                            slot_text(p.slot)
                        ),
                    }),
                    Err(e) => {
                        Outcome::Failed(format!("Could not move the post: {}", error_text(&e)))
                    }
                });
                s.reload();
            }
            CalendarAction::PlanStarted(site) => {
                if s.work != Work::Idle {
                    return self;
                }
                s.work = Work::Planning(site);
                s.outcome = None;
            }
            CalendarAction::Planned(result) => {
                let site = match s.work {
                    Work::Planning(site) => s.site_name(site),
                    _ => "this site".to_owned(),
                };
                s.work = Work::Idle;
                s.outcome = Some(match result {
                    Ok(planned) if planned.is_empty() => Outcome::Done(format!(
                        "Nothing to schedule for {site}: no approved article is waiting for a slot (approve articles in the review queue), or its limits leave no slot."
                    )),
                    Ok(planned) => Outcome::Done(format!(
                        "Scheduled {} for {site}.",
                        match planned.len() {
                            1 => "1 article".to_owned(),
                            n => format!("{n} articles"),
                        }
                    )),
                    Err(e) => Outcome::Failed(format!(
                        "Could not schedule {site}'s approved articles: {}",
                        error_text(&e)
                    )),
                });
                s.reload();
            }
            CalendarAction::DismissOutcome => s.outcome = None,
        }
        Rc::new(s)
    }
}
