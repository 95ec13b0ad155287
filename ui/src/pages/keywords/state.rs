//! The Keywords page's state and reducer: pure, so the rules (which response wins, when a search
//! applies, what a bulk action targets) are unit-tested without a browser.

use folio_model::{
    ErrorDto, ErrorKind, Intent, JobId, JobKind, JobProgress, JobScope, KeywordBulkAction,
    KeywordFilter, KeywordId, KeywordImportReport, KeywordPage, KeywordQuery, KeywordRow,
    KeywordSort, KeywordSortField, KeywordStatus, SectorId, SimilarKeyword, Site, SiteId, SiteList,
};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::Reducible;

mod filters;
#[cfg(test)]
mod tests;

pub use filters::{number_error, Criteria, Drafts, FilterChange, NumberFilter};

/// Rows per page: the table only ever renders this many, whatever the site holds.
pub const PAGE_SIZE: u32 = 50;
/// How long typing must pause before the search and number filters go to core.
pub const SETTLE_MS: u64 = 250;

use crate::scope::PlannerChoice;

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
        /// The import job's latest step (from the app's `job-progress` stream).
        progress: Option<JobProgress>,
        cancelling: bool,
        /// The shell took the cancel: the import stops at its next checkpoint.
        cancel_sent: bool,
    },
    Finished(Result<KeywordImportReport, ErrorDto>),
}

impl ImportPhase {
    pub fn is_busy(&self) -> bool {
        matches!(self, ImportPhase::Picking | ImportPhase::Running { .. })
    }

    /// The import job to cancel: once the person asked to and its id is known (a cancel asked
    /// before the job's first step is sent when that step arrives).
    pub fn job_to_cancel(&self) -> Option<JobId> {
        match self {
            ImportPhase::Running {
                progress: Some(p),
                cancelling: true,
                cancel_sent: false,
                ..
            } => Some(p.job_id),
            _ => None,
        }
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
    /// *Similar* on a row: the site's keywords most like it.
    pub similar: super::similar::SimilarPanel,
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
    /// A step of any job of the window; only the running import's is taken.
    JobProgressed(JobProgress),
    ImportCancelRequested,
    /// The shell answered the cancel of the import's job.
    ImportCancelSent,
    ImportFinished(Result<KeywordImportReport, ErrorDto>),
    ImportDismissed,
    /// *Similar* clicked on a row.
    SimilarRequested(KeywordRow),
    SimilarLoaded {
        request: u64,
        result: Result<Vec<SimilarKeyword>, ErrorDto>,
    },
    SimilarClosed,
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
                    self.similar.close();
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
                    cancel_sent: false,
                };
            }
            A::JobProgressed(p) => {
                // Progress can trail the result; a finished import stays so. Only an import into
                // this page's site is this page's.
                let ours = p.kind == JobKind::KeywordImport
                    && matches!(p.scope, JobScope::Sector { site, .. } if Some(site) == self.site);
                if let ImportPhase::Running { progress, .. } = &mut self.import {
                    if ours {
                        *progress = Some(p);
                    }
                }
            }
            A::ImportCancelRequested => {
                if let ImportPhase::Running { cancelling, .. } = &mut self.import {
                    *cancelling = true;
                }
            }
            A::ImportCancelSent => {
                if let ImportPhase::Running { cancel_sent, .. } = &mut self.import {
                    *cancel_sent = true;
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
            A::SimilarRequested(row) => {
                if let Some(site) = self.site {
                    self.similar.open(site, row);
                }
            }
            A::SimilarLoaded { request, result } => self.similar.loaded(request, result),
            A::SimilarClosed => self.similar.close(),
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
