//! The Clusters page's state and reducer: the site's clusters with their figures, the open
//! cluster's keywords, renaming, merging another cluster into it, moving keywords between
//! clusters, and clustering new keywords with AI (estimate first). Pure and unit-tested.

use super::offline::{OfflineAction, OfflineRun};
use crate::scope::{PlannerChoice, ScopeAction, SiteScope};
use crate::stage_run::{RunAction, StageRun};
use folio_model::{
    Cluster, ClusterId, ClusterSummary, ErrorDto, KeywordFilter, KeywordId, KeywordPage,
    KeywordQuery, KeywordRow, KeywordSort, SectorId, SiteId, SiteList, Stage, StageTarget,
};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::Reducible;

/// The most keywords one cluster's list shows (clusters hold 3–10; merged ones a few dozen).
pub const CLUSTER_KEYWORDS: u32 = 500;

/// Where the selected keywords go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MoveTarget {
    #[default]
    Unchosen,
    Cluster(ClusterId),
    /// Out of any cluster, back to `new`.
    NoCluster,
}

/// The change on its way to core (one at a time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Rename,
    Merge,
    Move,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClustersState {
    pub scope: SiteScope,
    /// The newest list request; a reply carrying another number is dropped.
    pub request: u64,
    pub clusters: Option<Vec<ClusterSummary>>,
    pub list_error: Option<ErrorDto>,

    pub open: Option<ClusterId>,
    pub keywords_request: u64,
    pub keywords: Option<Vec<KeywordRow>>,
    pub keywords_error: Option<ErrorDto>,
    pub selected: BTreeSet<KeywordId>,
    pub name_draft: String,
    pub merge_from: Option<ClusterId>,
    pub move_to: MoveTarget,
    pub editing: Option<Edit>,
    pub edit_error: Option<ErrorDto>,
    pub notice: Option<String>,

    pub run: StageRun,
    /// *Cluster offline (free)*: the preview, the choice, the run.
    pub offline: OfflineRun,
}

pub enum ClustersAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    SiteChosen(SiteId),
    SectorChosen(Option<SectorId>),
    ListLoaded {
        request: u64,
        result: Result<Vec<ClusterSummary>, ErrorDto>,
    },
    ClusterOpened(ClusterId),
    ClusterClosed,
    KeywordsLoaded {
        request: u64,
        result: Result<KeywordPage, ErrorDto>,
    },
    NameTyped(String),
    RenameSubmitted,
    Renamed(Result<Cluster, ErrorDto>),
    MergeSourceChosen(Option<ClusterId>),
    MergeSubmitted,
    Merged(Result<Cluster, ErrorDto>),
    KeywordToggled(KeywordId),
    MoveTargetChosen(MoveTarget),
    MoveSubmitted,
    Moved(Result<u64, ErrorDto>),
    NoticeDismissed,
    /// *Cluster keywords with AI*: the estimate comes first.
    ClusterWithAiClicked,
    Run(RunAction),
    /// *Cluster offline (free)*: opened on the page's site (or sector).
    ClusterOfflineClicked,
    Offline(OfflineAction),
}

