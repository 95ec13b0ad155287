//! The publish panel's state: what it is doing, what the last action did or why it failed (and
//! whether to offer "Overwrite"), the schedule form, and the article's publishing attempts.

use super::clock::to_utc;
use chrono::{DateTime, NaiveDateTime, Utc};
use folio_model::{ErrorDto, ErrorKind, PublishOutcome, PublishingRecord, RecordStatus};
use std::rc::Rc;
use yew::Reducible;

/// One thing the panel can ask WordPress to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Publish,
    Schedule(DateTime<Utc>),
    Draft,
    Unpublish,
    Trash,
}

impl Op {
    pub fn busy_label(self) -> &'static str {
        match self {
            Op::Publish => "Publishing\u{2026}",
            Op::Schedule(_) => "Scheduling\u{2026}",
            Op::Draft => "Saving the draft\u{2026}",
            Op::Unpublish => "Unpublishing\u{2026}",
            Op::Trash => "Moving to the trash\u{2026}",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublishState {
    pub records: Vec<PublishingRecord>,
    pub records_error: Option<ErrorDto>,
    pub busy: Option<Op>,
    pub outcome: Option<PublishOutcome>,
    /// The last action that failed, kept so "Overwrite" can repeat it.
    pub failed: Option<(Op, ErrorDto)>,
    pub schedule_open: bool,
    /// The `datetime-local` value as typed (`2026-12-01T09:00`).
    pub schedule_text: String,
    /// The site's publishing timezone (IANA), which a scheduled time is read in.
    pub timezone: Option<String>,
}

pub enum PublishAction {
    RecordsLoaded(Result<Vec<PublishingRecord>, ErrorDto>),
    TimezoneLoaded(String),
    Started(Op),
    Done(Box<PublishOutcome>),
    Failed(Op, ErrorDto),
    ScheduleToggled,
    ScheduleTyped(String),
}

impl Reducible for PublishState {
    type Action = PublishAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl PublishState {
    fn apply(&mut self, action: PublishAction) {
        use PublishAction as A;
        match action {
            A::RecordsLoaded(Ok(records)) => {
                self.records = records;
                self.records_error = None;
            }
            A::RecordsLoaded(Err(e)) => self.records_error = Some(e),
            A::TimezoneLoaded(tz) => self.timezone = Some(tz),
            A::Started(op) => {
                self.busy = Some(op);
                self.failed = None;
                self.outcome = None;
            }
            A::Done(outcome) => {
                if matches!(self.busy, Some(Op::Schedule(_))) {
                    self.schedule_open = false;
                }
                self.busy = None;
                // Newest first, as core lists them; the reload that follows confirms it.
                self.records.insert(0, outcome.record.clone());
                self.outcome = Some(*outcome);
            }
            A::Failed(op, e) => {
                self.busy = None;
                self.failed = Some((op, e));
            }
            A::ScheduleToggled => self.schedule_open = !self.schedule_open,
            A::ScheduleTyped(text) => self.schedule_text = text,
        }
    }

    /// The article has a post on WordPress (its last successful action left one there).
    pub fn on_site_status(&self) -> Option<&str> {
        self.records
            .iter()
            .find(|r| r.status == RecordStatus::Succeeded && r.external_id.is_some())
            .and_then(|r| r.remote_status.as_deref())
    }

    pub fn live(&self) -> bool {
        matches!(self.on_site_status(), Some("publish" | "future"))
    }

    /// The conflicts core reports when an update would overwrite someone's work — the post was
    /// edited in wp-admin, or a post with the article's slug is not Folio's (`foreign_post`):
    /// offer to overwrite, with the reason.
    pub fn overwrite_offered(&self) -> Option<(Op, Overwrite)> {
        self.failed.as_ref().and_then(|(op, e)| {
            if e.kind != ErrorKind::Conflict {
                return None;
            }
            match e.code.as_deref() {
                Some("edited_in_wordpress") => Some((*op, Overwrite::EditedInWordpress)),
                Some("foreign_post") => Some((*op, Overwrite::ForeignPost)),
                _ => None,
            }
        })
    }

    /// The UTC time a schedule would send, or why there is none.
    pub fn schedule_at(&self) -> Result<DateTime<Utc>, &'static str> {
        let text = self.schedule_text.trim();
        if text.is_empty() {
            return Err("Choose a date and time.");
        }
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| "Enter a date and time such as 2026-12-01 09:00.")?;
        to_utc(naive, self.timezone.as_deref()).ok_or("That time does not exist in the timezone.")
    }
}

/// Why "Overwrite" is offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overwrite {
    EditedInWordpress,
    ForeignPost,
}

impl Overwrite {
    pub fn question(self) -> &'static str {
        match self {
            Self::EditedInWordpress => "The post was edited in wp-admin since Folio last sent it. Overwrite those edits with Folio\u{2019}s version?",
            Self::ForeignPost => "The site already has a post with this slug that Folio did not publish for this article (a teammate may have set the slug). Overwrite that post with this article only if it really is this article.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_offers_to_overwrite_the_same_action() {
        let mut s = PublishState::default();
        s.apply(PublishAction::Started(Op::Trash));
        let e = ErrorDto::new(ErrorKind::Conflict, "edited in wp-admin")
            .with_code("edited_in_wordpress");
        s.apply(PublishAction::Failed(Op::Trash, e));
        assert_eq!(
            s.overwrite_offered(),
            Some((Op::Trash, Overwrite::EditedInWordpress))
        );
        let e = ErrorDto::new(ErrorKind::Wordpress, "refused").with_code("auth");
        s.apply(PublishAction::Failed(Op::Publish, e));
        assert_eq!(s.overwrite_offered(), None);
    }

    #[test]
    fn a_foreign_post_with_the_slug_offers_to_overwrite_with_its_own_reason() {
        let mut s = PublishState::default();
        s.apply(PublishAction::Started(Op::Publish));
        let e = ErrorDto::new(ErrorKind::Conflict, "not Folio's post").with_code("foreign_post");
        s.apply(PublishAction::Failed(Op::Publish, e));
        let (op, why) = s.overwrite_offered().unwrap();
        assert_eq!(op, Op::Publish);
        assert_eq!(why, Overwrite::ForeignPost);
        assert!(why.question().contains("did not publish"));
        // A password bound elsewhere is not something to force past.
        let e = ErrorDto::new(ErrorKind::Wordpress, "address changed").with_code("origin_changed");
        s.apply(PublishAction::Failed(Op::Publish, e));
        assert_eq!(s.overwrite_offered(), None);
    }

    #[test]
    fn a_schedule_needs_a_whole_time() {
        let mut s = PublishState {
            timezone: None,
            ..Default::default()
        };
        assert!(s.schedule_at().is_err());
        s.apply(PublishAction::ScheduleTyped("2026-12-01".into()));
        assert!(s.schedule_at().is_err());
    }
}
