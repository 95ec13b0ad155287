//! The Keywords page's state and reducer: pure, so the rules (which response wins, when a search
//! applies, what a bulk action targets) are unit-tested without a browser.

use folio_model::{
    ErrorDto, ErrorKind, ImportProgress, Intent, KeywordBulkAction, KeywordFilter, KeywordId,
    KeywordImportReport, KeywordPage, KeywordQuery, KeywordSort, KeywordSortField, KeywordStatus,
    SectorId, Site, SiteId, SiteList,
};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::Reducible;

/// Rows per page: the table only ever renders this many, whatever the site holds.
pub const PAGE_SIZE: u32 = 50;
/// How long typing must pause before the search and number filters go to core.
pub const SETTLE_MS: u64 = 250;

/// The site and sector the page works on; the app keeps it while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannerChoice {
    pub site: SiteId,
    /// `None`: all sectors of the site.
    pub sector: Option<SectorId>,
}

/// The text inputs, as typed. They apply once typing pauses (see [`KeywordsAction::InputsSettled`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drafts {
    pub search: String,
    pub min_volume: String,
    pub max_volume: String,
    pub min_difficulty: String,
    pub max_difficulty: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberFilter {
    MinVolume,
    MaxVolume,
    MinDifficulty,
    MaxDifficulty,
}

impl NumberFilter {
    pub fn id(self) -> &'static str {
        match self {
            NumberFilter::MinVolume => "filter-min-volume",
            NumberFilter::MaxVolume => "filter-max-volume",
            NumberFilter::MinDifficulty => "filter-min-difficulty",
            NumberFilter::MaxDifficulty => "filter-max-difficulty",
        }
    }

    fn draft(self, d: &Drafts) -> &str {
        match self {
            NumberFilter::MinVolume => &d.min_volume,
            NumberFilter::MaxVolume => &d.max_volume,
            NumberFilter::MinDifficulty => &d.min_difficulty,
            NumberFilter::MaxDifficulty => &d.max_difficulty,
        }
    }

    fn draft_mut(self, d: &mut Drafts) -> &mut String {
        match self {
            NumberFilter::MinVolume => &mut d.min_volume,
            NumberFilter::MaxVolume => &mut d.max_volume,
            NumberFilter::MinDifficulty => &mut d.min_difficulty,
            NumberFilter::MaxDifficulty => &mut d.max_difficulty,
        }
    }
}

/// Why a number input cannot be applied, if it cannot; an empty input means "no bound".
pub fn number_error(which: NumberFilter, text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let ok = match which {
        NumberFilter::MinVolume | NumberFilter::MaxVolume => {
            text.parse::<i64>().is_ok_and(|v| v >= 0)
        }
        NumberFilter::MinDifficulty | NumberFilter::MaxDifficulty => {
            text.parse::<i32>().is_ok_and(|v| (0..=100).contains(&v))
        }
    };
    match (ok, which) {
        (true, _) => None,
        (false, NumberFilter::MinVolume | NumberFilter::MaxVolume) => {
            Some("Enter a whole number of searches, 0 or more.")
        }
        (false, _) => Some("Enter a whole number from 0 to 100."),
    }
}

/// The narrowing that the list is currently asked with (the drafts once they settled).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Criteria {
    pub status: Option<KeywordStatus>,
    pub intent: Option<Intent>,
    pub min_volume: Option<i64>,
    pub max_volume: Option<i64>,
    pub min_difficulty: Option<i32>,
    pub max_difficulty: Option<i32>,
    pub search: Option<String>,
}

