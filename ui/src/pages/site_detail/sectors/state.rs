//! The sectors panel's state: renaming in place, removing after a confirm step, adding up to the
//! limit, one change at a time, and where keyboard focus goes after each step.

use crate::format::plural;
use folio_model::{
    ErrorDto, KeywordFilter, KeywordQuery, KeywordSort, Sector, SectorId, SiteId,
    MAX_SECTORS_PER_SITE,
};
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renaming {
    pub sector: SectorId,
    /// The new name, as typed.
    pub draft: String,
}

/// A removal waiting for the person to confirm it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Removing {
    pub sector: SectorId,
    /// How many keywords go with it, once known.
    pub keywords: Option<u64>,
}

/// Where an error is shown: under a sector's row, or under the add field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorPlace {
    Sector(SectorId),
    Add,
}

/// Where keyboard focus goes after a step, so it is never lost when a control disappears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    RenameInput,
    RenameButton(SectorId),
    RemoveButton(SectorId),
    RemoveCancel,
    AddName,
}

impl Focus {
    pub fn selector(self) -> String {
        match self {
            Focus::RenameInput => "#sector-rename-input".to_owned(),
            Focus::RenameButton(id) => format!("[data-sector-id=\"{id}\"] .sector-rename"),
            Focus::RemoveButton(id) => format!("[data-sector-id=\"{id}\"] .sector-remove"),
            Focus::RemoveCancel => "#sector-remove-cancel".to_owned(),
            Focus::AddName => "#sector-add-name".to_owned(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SectorsState {
    pub site: SiteId,
    pub sectors: Vec<Sector>,
    pub renaming: Option<Renaming>,
    pub removing: Option<Removing>,
    /// The add field, as typed.
    pub new_name: String,
    /// A change is on its way to core; the next waits for it.
    pub busy: bool,
    /// Core's refusal of the last change, and where it belongs.
    pub error: Option<(ErrorPlace, ErrorDto)>,
    /// What the last removal did.
    pub notice: Option<String>,
    /// Where focus should go, numbered so that asking twice for the same place still moves it.
    pub focus: (u64, Option<Focus>),
}

pub enum SectorsAction {
    RenameStarted(SectorId),
    RenameTyped(String),
    RenameCancelled,
    RenameSubmitted,
    SectorRenamed(Sector),
    RenameRejected(ErrorDto),
    RemoveRequested(SectorId),
    /// The keyword count of the sector waiting for confirmation arrived.
    RemoveCounted {
        sector: SectorId,
        keywords: u64,
    },
    RemoveCancelled,
    RemoveConfirmed,
    SectorRemoved {
        sector: SectorId,
        keywords: u64,
    },
    RemoveRejected {
        sector: SectorId,
        error: ErrorDto,
    },
    NewNameTyped(String),
    AddSubmitted,
    SectorAdded(Sector),
    AddRejected(ErrorDto),
    NoticeDismissed,
}

impl Reducible for SectorsState {
    type Action = SectorsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl SectorsState {
    pub fn new(site: SiteId, sectors: Vec<Sector>) -> Self {
        Self {
            site,
            sectors,
            renaming: None,
            removing: None,
            new_name: String::new(),
            busy: false,
            error: None,
            notice: None,
            focus: (0, None),
        }
    }

    fn apply(&mut self, action: SectorsAction) {
        use SectorsAction as A;
        match action {
            A::RenameStarted(sector) => {
                if self.busy {
                    return;
                }
                let Some(current) = self.name_of(sector) else {
                    return;
                };
                self.renaming = Some(Renaming {
                    sector,
                    draft: current.to_owned(),
                });
                self.removing = None;
                self.error = None;
                self.notice = None;
                self.focus_on(Focus::RenameInput);
            }
            A::RenameTyped(text) => {
                if let Some(r) = &mut self.renaming {
                    r.draft = text;
                    let sector = r.sector;
                    self.clear_error_at(ErrorPlace::Sector(sector));
                }
            }
            A::RenameCancelled => {
                if self.busy {
                    return;
                }
                if let Some(r) = self.renaming.take() {
                    self.clear_error_at(ErrorPlace::Sector(r.sector));
                    self.focus_on(Focus::RenameButton(r.sector));
                }
            }
            A::RenameSubmitted => {
                if self.renaming.is_some() {
                    self.busy = true;
                    self.error = None;
                }
            }
            A::SectorRenamed(sector) => {
                self.busy = false;
                if let Some(slot) = self.sectors.iter_mut().find(|s| s.id == sector.id) {
                    slot.name = sector.name;
                }
                if self.renaming.as_ref().map(|r| r.sector) == Some(sector.id) {
                    self.renaming = None;
                }
                self.focus_on(Focus::RenameButton(sector.id));
            }
            A::RenameRejected(error) => {
                self.busy = false;
                // The name stays open for correcting, the error under it.
                if let Some(r) = &self.renaming {
                    self.error = Some((ErrorPlace::Sector(r.sector), error));
                    self.focus_on(Focus::RenameInput);
                }
            }
            A::RemoveRequested(sector) => {
                if self.busy || self.name_of(sector).is_none() {
                    return;
                }
                self.removing = Some(Removing {
                    sector,
                    keywords: None,
                });
                self.renaming = None;
                self.error = None;
                self.notice = None;
                self.focus_on(Focus::RemoveCancel);
            }
            A::RemoveCounted { sector, keywords } => {
                if let Some(r) = self.removing.as_mut().filter(|r| r.sector == sector) {
                    r.keywords = Some(keywords);
                }
            }
            A::RemoveCancelled => {
                if self.busy {
                    return;
                }
                if let Some(r) = self.removing.take() {
                    self.focus_on(Focus::RemoveButton(r.sector));
                }
            }
            A::RemoveConfirmed => {
                if self.removing.is_some() {
                    self.busy = true;
                }
            }
            A::SectorRemoved { sector, keywords } => {
                self.busy = false;
                self.removing = None;
                let name = self.name_of(sector).unwrap_or_default().to_owned();
                self.sectors.retain(|s| s.id != sector);
                self.notice = Some(removed_message(&name, keywords));
                self.focus_on(Focus::AddName);
            }
            A::RemoveRejected { sector, error } => {
                self.busy = false;
                self.removing = None;
                self.error = Some((ErrorPlace::Sector(sector), error));
                self.focus_on(Focus::RemoveButton(sector));
            }
            A::NewNameTyped(text) => {
                self.new_name = text;
                self.clear_error_at(ErrorPlace::Add);
            }
            A::AddSubmitted => {
                self.busy = true;
                self.error = None;
                self.notice = None;
                self.renaming = None;
                self.removing = None;
            }
            A::SectorAdded(sector) => {
                self.busy = false;
                self.new_name.clear();
                self.sectors.push(sector);
                self.focus_on(Focus::AddName);
            }
            A::AddRejected(error) => {
                self.busy = false;
                self.error = Some((ErrorPlace::Add, error));
                self.focus_on(Focus::AddName);
            }
            A::NoticeDismissed => self.notice = None,
        }
    }

    fn focus_on(&mut self, target: Focus) {
        self.focus = (self.focus.0 + 1, Some(target));
    }

    fn clear_error_at(&mut self, place: ErrorPlace) {
        if self.error.as_ref().is_some_and(|(p, _)| *p == place) {
            self.error = None;
        }
    }

    fn name_of(&self, sector: SectorId) -> Option<&str> {
        self.sectors
            .iter()
            .find(|s| s.id == sector)
            .map(|s| s.name.as_str())
    }

    pub fn error_at(&self, place: ErrorPlace) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(p, _)| *p == place)
            .map(|(_, e)| e.message.as_str())
    }

    pub fn can_add(&self) -> bool {
        self.sectors.len() < MAX_SECTORS_PER_SITE
    }

    /// What a rename would send: `None` when the name did not change (nothing to ask core).
    pub fn rename_request(&self) -> Option<(SectorId, String)> {
        let r = self.renaming.as_ref()?;
        let unchanged = self.name_of(r.sector) == Some(r.draft.as_str());
        (!unchanged).then(|| (r.sector, r.draft.clone()))
    }
}

fn removed_message(name: &str, keywords: u64) -> String {
    if keywords == 0 {
        format!("Removed \u{201c}{name}\u{201d}; it had no keywords.")
    } else {
        format!(
            "Removed \u{201c}{name}\u{201d} and {} with it.",
            plural(keywords, "keyword")
        )
    }
}

pub fn confirm_message(name: &str, keywords: Option<u64>) -> String {
    let what = match keywords {
        None => "Any keywords in it are deleted too.".to_owned(),
        Some(0) => "It has no keywords.".to_owned(),
        Some(1) => "Its 1 keyword is deleted too.".to_owned(),
        Some(n) => format!("Its {} are deleted too.", plural(n, "keyword")),
    };
    format!("Remove \u{201c}{name}\u{201d}? {what} This cannot be undone.")
}

/// One keyword of the sector is enough to learn how many it holds.
pub fn count_query(site: SiteId, sector: SectorId) -> KeywordQuery {
    KeywordQuery {
        filter: KeywordFilter {
            sector: Some(sector),
            ..KeywordFilter::site(site)
        },
        sort: KeywordSort::default(),
        limit: 1,
        offset: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;
    use SectorsAction as A;

    fn id<T: std::str::FromStr>(n: u64) -> T
    where
        T::Err: std::fmt::Debug,
    {
        T::from_str(&format!("00000000-0000-7000-8000-{n:012}")).unwrap()
    }

    fn sector(n: u64, name: &str) -> Sector {
        Sector {
            id: id(n),
            name: name.into(),
        }
    }

    fn state() -> SectorsState {
        SectorsState::new(id(1), vec![sector(11, "Tools"), sector(12, "Seeds")])
    }

    fn step(mut s: SectorsState, a: SectorsAction) -> SectorsState {
        s.apply(a);
        s
    }

    fn names(s: &SectorsState) -> Vec<&str> {
        s.sectors.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn a_rename_saves_the_new_name_and_an_unchanged_one_sends_nothing() {
        let s = step(state(), A::RenameStarted(id(11)));
        assert_eq!(s.renaming.as_ref().unwrap().draft, "Tools");
        assert_eq!(s.focus.1, Some(Focus::RenameInput));
        assert_eq!(s.rename_request(), None, "nothing typed yet");
        let s = step(s, A::RenameTyped("Hand Tools".into()));
        assert_eq!(s.rename_request(), Some((id(11), "Hand Tools".into())));
        let s = step(s, A::RenameSubmitted);
        assert!(s.busy);
        let s = step(s, A::SectorRenamed(sector(11, "Hand Tools")));
        assert!(!s.busy && s.renaming.is_none());
        assert_eq!(names(&s), ["Hand Tools", "Seeds"]);
        assert_eq!(s.focus.1, Some(Focus::RenameButton(id(11))));
    }

    #[test]
    fn escape_cancels_a_rename_and_its_error() {
        let s = step(state(), A::RenameStarted(id(12)));
        let s = step(s, A::RenameTyped("tools".into()));
        let s = step(s, A::RenameSubmitted);
        let dup =
            ErrorDto::new(ErrorKind::Conflict, "already has a sector named").with_field("name");
        let s = step(s, A::RenameRejected(dup));
        assert_eq!(
            s.error_at(ErrorPlace::Sector(id(12))),
            Some("already has a sector named"),
            "the error sits by the sector being renamed"
        );
        assert_eq!(s.error_at(ErrorPlace::Sector(id(11))), None);
        assert!(s.renaming.is_some(), "still open for correcting");
        let s = step(s, A::RenameCancelled);
        assert!(s.renaming.is_none() && s.error.is_none());
        assert_eq!(names(&s), ["Tools", "Seeds"]);
    }

    #[test]
    fn typing_clears_the_error_of_that_field_only() {
        let s = step(state(), A::NewNameTyped("x".into()));
        let s = step(s, A::AddSubmitted);
        let s = step(
            s,
            A::AddRejected(ErrorDto::new(ErrorKind::Validation, "bad").with_field("name")),
        );
        let s = step(s, A::RenameTyped("ignored: no rename open".into()));
        assert_eq!(s.error_at(ErrorPlace::Add), Some("bad"));
        let s = step(s, A::NewNameTyped("Soil".into()));
        assert_eq!(s.error_at(ErrorPlace::Add), None);
    }

    #[test]
    fn removing_asks_first_then_reports_the_keywords_deleted() {
        let s = step(state(), A::RemoveRequested(id(12)));
        assert_eq!(
            s.removing,
            Some(Removing {
                sector: id(12),
                keywords: None
            })
        );
        assert_eq!(names(&s), ["Tools", "Seeds"], "nothing removed yet");
        // A count for another sector (a stale reply) is ignored.
        let s = step(
            s,
            A::RemoveCounted {
                sector: id(11),
                keywords: 9,
            },
        );
        assert_eq!(s.removing.unwrap().keywords, None);
        let s = step(
            s,
            A::RemoveCounted {
                sector: id(12),
                keywords: 3,
            },
        );
        assert_eq!(
            confirm_message("Seeds", s.removing.unwrap().keywords),
            "Remove \u{201c}Seeds\u{201d}? Its 3 keywords are deleted too. This cannot be undone."
        );
        let s = step(s, A::RemoveCancelled);
        assert!(s.removing.is_none());
        let s = step(s, A::RemoveRequested(id(12)));
        let s = step(s, A::RemoveConfirmed);
        assert!(s.busy);
        let s = step(
            s,
            A::SectorRemoved {
                sector: id(12),
                keywords: 3,
            },
        );
        assert_eq!(names(&s), ["Tools"]);
        assert_eq!(
            s.notice.as_deref(),
            Some("Removed \u{201c}Seeds\u{201d} and 3 keywords with it.")
        );
        assert_eq!(
            removed_message("X", 0),
            "Removed \u{201c}X\u{201d}; it had no keywords."
        );
    }

    #[test]
    fn a_refused_removal_is_explained_by_that_sector() {
        let s = step(state(), A::RemoveRequested(id(11)));
        let s = step(s, A::RemoveConfirmed);
        let err =
            ErrorDto::new(ErrorKind::Conflict, "still has 1 cluster(s)").with_field("sectors");
        let s = step(
            s,
            A::RemoveRejected {
                sector: id(11),
                error: err,
            },
        );
        assert!(!s.busy && s.removing.is_none());
        assert_eq!(
            s.error_at(ErrorPlace::Sector(id(11))),
            Some("still has 1 cluster(s)")
        );
        assert_eq!(names(&s), ["Tools", "Seeds"]);
    }

    #[test]
    fn adding_stops_at_five_sectors() {
        let mut s = state();
        for n in 3..=5 {
            s = step(s, A::NewNameTyped(format!("S{n}")));
            assert!(s.can_add());
            s = step(s, A::AddSubmitted);
            s = step(s, A::SectorAdded(sector(10 + n, &format!("S{n}"))));
            assert_eq!(s.new_name, "", "the field empties for the next one");
        }
        assert_eq!(s.sectors.len(), MAX_SECTORS_PER_SITE);
        assert!(!s.can_add());
    }

    #[test]
    fn one_change_at_a_time() {
        let s = step(state(), A::RenameStarted(id(11)));
        let s = step(s, A::RenameTyped("Kit".into()));
        let s = step(s, A::RenameSubmitted);
        let s = step(s, A::RemoveRequested(id(12)));
        assert!(s.removing.is_none(), "no removal while a rename is saving");
        let s = step(s, A::RenameCancelled);
        assert!(s.renaming.is_some(), "nor cancelling a rename mid-save");
        assert_eq!(
            Focus::RenameButton(id(11)).selector(),
            "[data-sector-id=\"00000000-0000-7000-8000-000000000011\"] .sector-rename"
        );
    }
}