impl Reducible for ClustersState {
    type Action = ClustersAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl ClustersState {
    pub fn new(remembered: Option<PlannerChoice>) -> Self {
        Self {
            scope: SiteScope::new(remembered),
            request: 0,
            clusters: None,
            list_error: None,
            open: None,
            keywords_request: 0,
            keywords: None,
            keywords_error: None,
            selected: BTreeSet::new(),
            name_draft: String::new(),
            merge_from: None,
            move_to: MoveTarget::Unchosen,
            editing: None,
            edit_error: None,
            notice: None,
            run: StageRun::new(Stage::Clustering),
            offline: OfflineRun::default(),
        }
    }

    pub fn apply(&mut self, action: ClustersAction) {
        use ClustersAction as A;
        match action {
            A::SitesLoaded(r) => self.scope_changed(ScopeAction::SitesLoaded(r)),
            A::SiteChosen(s) => self.scope_changed(ScopeAction::SiteChosen(s)),
            A::SectorChosen(s) => self.scope_changed(ScopeAction::SectorChosen(s)),
            A::ListLoaded { request, result } => {
                if request != self.request {
                    return;
                }
                match result {
                    Ok(list) => {
                        // The open cluster may be gone (merged into another on another device).
                        if let Some(open) = self.open {
                            if !list.iter().any(|c| c.cluster.id == open) {
                                self.close();
                            }
                        }
                        self.clusters = Some(list);
                        self.list_error = None;
                    }
                    Err(e) => self.list_error = Some(e),
                }
            }
            A::ClusterOpened(id) => {
                if self.open == Some(id) || self.editing.is_some() {
                    return;
                }
                self.close();
                self.open = Some(id);
                self.name_draft = self
                    .summary(id)
                    .map(|c| c.cluster.name.clone())
                    .unwrap_or_default();
                self.keywords_request += 1;
            }
            A::ClusterClosed => {
                if self.editing.is_none() {
                    self.close();
                }
            }
            A::KeywordsLoaded { request, result } => {
                if request != self.keywords_request || self.open.is_none() {
                    return;
                }
                match result {
                    Ok(page) => {
                        // Keep only selections still listed.
                        self.selected
                            .retain(|id| page.items.iter().any(|k| k.id == *id));
                        self.keywords = Some(page.items);
                        self.keywords_error = None;
                    }
                    Err(e) => self.keywords_error = Some(e),
                }
            }
            A::NameTyped(name) => {
                self.name_draft = name;
                crate::forms::clear_error_for(&mut self.edit_error, "name");
            }
            A::RenameSubmitted => {
                if self.rename_request().is_some() {
                    self.start(Edit::Rename);
                }
            }
            A::Renamed(Ok(cluster)) => {
                self.editing = None;
                self.notice = Some(format!("Renamed to \u{201c}{}\u{201d}.", cluster.name));
                self.name_draft = cluster.name.clone();
                if let Some(c) = self
                    .clusters
                    .iter_mut()
                    .flatten()
                    .find(|c| c.cluster.id == cluster.id)
                {
                    c.cluster = cluster;
                }
            }
            A::MergeSourceChosen(from) => {
                self.merge_from = from;
                crate::forms::clear_error_for(&mut self.edit_error, "cluster");
            }
            A::MergeSubmitted => {
                if self.merge_request().is_some() {
                    self.start(Edit::Merge);
                }
            }
            A::Merged(Ok(into)) => {
                let from = self
                    .merge_from
                    .and_then(|f| self.summary(f))
                    .map(|c| c.cluster.name.clone())
                    .unwrap_or_default();
                self.editing = None;
                self.merge_from = None;
                self.notice = Some(format!(
                    "Merged \u{201c}{from}\u{201d} into \u{201c}{}\u{201d}.",
                    into.name
                ));
                self.reload_all();
            }
            A::KeywordToggled(id) => {
                if !self.selected.remove(&id) {
                    self.selected.insert(id);
                }
            }
            A::MoveTargetChosen(to) => {
                self.move_to = to;
                crate::forms::clear_error_for(&mut self.edit_error, "keywords");
            }
            A::MoveSubmitted => {
                if self.move_request().is_some() {
                    self.start(Edit::Move);
                }
            }
            A::Moved(Ok(n)) => {
                let whereto = match self.move_to {
                    MoveTarget::Cluster(id) => self
                        .summary(id)
                        .map(|c| format!("\u{201c}{}\u{201d}", c.cluster.name))
                        .unwrap_or_else(|| "the cluster".to_owned()),
                    _ => "no cluster".to_owned(),
                };
                self.editing = None;
                self.selected.clear();
                self.move_to = MoveTarget::Unchosen;
                self.notice = Some(format!(
                    "Moved {} to {whereto}.",
                    crate::format::plural(n, "keyword")
                ));
                self.reload_all();
            }
            A::Renamed(Err(e)) | A::Merged(Err(e)) | A::Moved(Err(e)) => {
                self.editing = None;
                self.edit_error = Some(e);
            }
            A::NoticeDismissed => self.notice = None,
            A::ClusterWithAiClicked => {
                if let Some((site, sector)) = self.scope.target() {
                    let target = StageTarget {
                        sector,
                        ..StageTarget::site(site)
                    };
                    self.run.apply(RunAction::EstimateAsked(target));
                }
            }
            A::ClusterOfflineClicked => {
                if let Some((site, sector)) = self.scope.target() {
                    if !self.run.is_busy() {
                        self.offline.apply(OfflineAction::Opened(site, sector));
                    }
                }
            }
            A::Offline(action) => {
                if self.offline.apply(action) {
                    self.reload_all();
                }
            }
            A::Run(action) => {
                let finished = matches!(action, RunAction::Finished(Ok(_)));
                self.run.apply(action);
                if finished && self.run.report().is_some() {
                    self.reload_all();
                }
            }
        }
    }

    fn scope_changed(&mut self, action: ScopeAction) {
        if self.scope.apply(action) {
            self.close();
            self.clusters = None;
            self.notice = None;
            if !self.run.is_busy() {
                self.run = StageRun::new(Stage::Clustering);
            }
            self.request += 1;
        }
    }

    fn close(&mut self) {
        self.open = None;
        self.keywords = None;
        self.keywords_error = None;
        self.selected.clear();
        self.merge_from = None;
        self.move_to = MoveTarget::Unchosen;
        self.edit_error = None;
    }

    fn start(&mut self, edit: Edit) {
        self.editing = Some(edit);
        self.edit_error = None;
        self.notice = None;
    }

    fn reload_all(&mut self) {
        self.request += 1;
        if self.open.is_some() {
            self.keywords_request += 1;
        }
    }

    pub fn summary(&self, id: ClusterId) -> Option<&ClusterSummary> {
        self.clusters.iter().flatten().find(|c| c.cluster.id == id)
    }

    pub fn open_summary(&self) -> Option<&ClusterSummary> {
        self.summary(self.open?)
    }

    /// The other clusters of the open one's sector: what it can merge with, or move keywords to.
    pub fn siblings(&self) -> Vec<&ClusterSummary> {
        let Some(open) = self.open_summary() else {
            return Vec::new();
        };
        self.clusters
            .iter()
            .flatten()
            .filter(|c| {
                c.cluster.id != open.cluster.id && c.cluster.sector_id == open.cluster.sector_id
            })
            .collect()
    }

    /// The list to load: the site and sector.
    pub fn list_args(&self) -> Option<(SiteId, Option<SectorId>)> {
        self.scope.target()
    }

    /// The open cluster's keywords, as one query.
    pub fn keywords_query(&self) -> Option<KeywordQuery> {
        let open = self.open_summary()?;
        Some(KeywordQuery {
            filter: KeywordFilter {
                cluster: Some(open.cluster.id),
                ..KeywordFilter::site(open.cluster.site_id)
            },
            sort: KeywordSort::default(),
            limit: CLUSTER_KEYWORDS,
            offset: 0,
        })
    }

    /// `(cluster, new name)` when the name changed.
    pub fn rename_request(&self) -> Option<(ClusterId, String)> {
        let open = self.open_summary()?;
        let name = self.name_draft.trim();
        (self.editing.is_none() && name != open.cluster.name)
            .then(|| (open.cluster.id, name.to_owned()))
    }

    /// `(into, from)`: the chosen cluster goes into the open one.
    pub fn merge_request(&self) -> Option<(ClusterId, ClusterId)> {
        let into = self.open?;
        let from = self.merge_from?;
        (self.editing.is_none() && from != into).then_some((into, from))
    }

    /// `(site, keywords, to)` once keywords and a target are chosen.
    pub fn move_request(&self) -> Option<(SiteId, Vec<KeywordId>, Option<ClusterId>)> {
        let open = self.open_summary()?;
        if self.editing.is_some() || self.selected.is_empty() {
            return None;
        }
        let to = match self.move_to {
            MoveTarget::Unchosen => return None,
            MoveTarget::Cluster(id) if id == open.cluster.id => return None,
            MoveTarget::Cluster(id) => Some(id),
            MoveTarget::NoCluster => None,
        };
        Some((
            open.cluster.site_id,
            self.selected.iter().copied().collect(),
            to,
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scope::tests::{id, sites};
    use folio_model::{
        ClusterStatus, ErrorKind, JobKind, JobPhase, JobProgress, JobScope, KeywordStatus,
        StageEstimate, StageReport,
    };
    use ClustersAction as A;

    fn summary(n: u64, sector: u64, name: &str) -> ClusterSummary {
        ClusterSummary {
            cluster: Cluster {
                id: id(n),
                site_id: id(1),
                sector_id: id(sector),
                name: name.into(),
                description: String::new(),
                status: ClusterStatus::New,
                disabled: false,
                created_at: Default::default(),
                updated_at: Default::default(),
            },
            keywords: 3,
            volume: 900,
            avg_difficulty: Some(21.5),
            ideas: 0,
        }
    }

    fn kw(n: u64, cluster: u64) -> KeywordRow {
        KeywordRow {
            id: id(n),
            keyword: format!("keyword {n}"),
            volume: Some(100),
            difficulty: Some(20),
            cpc: None,
            intent: None,
            status: KeywordStatus::Mapped,
            cluster_id: Some(id(cluster)),
            sector_id: id(11),
        }
    }

    fn loaded() -> ClustersState {
        let mut s = ClustersState::new(None);
        s.apply(A::SitesLoaded(Ok(sites())));
        assert_eq!(s.list_args(), Some((id(1), None)));
        let request = s.request;
        s.apply(A::ListLoaded {
            request,
            result: Ok(vec![
                summary(101, 11, "Pruning"),
                summary(102, 11, "Feeding"),
                summary(103, 12, "Tools"),
            ]),
        });
        s
    }

    fn opened() -> ClustersState {
        let mut s = loaded();
        s.apply(A::ClusterOpened(id(101)));
        let request = s.keywords_request;
        s.apply(A::KeywordsLoaded {
            request,
            result: Ok(KeywordPage {
                total: 3,
                items: vec![kw(1, 101), kw(2, 101), kw(3, 101)],
            }),
        });
        s
    }

    #[test]
    fn a_stale_list_is_dropped_and_another_sector_reloads() {
        let mut s = loaded();
        let old = s.request;
        s.apply(A::SectorChosen(Some(id(11))));
        assert_eq!(s.list_args(), Some((id(1), Some(id(11)))));
        assert!(s.clusters.is_none());
        s.apply(A::ListLoaded {
            request: old,
            result: Ok(vec![]),
        });
        assert!(s.clusters.is_none(), "the reply for all sectors came late");
    }

    #[test]
    fn opening_a_cluster_loads_its_keywords_and_offers_its_sectors_siblings() {
        let s = opened();
        assert_eq!(s.name_draft, "Pruning");
        let q = s.keywords_query().unwrap();
        assert_eq!(q.filter.cluster, Some(id(101)));
        assert_eq!(s.keywords.as_ref().unwrap().len(), 3);
        let siblings: Vec<_> = s
            .siblings()
            .iter()
            .map(|c| c.cluster.name.clone())
            .collect();
        assert_eq!(siblings, ["Feeding"], "only clusters of the same sector");
    }

    #[test]
    fn renaming_needs_a_new_name_and_shows_cores_error_under_the_field() {
        let mut s = opened();
        assert_eq!(s.rename_request(), None);
        s.apply(A::NameTyped("Rose pruning".into()));
        assert_eq!(s.rename_request(), Some((id(101), "Rose pruning".into())));
        s.apply(A::RenameSubmitted);
        assert_eq!(s.editing, Some(Edit::Rename));
        assert_eq!(s.rename_request(), None, "one change at a time");
        let e = ErrorDto::new(ErrorKind::Conflict, "taken").with_field("name");
        s.apply(A::Renamed(Err(e)));
        assert!(s.edit_error.as_ref().unwrap().is_about("name"));
        s.apply(A::NameTyped("Rose pruning 2".into()));
        assert_eq!(s.edit_error, None);
        s.apply(A::RenameSubmitted);
        let mut renamed = summary(101, 11, "Rose pruning 2").cluster;
        renamed.updated_at = Default::default();
        s.apply(A::Renamed(Ok(renamed)));
        assert_eq!(s.open_summary().unwrap().cluster.name, "Rose pruning 2");
        assert_eq!(
            s.notice.as_deref(),
            Some("Renamed to \u{201c}Rose pruning 2\u{201d}.")
        );
    }

    #[test]
    fn merging_takes_another_cluster_into_the_open_one() {
        let mut s = opened();
        assert_eq!(s.merge_request(), None);
        s.apply(A::MergeSourceChosen(Some(id(102))));
        assert_eq!(s.merge_request(), Some((id(101), id(102))));
        s.apply(A::MergeSubmitted);
        let before = (s.request, s.keywords_request);
        s.apply(A::Merged(Ok(summary(101, 11, "Pruning").cluster)));
        assert_eq!(
            s.notice.as_deref(),
            Some("Merged \u{201c}Feeding\u{201d} into \u{201c}Pruning\u{201d}.")
        );
        assert_eq!(
            (s.request, s.keywords_request),
            (before.0 + 1, before.1 + 1)
        );
    }

    #[test]
    fn moving_needs_keywords_and_a_target_other_than_the_open_cluster() {
        let mut s = opened();
        s.apply(A::KeywordToggled(id(1)));
        s.apply(A::KeywordToggled(id(2)));
        s.apply(A::KeywordToggled(id(2)));
        assert_eq!(s.move_request(), None, "no target yet");
        s.apply(A::MoveTargetChosen(MoveTarget::Cluster(id(101))));
        assert_eq!(s.move_request(), None, "its own cluster");
        s.apply(A::MoveTargetChosen(MoveTarget::NoCluster));
        assert_eq!(s.move_request(), Some((id(1), vec![id(1)], None)));
        s.apply(A::MoveTargetChosen(MoveTarget::Cluster(id(102))));
        assert_eq!(s.move_request(), Some((id(1), vec![id(1)], Some(id(102)))));
        s.apply(A::MoveSubmitted);
        s.apply(A::Moved(Ok(1)));
        assert_eq!(
            s.notice.as_deref(),
            Some("Moved 1 keyword to \u{201c}Feeding\u{201d}.")
        );
        assert!(s.selected.is_empty());
        assert_eq!(s.move_to, MoveTarget::Unchosen);
    }

    #[test]
    fn clustering_with_ai_estimates_the_sector_then_reloads_when_done() {
        let mut s = loaded();
        s.apply(A::SectorChosen(Some(id(12))));
        s.apply(A::ClusterWithAiClicked);
        let target = s.run.to_estimate().cloned().unwrap();
        assert_eq!((target.site, target.sector), (id(1), Some(id(12))));
        s.apply(A::Run(RunAction::Estimated {
            target: target.clone(),
            result: Ok(StageEstimate {
                stage: Stage::Clustering,
                items: 6,
                calls: 1,
                credits: 3,
                usd: Default::default(),
                model: "gpt-4o-mini".into(),
                available: None,
            }),
        }));
        s.apply(A::Run(RunAction::SpendConfirmed));
        s.apply(A::Run(RunAction::JobProgressed(JobProgress {
            job_id: id(77),
            kind: JobKind::Clustering,
            scope: JobScope::Site { site: id(1) },
            phase: JobPhase::Calling,
            done: 0,
            total: Some(6),
            message: Some("clustering 6 keywords of Sector 12".into()),
        })));
        assert_eq!(s.run.message(), Some("clustering 6 keywords of Sector 12"));
        let before = s.request;
        s.apply(A::Run(RunAction::Finished(Ok(StageReport {
            done: 1,
            ..Default::default()
        }))));
        assert_eq!(s.request, before + 1, "the new clusters are listed");
    }
}