impl Criteria {
    /// Invalid numbers do not narrow: what the valid inputs show is what applies.
    fn from_drafts(status: Option<KeywordStatus>, intent: Option<Intent>, d: &Drafts) -> Self {
        fn num<T: std::str::FromStr>(which: NumberFilter, d: &Drafts) -> Option<T> {
            let text = which.draft(d).trim();
            if number_error(which, text).is_some() {
                return None;
            }
            text.parse().ok()
        }
        let search = d.search.split_whitespace().collect::<Vec<_>>().join(" ");
        Self {
            status,
            intent,
            min_volume: num(NumberFilter::MinVolume, d),
            max_volume: num(NumberFilter::MaxVolume, d),
            min_difficulty: num(NumberFilter::MinDifficulty, d),
            max_difficulty: num(NumberFilter::MaxDifficulty, d),
            search: (!search.is_empty()).then_some(search),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Criteria::default()
    }
}

/// A change to the list made with a select (applied at once, unlike typed inputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterChange {
    Status(Option<KeywordStatus>),
    Intent(Option<Intent>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkKind {
    Delete,
    SetStatus(KeywordStatus),
    RemoveFromCluster,
}

impl BulkKind {
    /// Only deleting cannot be undone by another bulk action, so only it asks first.
    pub fn needs_confirm(self) -> bool {
        matches!(self, BulkKind::Delete)
    }

    pub fn action(self) -> KeywordBulkAction {
        match self {
            BulkKind::Delete => KeywordBulkAction::Delete,
            BulkKind::SetStatus(status) => KeywordBulkAction::SetStatus { status },
            BulkKind::RemoveFromCluster => KeywordBulkAction::AssignCluster { cluster: None },
        }
    }

    pub fn done_message(self, changed: u64) -> String {
        let n = crate::format::plural(changed, "keyword");
        match self {
            BulkKind::Delete => format!("Deleted {n}."),
            BulkKind::SetStatus(s) => format!("Set {n} to {s}."),
            BulkKind::RemoveFromCluster => format!("Removed {n} from their cluster."),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BulkState {
    /// A delete waiting for the person to confirm it.
    pub confirming: Option<BulkKind>,
    pub running: bool,
    /// What the last bulk action did, or why it did nothing.
    pub outcome: Option<Result<String, ErrorDto>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum ImportPhase {
    #[default]
    Idle,
    /// The native file dialog is open.
    Picking,
    Running {
        file: String,
        progress: Option<ImportProgress>,
        cancelling: bool,
    },
    Finished(Result<KeywordImportReport, ErrorDto>),
}

impl ImportPhase {
    pub fn is_busy(&self) -> bool {
        matches!(self, ImportPhase::Picking | ImportPhase::Running { .. })
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeywordsState {
    pub sites: Vec<Site>,
    pub sites_loading: bool,
    pub sites_error: Option<ErrorDto>,
    pub site: Option<SiteId>,
    pub sector: Option<SectorId>,

    pub drafts: Drafts,
    /// Bumped on every keystroke; only the newest pause applies the drafts.
    pub settle_ticket: u64,
    pub status: Option<KeywordStatus>,
    pub intent: Option<Intent>,
    pub criteria: Criteria,
    pub sort: KeywordSort,
    pub offset: u64,

    /// The number of the newest list request. Anything that changes the query bumps it, the page
    /// sends the query when it changes, and a reply is only taken if it carries this number — so
    /// a slow reply to an old search cannot overwrite a newer one.
    pub request: u64,
    pub loading: bool,
    pub page: Option<KeywordPage>,
    pub list_error: Option<ErrorDto>,

    pub selected: BTreeSet<KeywordId>,
    /// "Select all N matching": the bulk action targets the filter, not ids.
    pub all_matching: bool,
    pub bulk: BulkState,

    pub import: ImportPhase,
}

pub enum KeywordsAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    SiteChosen(SiteId),
    SectorChosen(Option<SectorId>),
    SearchTyped(String),
    NumberTyped(NumberFilter, String),
    /// Typing paused; carries the ticket of the keystroke that started the pause.
    InputsSettled(u64),
    FilterChanged(FilterChange),
    FiltersCleared,
    SortClicked(KeywordSortField),
    PageNext,
    PagePrev,
    PageLoaded {
        request: u64,
        result: Result<KeywordPage, ErrorDto>,
    },
    RowToggled(KeywordId),
    PageToggled,
    AllMatchingChosen,
    SelectionCleared,
    BulkRequested(BulkKind),
    BulkConfirmed,
    BulkCancelled,
    BulkFinished {
        kind: BulkKind,
        result: Result<u64, ErrorDto>,
    },
    BulkOutcomeDismissed,
    ImportRequested,
    ImportPickCancelled,
    ImportFileChosen(String),
    ImportProgressed(ImportProgress),
    ImportCancelRequested,
    ImportFinished(Result<KeywordImportReport, ErrorDto>),
    ImportDismissed,
}

impl Reducible for KeywordsState {
    type Action = KeywordsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl KeywordsState {
    pub fn new(remembered: Option<PlannerChoice>) -> Self {
        Self {
            sites_loading: true,
            site: remembered.map(|c| c.site),
            sector: remembered.and_then(|c| c.sector),
            ..Default::default()
        }
    }

    fn apply(&mut self, action: KeywordsAction) {
        use KeywordsAction as A;
        match action {
            A::SitesLoaded(Ok(list)) => {
                self.sites = list.items;
                self.sites_loading = false;
                self.sites_error = None;
                // Keep the remembered choice only while it still exists.
                match self.current_site() {
                    Some(site) => {
                        if !site.sectors.iter().any(|x| Some(x.id) == self.sector) {
                            self.sector = None;
                        }
                    }
                    None => {
                        self.site = self.sites.first().map(|s| s.id);
                        self.sector = None;
                    }
                }
                self.reload_from_start();
            }
            A::SitesLoaded(Err(e)) => {
                self.sites_loading = false;
                self.sites_error = Some(e);
            }
            A::SiteChosen(site) => {
                if self.site != Some(site) {
                    self.site = Some(site);
                    self.sector = None;
                    // A summary or bulk result was about the other site.
                    if !self.import.is_busy() {
                        self.import = ImportPhase::Idle;
                    }
                    self.bulk = BulkState::default();
                    self.page = None;
                    self.reload_from_start();
                }
            }
            A::SectorChosen(sector) => {
                if self.sector != sector {
                    self.sector = sector;
                    self.reload_from_start();
                }
            }
            A::SearchTyped(text) => {
                self.drafts.search = text;
                self.settle_ticket += 1;
            }
            A::NumberTyped(which, text) => {
                *which.draft_mut(&mut self.drafts) = text;
                self.settle_ticket += 1;
            }
            A::InputsSettled(ticket) => {
                if ticket == self.settle_ticket {
                    self.apply_criteria();
                }
            }
            A::FilterChanged(change) => {
                match change {
                    FilterChange::Status(v) => self.status = v,
                    FilterChange::Intent(v) => self.intent = v,
                }
                self.apply_criteria();
            }
            A::FiltersCleared => {
                self.drafts = Drafts::default();
                self.status = None;
                self.intent = None;
                // A pending pause must not re-apply what was just cleared.
                self.settle_ticket += 1;
                self.apply_criteria();
            }
            A::SortClicked(field) => {
                self.sort = if self.sort.field == field {
                    KeywordSort {
                        field,
                        descending: !self.sort.descending,
                    }
                } else {
                    KeywordSort {
                        field,
                        descending: descending_first(field),
                    }
                };
                self.offset = 0;
                self.bump();
            }
            A::PageNext => {
                if self.has_next() {
                    self.offset += u64::from(PAGE_SIZE);
                    self.bump();
                }
            }
            A::PagePrev => {
                if self.offset > 0 {
                    self.offset = self.offset.saturating_sub(u64::from(PAGE_SIZE));
                    self.bump();
                }
            }
            A::PageLoaded { request, result } => {
                if request != self.request {
                    return;
                }
                match result {
                    Ok(page) => {
                        // Deleting the last rows of the last page leaves it empty: show the
                        // page before it instead of "nothing here".
                        if page.items.is_empty() && page.total > 0 && self.offset >= page.total {
                            self.offset = last_page_offset(page.total);
                            self.page = Some(page);
                            self.bump();
                            return;
                        }
                        self.page = Some(page);
                        self.list_error = None;
                    }
                    Err(e) => self.list_error = Some(e),
                }
                self.loading = false;
            }
            A::RowToggled(id) => {
                if self.all_matching {
                    // Unticking one row of "all matching" leaves this page's rows, minus it.
                    self.all_matching = false;
                    self.selected = self.page_ids().collect();
                }
                if !self.selected.remove(&id) {
                    self.selected.insert(id);
                }
                self.bulk.confirming = None;
            }
            A::PageToggled => {
                if self.page_fully_selected() {
                    self.all_matching = false;
                    let ids: Vec<KeywordId> = self.page_ids().collect();
                    for id in ids {
                        self.selected.remove(&id);
                    }
                } else {
                    let ids: Vec<KeywordId> = self.page_ids().collect();
                    self.selected.extend(ids);
                }
                self.bulk.confirming = None;
            }
            A::AllMatchingChosen => {
                if self.can_select_all_matching() {
                    self.all_matching = true;
                    self.bulk.confirming = None;
                }
            }
            A::SelectionCleared => self.clear_selection(),
            A::BulkRequested(kind) => {
                if self.bulk_target().is_none() || self.bulk.running {
                    return;
                }
                self.bulk.outcome = None;
                if kind.needs_confirm() {
                    self.bulk.confirming = Some(kind);
                } else {
                    self.bulk.confirming = None;
                    self.bulk.running = true;
                }
            }
            A::BulkConfirmed => {
                if self.bulk.confirming.take().is_some() {
                    self.bulk.running = true;
                }
            }
            A::BulkCancelled => self.bulk.confirming = None,
            A::BulkFinished { kind, result } => {
                self.bulk.running = false;
                match result {
                    Ok(changed) => {
                        self.bulk.outcome = Some(Ok(kind.done_message(changed)));
                        self.clear_selection();
                        self.bump();
                    }
                    Err(e) => self.bulk.outcome = Some(Err(e)),
                }
            }
            A::BulkOutcomeDismissed => self.bulk.outcome = None,
            A::ImportRequested => {
                if !self.import.is_busy() && self.site.is_some() {
                    self.import = ImportPhase::Picking;
                }
            }
            A::ImportPickCancelled => {
                if self.import == ImportPhase::Picking {
                    self.import = ImportPhase::Idle;
                }
            }
            A::ImportFileChosen(path) => {
                self.import = ImportPhase::Running {
                    file: crate::format::file_name(&path).to_owned(),
                    progress: None,
                    cancelling: false,
                };
            }
            A::ImportProgressed(p) => {
                // Progress can trail the result over the channel; a finished import stays so.
                if let ImportPhase::Running { progress, .. } = &mut self.import {
                    *progress = Some(p);
                }
            }
            A::ImportCancelRequested => {
                if let ImportPhase::Running { cancelling, .. } = &mut self.import {
                    *cancelling = true;
                }
            }
            A::ImportFinished(result) => {
                let imported = result.is_ok();
                self.import = ImportPhase::Finished(result);
                if imported {
                    self.reload_from_start();
                }
            }
            A::ImportDismissed => {
                if !self.import.is_busy() {
                    self.import = ImportPhase::Idle;
                }
            }
        }
    }

    fn bump(&mut self) {
        self.request += 1;
        self.loading = self.site.is_some();
    }

    /// The set of rows changed (another site, sector or filter): start over at the first page
    /// with nothing selected, since selected rows might no longer be listed.
    fn reload_from_start(&mut self) {
        self.offset = 0;
        self.clear_selection();
        self.bump();
    }

    fn apply_criteria(&mut self) {
        let criteria = Criteria::from_drafts(self.status, self.intent, &self.drafts);
        if criteria != self.criteria {
            self.criteria = criteria;
            self.reload_from_start();
        }
    }

    fn clear_selection(&mut self) {
        self.selected.clear();
        self.all_matching = false;
        self.bulk.confirming = None;
    }

    pub fn current_site(&self) -> Option<&Site> {
        self.sites.iter().find(|s| Some(s.id) == self.site)
    }

    /// The site and sector, for the app to remember.
    pub fn choice(&self) -> Option<PlannerChoice> {
        self.site.map(|site| PlannerChoice {
            site,
            sector: self.sector,
        })
    }

    /// What the list shows: the site, the sector and the settled criteria.
    pub fn filter(&self) -> Option<KeywordFilter> {
        let c = &self.criteria;
        let site = self.site?;
        Some(KeywordFilter {
            sector: self.sector,
            status: c.status,
            intent: c.intent,
            min_volume: c.min_volume,
            max_volume: c.max_volume,
            min_difficulty: c.min_difficulty,
            max_difficulty: c.max_difficulty,
            search: c.search.clone(),
            ..KeywordFilter::site(site)
        })
    }

    pub fn query(&self) -> Option<KeywordQuery> {
        Some(KeywordQuery {
            filter: self.filter()?,
            sort: self.sort,
            limit: PAGE_SIZE,
            offset: self.offset,
        })
    }

    pub fn total(&self) -> Option<u64> {
        self.page.as_ref().map(|p| p.total)
    }

    fn page_ids(&self) -> impl Iterator<Item = KeywordId> + '_ {
        self.page.iter().flat_map(|p| p.items.iter().map(|r| r.id))
    }

    pub fn is_selected(&self, id: KeywordId) -> bool {
        self.all_matching || self.selected.contains(&id)
    }

    pub fn page_fully_selected(&self) -> bool {
        let mut ids = self.page_ids().peekable();
        ids.peek().is_some() && ids.all(|id| self.is_selected(id))
    }

    /// How many keywords a bulk action would change.
    pub fn selection_count(&self) -> u64 {
        if self.all_matching {
            self.total().unwrap_or(0)
        } else {
            self.selected.len() as u64
        }
    }

    /// Whether "select all N matching" may be offered: there is more than this page, and core
    /// only accepts a filter narrowed beyond the site (never the whole site implicitly).
    pub fn can_select_all_matching(&self) -> bool {
        let page_len = self.page.as_ref().map_or(0, |p| p.items.len() as u64);
        self.total().is_some_and(|t| t > page_len) && self.filter().is_some_and(|f| f.is_narrowed())
    }

    /// The keywords a bulk action applies to: the selected ids, or the whole filter when "all
    /// matching" was chosen. `None` when nothing is selected.
    pub fn bulk_target(&self) -> Option<KeywordFilter> {
        if self.all_matching {
            return self.filter().filter(KeywordFilter::is_narrowed);
        }
        if self.selected.is_empty() {
            return None;
        }
        Some(KeywordFilter {
            ids: Some(self.selected.iter().copied().collect()),
            ..KeywordFilter::site(self.site?)
        })
    }

    pub fn has_next(&self) -> bool {
        self.total()
            .is_some_and(|t| self.offset + u64::from(PAGE_SIZE) < t)
    }

    /// `(first, last, total)` of the rows shown, 1-based, when there are any.
    pub fn range(&self) -> Option<(u64, u64, u64)> {
        let page = self.page.as_ref()?;
        if page.items.is_empty() {
            return None;
        }
        Some((
            self.offset + 1,
            self.offset + page.items.len() as u64,
            page.total,
        ))
    }

    /// A list error that belongs under one of the number filters (core names the range).
    pub fn range_error(&self, field: &str) -> Option<&str> {
        self.list_error
            .as_ref()
            .filter(|e| e.is_about(field))
            .map(|e| e.message.as_str())
    }

    /// A list error that is not about a filter input: shown above the table.
    pub fn general_list_error(&self) -> Option<&ErrorDto> {
        self.list_error
            .as_ref()
            .filter(|e| !matches!(e.field.as_deref(), Some("volume" | "difficulty")))
    }

    /// Whether the site has no keywords at all (as opposed to none matching the filters).
    pub fn site_is_empty(&self) -> bool {
        self.total() == Some(0) && self.criteria.is_empty() && self.sector.is_none()
    }
}

/// Big numbers are usually wanted first; words and states read best A→Z.
fn descending_first(field: KeywordSortField) -> bool {
    matches!(
        field,
        KeywordSortField::Volume
            | KeywordSortField::Difficulty
            | KeywordSortField::Cpc
            | KeywordSortField::Created
    )
}

fn last_page_offset(total: u64) -> u64 {
    let size = u64::from(PAGE_SIZE);
    (total.saturating_sub(1) / size) * size
}

/// A cancelled import is the person's choice, not a failure: the panel says so plainly.
pub fn was_cancelled(e: &ErrorDto) -> bool {
    e.kind == ErrorKind::Cancelled
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use folio_model::{KeywordFormat, KeywordRow, RejectedRow, Sector};
    use std::str::FromStr;
    use KeywordsAction as A;

    fn id<T: FromStr>(n: u64) -> T
    where
        T::Err: std::fmt::Debug,
    {
        T::from_str(&format!("00000000-0000-7000-8000-{n:012}")).unwrap()
    }

    fn site(n: u64, sectors: &[u64]) -> Site {
        Site {
            id: id(n),
            account_id: id(999),
            name: format!("Site {n}"),
            domain: format!("s{n}.example"),
            is_active: true,
            created_at: Default::default(),
            sectors: sectors
                .iter()
                .map(|&k| Sector {
                    id: id(k),
                    name: format!("Sector {k}"),
                })
                .collect(),
        }
    }

    fn row(n: u64) -> KeywordRow {
        KeywordRow {
            id: id(n),
            keyword: format!("keyword {n}"),
            volume: Some(n as i64),
            difficulty: None,
            cpc: None,
            intent: None,
            status: KeywordStatus::New,
            cluster_id: None,
            sector_id: id(11),
        }
    }

    fn page(total: u64, rows: std::ops::Range<u64>) -> KeywordPage {
        KeywordPage {
            total,
            items: rows.map(row).collect(),
        }
    }

    fn step(mut s: KeywordsState, a: KeywordsAction) -> KeywordsState {
        s.apply(a);
        s
    }

    /// A page with one site (two sectors) loaded and its first page of `total` rows shown.
    fn loaded(total: u64) -> KeywordsState {
        let s = step(
            KeywordsState::new(None),
            A::SitesLoaded(Ok(SiteList {
                items: vec![site(1, &[11, 12]), site(2, &[21])],
            })),
        );
        let request = s.request;
        step(
            s,
            A::PageLoaded {
                request,
                result: Ok(page(total, 0..total.min(u64::from(PAGE_SIZE)))),
            },
        )
    }

    #[test]
    fn the_first_site_is_chosen_unless_a_remembered_one_still_exists() {
        let list = || {
            Ok(SiteList {
                items: vec![site(1, &[11]), site(2, &[21, 22])],
            })
        };
        let s = step(KeywordsState::new(None), A::SitesLoaded(list()));
        assert_eq!((s.site, s.sector), (Some(id(1)), None));
        assert!(s.loading && s.request > 0, "the list loads at once");

        let remembered = PlannerChoice {
            site: id(2),
            sector: Some(id(22)),
        };
        let s = step(KeywordsState::new(Some(remembered)), A::SitesLoaded(list()));
        assert_eq!(s.choice(), Some(remembered));

        let gone = PlannerChoice {
            site: id(3),
            sector: Some(id(22)),
        };
        let s = step(KeywordsState::new(Some(gone)), A::SitesLoaded(list()));
        assert_eq!((s.site, s.sector), (Some(id(1)), None));
    }

    #[test]
    fn a_stale_reply_never_overwrites_a_newer_one() {
        let s = loaded(100);
        let old = s.request;
        let s = step(s, A::SortClicked(KeywordSortField::Keyword));
        let new = s.request;
        assert_ne!(old, new);
        // The newer reply arrives first, then the old one.
        let s = step(
            s,
            A::PageLoaded {
                request: new,
                result: Ok(page(100, 0..50)),
            },
        );
        let s = step(
            s,
            A::PageLoaded {
                request: old,
                result: Ok(page(7, 0..7)),
            },
        );
        assert_eq!(s.total(), Some(100));
        assert!(!s.loading);
    }

    #[test]
    fn typing_applies_only_after_the_last_pause() {
        let s = loaded(100);
        let before = s.request;
        let s = step(s, A::SearchTyped("gar".into()));
        let first = s.settle_ticket;
        let s = step(s, A::SearchTyped("garden  hoe ".into()));
        let s = step(s, A::InputsSettled(first));
        assert_eq!(s.request, before, "an earlier pause does not query");
        assert_eq!(s.criteria.search, None);
        let ticket = s.settle_ticket;
        let s = step(s, A::InputsSettled(ticket));
        assert_eq!(s.request, before + 1);
        assert_eq!(
            s.query().unwrap().filter.search.as_deref(),
            Some("garden hoe")
        );
        // Settling again with nothing new typed sends nothing.
        let s = step(s, A::InputsSettled(ticket));
        assert_eq!(s.request, before + 1);
    }

    #[test]
    fn number_filters_apply_when_valid_and_explain_when_not() {
        let s = loaded(100);
        let s = step(s, A::NumberTyped(NumberFilter::MinVolume, "1000".into()));
        let s = step(s, A::NumberTyped(NumberFilter::MaxDifficulty, "300".into()));
        let t = s.settle_ticket;
        let s = step(s, A::InputsSettled(t));
        let f = s.query().unwrap().filter;
        assert_eq!((f.min_volume, f.max_difficulty), (Some(1000), None));
        assert!(number_error(NumberFilter::MaxDifficulty, &s.drafts.max_difficulty).is_some());
        assert!(number_error(NumberFilter::MinVolume, "1.5").is_some());
        assert!(number_error(NumberFilter::MinVolume, " ").is_none());
        // Core's range error is shown by the range, not above the table.
        let r = s.request;
        let s = step(
            s,
            A::PageLoaded {
                request: r,
                result: Err(
                    ErrorDto::new(ErrorKind::Validation, "min above max").with_field("volume")
                ),
            },
        );
        assert_eq!(s.range_error("volume"), Some("min above max"));
        assert!(s.general_list_error().is_none());
    }

    #[test]
    fn sorting_toggles_direction_and_returns_to_the_first_page() {
        let s = loaded(120);
        assert_eq!(s.sort, KeywordSort::default());
        let s = step(s, A::PageNext);
        assert_eq!(s.offset, 50);
        let s = step(s, A::SortClicked(KeywordSortField::Volume));
        assert_eq!(
            (s.sort.field, s.sort.descending, s.offset),
            (KeywordSortField::Volume, false, 0)
        );
        let s = step(s, A::SortClicked(KeywordSortField::Keyword));
        assert!(!s.sort.descending, "words start A to Z");
        let s = step(s, A::SortClicked(KeywordSortField::Keyword));
        assert!(s.sort.descending);
        let s = step(s, A::SortClicked(KeywordSortField::Cpc));
        assert!(s.sort.descending, "numbers start biggest first");
    }

    #[test]
    fn paging_stays_within_the_total() {
        let s = loaded(120);
        assert_eq!(s.range(), Some((1, 50, 120)));
        let s = step(s, A::PagePrev);
        assert_eq!(s.offset, 0);
        let s = step(s, A::PageNext);
        let s = step(s, A::PageNext);
        assert_eq!(s.offset, 100);
        let r = s.request;
        let s = step(
            s,
            A::PageLoaded {
                request: r,
                result: Ok(page(120, 100..120)),
            },
        );
        assert_eq!(s.range(), Some((101, 120, 120)));
        let s = step(s, A::PageNext);
        assert_eq!(s.offset, 100, "no page after the last");
    }

    #[test]
    fn an_emptied_last_page_falls_back_to_the_one_before() {
        let s = step(loaded(120), A::PageNext);
        let s = step(s, A::PageNext);
        let r = s.request;
        let s = step(
            s,
            A::PageLoaded {
                request: r,
                result: Ok(page(100, 0..0)),
            },
        );
        assert_eq!(s.offset, 50);
        assert_eq!(s.request, r + 1, "and asks for it");
        assert!(s.loading);
    }

    #[test]
    fn selection_targets_ids_and_all_matching_needs_a_narrowed_filter() {
        let s = loaded(120);
        assert_eq!(s.bulk_target(), None);
        let s = step(s, A::RowToggled(id(3)));
        let s = step(s, A::RowToggled(id(4)));
        let s = step(s, A::RowToggled(id(3)));
        let target = s.bulk_target().unwrap();
        assert_eq!(target.ids, Some(vec![id(4)]));
        assert!(target.search.is_none());

        let s = step(s, A::PageToggled);
        assert!(s.page_fully_selected());
        assert_eq!(s.selection_count(), 50);
        assert!(
            !s.can_select_all_matching(),
            "the filter names only the site"
        );
        let s = step(s, A::AllMatchingChosen);
        assert!(!s.all_matching);
        let s = step(s, A::PageToggled);
        assert_eq!(s.selection_count(), 0);

        // Narrowed by a status filter: "all matching" is offered and targets the filter.
        let s = step(
            s,
            A::FilterChanged(FilterChange::Status(Some(KeywordStatus::New))),
        );
        let r = s.request;
        let s = step(
            s,
            A::PageLoaded {
                request: r,
                result: Ok(page(120, 0..50)),
            },
        );
        let s = step(s, A::PageToggled);
        assert!(s.can_select_all_matching());
        let s = step(s, A::AllMatchingChosen);
        assert_eq!(s.selection_count(), 120);
        let target = s.bulk_target().unwrap();
        assert_eq!(
            (target.ids, target.status),
            (None, Some(KeywordStatus::New))
        );
        // Unticking one row goes back to this page's ids minus that row.
        let s = step(s, A::RowToggled(id(0)));
        assert!(!s.all_matching);
        assert_eq!(s.selection_count(), 49);
    }

    #[test]
    fn the_selection_survives_paging_but_not_a_new_filter() {
        let s = step(loaded(120), A::RowToggled(id(1)));
        let s = step(s, A::PageNext);
        assert_eq!(s.selection_count(), 1);
        let s = step(s, A::SectorChosen(Some(id(12))));
        assert_eq!(s.selection_count(), 0);
        assert_eq!(s.offset, 0);
    }

    #[test]
    fn delete_asks_first_then_reloads_and_reports() {
        let s = step(loaded(100), A::RowToggled(id(1)));
        let s = step(s, A::RowToggled(id(2)));
        let s = step(s, A::BulkRequested(BulkKind::Delete));
        assert_eq!(s.bulk.confirming, Some(BulkKind::Delete));
        assert!(!s.bulk.running);
        let s = step(s, A::BulkCancelled);
        assert_eq!(s.bulk.confirming, None);
        assert_eq!(s.selection_count(), 2, "cancel keeps the selection");
        let s = step(s, A::BulkRequested(BulkKind::Delete));
        let s = step(s, A::BulkConfirmed);
        assert!(s.bulk.running);
        let r = s.request;
        let s = step(
            s,
            A::BulkFinished {
                kind: BulkKind::Delete,
                result: Ok(2),
            },
        );
        assert_eq!(s.bulk.outcome, Some(Ok("Deleted 2 keywords.".into())));
        assert_eq!(s.selection_count(), 0);
        assert_eq!(s.request, r + 1, "the page reloads");
    }

    #[test]
    fn other_bulk_actions_run_at_once_and_errors_keep_the_selection() {
        let s = step(loaded(100), A::RowToggled(id(1)));
        let s = step(
            s,
            A::BulkRequested(BulkKind::SetStatus(KeywordStatus::Used)),
        );
        assert!(s.bulk.running && s.bulk.confirming.is_none());
        assert_eq!(
            BulkKind::SetStatus(KeywordStatus::Used).action(),
            KeywordBulkAction::SetStatus {
                status: KeywordStatus::Used
            }
        );
        let err = ErrorDto::new(
            ErrorKind::Validation,
            "a keyword cannot go from new to used",
        );
        let s = step(
            s,
            A::BulkFinished {
                kind: BulkKind::SetStatus(KeywordStatus::Used),
                result: Err(err.clone()),
            },
        );
        assert_eq!(s.bulk.outcome, Some(Err(err)));
        assert_eq!(s.selection_count(), 1);
        assert_eq!(
            BulkKind::RemoveFromCluster.done_message(1),
            "Removed 1 keyword from their cluster."
        );
    }

    #[test]
    fn an_import_runs_through_its_phases_and_refreshes_the_table() {
        let s = step(loaded(0), A::RowToggled(id(1)));
        assert!(s.site_is_empty());
        let s = step(s, A::ImportRequested);
        assert_eq!(s.import, ImportPhase::Picking);
        let s = step(s, A::ImportPickCancelled);
        assert_eq!(s.import, ImportPhase::Idle);
        let s = step(s, A::ImportRequested);
        let s = step(s, A::ImportFileChosen("/tmp/x/garden.csv".into()));
        let s = step(s, A::ImportRequested);
        assert!(
            matches!(&s.import, ImportPhase::Running { file, .. } if file == "garden.csv"),
            "a second import cannot start: {:?}",
            s.import
        );
        let s = step(
            s,
            A::ImportProgressed(ImportProgress::Writing { done: 5, total: 9 }),
        );
        let s = step(s, A::ImportCancelRequested);
        assert!(matches!(
            &s.import,
            ImportPhase::Running {
                progress: Some(ImportProgress::Writing { done: 5, total: 9 }),
                cancelling: true,
                ..
            }
        ));
        let report = KeywordImportReport {
            import_id: id(50),
            site_id: id(1),
            sector_id: id(11),
            format: KeywordFormat::Semrush,
            imported: 9,
            duplicates: 1,
            rejected: vec![RejectedRow {
                line: 4,
                reason: "no keyword".into(),
            }],
        };
        let r = s.request;
        let s = step(s, A::ImportFinished(Ok(report.clone())));
        assert_eq!(s.request, r + 1, "the table refreshes");
        assert_eq!(s.selection_count(), 0);
        // A progress message that trails the result changes nothing.
        let s = step(s, A::ImportProgressed(ImportProgress::Parsing));
        assert_eq!(s.import, ImportPhase::Finished(Ok(report)));
        let s = step(s, A::ImportDismissed);
        assert_eq!(s.import, ImportPhase::Idle);
    }

    #[test]
    fn a_failed_or_cancelled_import_keeps_the_table() {
        let s = step(loaded(10), A::ImportRequested);
        let s = step(s, A::ImportFileChosen("a.xlsx".into()));
        let r = s.request;
        let err = ErrorDto::new(ErrorKind::Cancelled, "cancelled");
        let s = step(s, A::ImportFinished(Err(err.clone())));
        assert_eq!(s.request, r);
        assert!(was_cancelled(&err));
        assert_eq!(s.import, ImportPhase::Finished(Err(err)));
    }

    #[test]
    fn clearing_filters_discards_a_pending_pause() {
        let s = step(loaded(100), A::SearchTyped("hoe".into()));
        let pending = s.settle_ticket;
        let s = step(
            s,
            A::FilterChanged(FilterChange::Intent(Some(Intent::Commercial))),
        );
        assert_eq!(s.criteria.intent, Some(Intent::Commercial));
        assert_eq!(
            s.criteria.search.as_deref(),
            Some("hoe"),
            "a select applies the drafts too"
        );
        let s = step(s, A::FiltersCleared);
        let s = step(s, A::InputsSettled(pending));
        assert!(s.criteria.is_empty());
        assert_eq!(s.drafts, Drafts::default());
    }
}
