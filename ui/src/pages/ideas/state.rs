//! The Ideas page's state and reducer: a site's (or one cluster's) ideas with their outlines,
//! one outline open for editing (headings, coverage, H3s, format, sections and FAQ questions
//! added or removed) and saved through core, approving and rejecting, queueing for writing, and
//! generating ideas with AI (estimate first). Pure and unit-tested.

use crate::scope::{PlannerChoice, ScopeAction, SiteScope};
use crate::stage_run::{RunAction, StageRun};
use folio_model::{
    ClusterId, ClusterSummary, ContentIdea, DuplicateTopic, ErrorDto, IdeaId, IdeaStatus,
    OutlineSection, SectionFormat, SectorId, SiteId, SiteList, Stage, StageReport, StageTarget,
};
use std::rc::Rc;
use yew::Reducible;

/// One section of the outline being edited; its H3s as typed (one per line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionDraft {
    pub heading: String,
    pub coverage: String,
    pub subheadings: String,
    pub format: SectionFormat,
    /// Kept as planned (not edited here).
    pub keywords: Vec<String>,
    pub target_words: Option<u32>,
}

impl SectionDraft {
    fn from_section(s: &OutlineSection) -> Self {
        Self {
            heading: s.heading.clone(),
            coverage: s.notes.clone(),
            subheadings: s.subheadings.join("\n"),
            format: s.format,
            keywords: s.keywords.clone(),
            target_words: s.target_words,
        }
    }

    fn to_section(&self) -> OutlineSection {
        OutlineSection {
            heading: self.heading.trim().to_owned(),
            notes: self.coverage.trim().to_owned(),
            subheadings: self
                .subheadings
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            format: self.format,
            keywords: self.keywords.clone(),
            target_words: self.target_words,
        }
    }
}

/// An idea's outline and FAQ as the person edits them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineDraft {
    pub idea: IdeaId,
    pub sections: Vec<SectionDraft>,
    pub faq: Vec<String>,
    pub saving: bool,
    pub error: Option<ErrorDto>,
}

/// A change of one section of the draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SectionEdit {
    Heading(String),
    Coverage(String),
    Subheadings(String),
    Format(SectionFormat),
}

#[derive(Clone, Debug, PartialEq)]
pub struct IdeasState {
    pub scope: SiteScope,
    /// The clusters of the site (or sector), for the picker.
    pub clusters: Vec<ClusterSummary>,
    /// `None`: every cluster.
    pub cluster: Option<ClusterId>,
    /// The newest request for the ideas and clusters; older replies are dropped.
    pub request: u64,
    pub ideas: Option<Vec<ContentIdea>>,
    pub list_error: Option<ErrorDto>,
    pub editor: Option<OutlineDraft>,
    /// The idea whose approval or queueing is on its way.
    pub busy_idea: Option<IdeaId>,
    /// What is on its way for it: rejecting (`Some(true)`), approving (`Some(false)`) or
    /// queueing (`None`).
    pub busy_rejecting: Option<bool>,
    pub idea_error: Option<(IdeaId, ErrorDto)>,
    /// Queueing all approved ideas is on its way.
    pub queueing_all: bool,
    pub queue_outcome: Option<Result<String, ErrorDto>>,
    pub run: StageRun,
    /// Ideas whose topic an article already covers (offline check; a warning on the card).
    pub duplicates: Vec<DuplicateTopic>,
}

pub enum IdeasAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    SiteChosen(SiteId),
    SectorChosen(Option<SectorId>),
    ClusterChosen(Option<ClusterId>),
    ClustersLoaded {
        request: u64,
        result: Result<Vec<ClusterSummary>, ErrorDto>,
    },
    /// The duplicate-topic check for the site (errors leave no warnings: it is advisory).
    DuplicatesLoaded {
        request: u64,
        result: Result<Vec<DuplicateTopic>, ErrorDto>,
    },
    IdeasLoaded {
        request: u64,
        result: Result<Vec<ContentIdea>, ErrorDto>,
    },
    EditOutlineClicked(IdeaId),
    SectionEdited(usize, SectionEdit),
    SectionAdded,
    SectionRemoved(usize),
    SectionMovedUp(usize),
    FaqEdited(usize, String),
    FaqAdded,
    FaqRemoved(usize),
    OutlineSaveClicked,
    OutlineSaved(Result<ContentIdea, ErrorDto>),
    EditCancelled,
    /// Reject (`true`) or approve again (`false`).
    RejectToggled(IdeaId, bool),
    QueueClicked(IdeaId),
    IdeaUpdated {
        idea: IdeaId,
        result: Result<ContentIdea, ErrorDto>,
    },
    IdeaQueued {
        idea: IdeaId,
        result: Result<StageReport, ErrorDto>,
    },
    QueueAllClicked,
    AllQueued(Result<StageReport, ErrorDto>),
    QueueOutcomeDismissed,
    /// *Generate ideas*: the estimate comes first.
    GenerateClicked,
    Run(RunAction),
}

impl Reducible for IdeasState {
    type Action = IdeasAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl IdeasState {
    pub fn new(remembered: Option<PlannerChoice>) -> Self {
        Self {
            scope: SiteScope::new(remembered),
            clusters: Vec::new(),
            cluster: None,
            request: 0,
            ideas: None,
            list_error: None,
            editor: None,
            busy_idea: None,
            busy_rejecting: None,
            idea_error: None,
            queueing_all: false,
            queue_outcome: None,
            run: StageRun::new(Stage::Ideas),
            duplicates: Vec::new(),
        }
    }

    pub fn apply(&mut self, action: IdeasAction) {
        use IdeasAction as A;
        match action {
            A::SitesLoaded(r) => self.scope_changed(ScopeAction::SitesLoaded(r)),
            A::SiteChosen(s) => self.scope_changed(ScopeAction::SiteChosen(s)),
            A::SectorChosen(s) => self.scope_changed(ScopeAction::SectorChosen(s)),
            A::ClusterChosen(c) => {
                if self.cluster != c {
                    self.cluster = c;
                    self.editor = None;
                }
            }
            A::ClustersLoaded { request, result } => {
                if request == self.request {
                    match result {
                        Ok(list) => {
                            if self
                                .cluster
                                .is_some_and(|c| !list.iter().any(|x| x.cluster.id == c))
                            {
                                self.cluster = None;
                            }
                            self.clusters = list;
                        }
                        Err(e) => self.list_error = Some(e),
                    }
                }
            }
            A::DuplicatesLoaded { request, result } => {
                if request == self.request {
                    self.duplicates = result.unwrap_or_default();
                }
            }
            A::IdeasLoaded { request, result } => {
                if request == self.request {
                    match result {
                        Ok(ideas) => {
                            self.ideas = Some(ideas);
                            self.list_error = None;
                        }
                        Err(e) => self.list_error = Some(e),
                    }
                }
            }
            A::EditOutlineClicked(id) => {
                if self.editor.as_ref().is_some_and(|d| d.saving) {
                    return;
                }
                if let Some(idea) = self.idea(id).filter(|i| i.status == IdeaStatus::New) {
                    self.editor = Some(OutlineDraft {
                        idea: id,
                        sections: idea
                            .outline
                            .iter()
                            .map(SectionDraft::from_section)
                            .collect(),
                        faq: idea.faq.clone(),
                        saving: false,
                        error: None,
                    });
                }
            }
            A::SectionEdited(i, edit) => self.edit(|d| {
                if let Some(s) = d.sections.get_mut(i) {
                    match edit {
                        SectionEdit::Heading(t) => s.heading = t,
                        SectionEdit::Coverage(t) => s.coverage = t,
                        SectionEdit::Subheadings(t) => s.subheadings = t,
                        SectionEdit::Format(f) => s.format = f,
                    }
                }
                crate::forms::clear_error_for(&mut d.error, "outline");
            }),
            A::SectionAdded => self.edit(|d| d.sections.push(SectionDraft::default())),
            A::SectionRemoved(i) => self.edit(|d| {
                if i < d.sections.len() {
                    d.sections.remove(i);
                }
                crate::forms::clear_error_for(&mut d.error, "outline");
            }),
            A::SectionMovedUp(i) => self.edit(|d| {
                if i > 0 && i < d.sections.len() {
                    d.sections.swap(i - 1, i);
                }
            }),
            A::FaqEdited(i, text) => self.edit(|d| {
                if let Some(q) = d.faq.get_mut(i) {
                    *q = text;
                }
                crate::forms::clear_error_for(&mut d.error, "faq");
            }),
            A::FaqAdded => self.edit(|d| d.faq.push(String::new())),
            A::FaqRemoved(i) => self.edit(|d| {
                if i < d.faq.len() {
                    d.faq.remove(i);
                }
                crate::forms::clear_error_for(&mut d.error, "faq");
            }),
            A::OutlineSaveClicked => {
                if self.save_request().is_some() {
                    if let Some(d) = &mut self.editor {
                        d.saving = true;
                        d.error = None;
                    }
                }
            }
            A::OutlineSaved(Ok(idea)) => {
                self.editor = None;
                self.replace(idea);
            }
            A::OutlineSaved(Err(e)) => {
                if let Some(d) = &mut self.editor {
                    d.saving = false;
                    d.error = Some(e);
                }
            }
            A::EditCancelled => {
                if !self.editor.as_ref().is_some_and(|d| d.saving) {
                    self.editor = None;
                }
            }
            A::RejectToggled(id, rejected) => self.start_idea(id, Some(rejected)),
            A::QueueClicked(id) => self.start_idea(id, None),
            A::IdeaUpdated { idea, result } => {
                if self.busy_idea == Some(idea) {
                    self.busy_idea = None;
                }
                match result {
                    Ok(updated) => self.replace(updated),
                    Err(e) => self.idea_error = Some((idea, e)),
                }
            }
            A::IdeaQueued { idea, result } => {
                if self.busy_idea == Some(idea) {
                    self.busy_idea = None;
                }
                match result {
                    Ok(report) => {
                        self.queue_outcome = Some(Ok(queued_message(&report)));
                        self.reload();
                    }
                    Err(e) => self.idea_error = Some((idea, e)),
                }
            }
            A::QueueAllClicked => {
                if !self.queueing_all && self.queue_all_target().is_some() {
                    self.queueing_all = true;
                    self.queue_outcome = None;
                }
            }
            A::AllQueued(result) => {
                self.queueing_all = false;
                let ok = result.is_ok();
                self.queue_outcome = Some(result.map(|r| queued_message(&r)));
                if ok {
                    self.reload();
                }
            }
            A::QueueOutcomeDismissed => self.queue_outcome = None,
            A::GenerateClicked => {
                if let Some(target) = self.target() {
                    self.run.apply(RunAction::EstimateAsked(target));
                }
            }
            A::Run(action) => {
                let finished = matches!(action, RunAction::Finished(Ok(_)));
                self.run.apply(action);
                if finished && self.run.report().is_some() {
                    self.reload();
                }
            }
        }
    }

    fn scope_changed(&mut self, action: ScopeAction) {
        if self.scope.apply(action) {
            self.cluster = None;
            self.clusters.clear();
            self.ideas = None;
            self.editor = None;
            self.queue_outcome = None;
            if !self.run.is_busy() {
                self.run = StageRun::new(Stage::Ideas);
            }
            self.request += 1;
        }
    }

    fn start_idea(&mut self, id: IdeaId, rejecting: Option<bool>) {
        if self.busy_idea.is_none() {
            self.busy_idea = Some(id);
            self.busy_rejecting = rejecting;
            self.idea_error = None;
            self.queue_outcome = None;
        }
    }

    fn reload(&mut self) {
        self.request += 1;
    }

    fn edit(&mut self, f: impl FnOnce(&mut OutlineDraft)) {
        if let Some(d) = self.editor.as_mut().filter(|d| !d.saving) {
            f(d);
        }
    }

    fn replace(&mut self, idea: ContentIdea) {
        if let Some(slot) = self.ideas.iter_mut().flatten().find(|i| i.id == idea.id) {
            *slot = idea;
        }
    }

    pub fn idea(&self, id: IdeaId) -> Option<&ContentIdea> {
        self.ideas.iter().flatten().find(|i| i.id == id)
    }

    /// The ideas shown: the chosen cluster's, or all.
    pub fn shown(&self) -> Vec<&ContentIdea> {
        self.ideas
            .iter()
            .flatten()
            .filter(|i| self.cluster.is_none_or(|c| i.cluster_id == c))
            .collect()
    }

    pub fn cluster_name(&self, id: ClusterId) -> Option<&str> {
        self.clusters
            .iter()
            .find(|c| c.cluster.id == id)
            .map(|c| c.cluster.name.as_str())
    }

    /// The site and sector to list.
    pub fn list_args(&self) -> Option<(SiteId, Option<SectorId>)> {
        self.scope.target()
    }

    /// What a stage works on: the site (or sector), and the chosen cluster if there is one.
    pub fn target(&self) -> Option<StageTarget> {
        let (site, sector) = self.scope.target()?;
        Some(StageTarget {
            sector,
            clusters: self.cluster.into_iter().collect(),
            ..StageTarget::site(site)
        })
    }

    /// *Queue all approved*: the new ideas not rejected, if there are any shown.
    pub fn queue_all_target(&self) -> Option<StageTarget> {
        let waiting = self
            .shown()
            .iter()
            .any(|i| i.status == IdeaStatus::New && !i.rejected);
        if waiting {
            self.target()
        } else {
            None
        }
    }

    /// Queueing one idea: a queue run on just it.
    pub fn queue_one_target(&self, id: IdeaId) -> Option<StageTarget> {
        let idea = self.idea(id)?;
        let (site, _) = self.scope.target()?;
        (idea.status == IdeaStatus::New && !idea.rejected).then(|| StageTarget {
            ideas: vec![id],
            ..StageTarget::site(site)
        })
    }

    /// `(idea, outline, faq)` to send, while an edit is open and not on its way.
    pub fn save_request(&self) -> Option<(IdeaId, Vec<OutlineSection>, Vec<String>)> {
        let d = self.editor.as_ref().filter(|d| !d.saving)?;
        Some((
            d.idea,
            d.sections.iter().map(SectionDraft::to_section).collect(),
            d.faq
                .iter()
                .map(|q| q.trim())
                .filter(|q| !q.is_empty())
                .map(str::to_owned)
                .collect(),
        ))
    }

    /// The article that already covers this idea's topic, if one does.
    pub fn duplicate_for(&self, id: IdeaId) -> Option<&DuplicateTopic> {
        self.duplicates.iter().find(|d| d.idea == id)
    }

    pub fn error_for(&self, id: IdeaId) -> Option<&ErrorDto> {
        self.idea_error
            .as_ref()
            .filter(|(i, _)| *i == id)
            .map(|(_, e)| e)
    }
}

fn queued_message(r: &StageReport) -> String {
    let mut msg = format!(
        "Queued {} for writing.",
        crate::format::plural(r.done, "idea")
    );
    if r.skipped > 0 {
        msg.push_str(&format!(" {} already queued or written.", r.skipped));
    }
    msg
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scope::tests::{id, sites};
    use folio_model::{ContentStructure, ContentType, ErrorKind};
    use IdeasAction as A;

    fn idea(n: u64, cluster: u64, status: IdeaStatus) -> ContentIdea {
        ContentIdea {
            id: id(n),
            site_id: id(1),
            sector_id: id(11),
            cluster_id: id(cluster),
            title: format!("Idea {n}"),
            description: String::new(),
            primary_keyword: None,
            secondary_keywords: vec![],
            content_type: ContentType::Post,
            content_structure: ContentStructure::Guide,
            target_word_count: Some(1500),
            outline: (1..=6)
                .map(|i| OutlineSection {
                    heading: format!("Part {i}"),
                    notes: format!("covers {i}"),
                    subheadings: if i == 1 {
                        vec!["A".into(), "B".into()]
                    } else {
                        vec![]
                    },
                    keywords: vec!["prune roses".into()],
                    ..Default::default()
                })
                .collect(),
            faq: vec!["Q1?".into(), "Q2?".into(), "Q3?".into()],
            rejected: false,
            status,
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    fn loaded() -> IdeasState {
        let mut s = IdeasState::new(None);
        s.apply(A::SitesLoaded(Ok(sites())));
        let request = s.request;
        s.apply(A::IdeasLoaded {
            request,
            result: Ok(vec![
                idea(201, 101, IdeaStatus::New),
                idea(202, 101, IdeaStatus::Queued),
                idea(203, 102, IdeaStatus::New),
            ]),
        });
        s
    }

    #[test]
    fn a_cluster_narrows_the_ideas_and_what_a_generation_targets() {
        let mut s = loaded();
        assert_eq!(s.shown().len(), 3);
        assert_eq!(s.target().unwrap().clusters, vec![]);
        s.apply(A::ClusterChosen(Some(id(102))));
        assert_eq!(s.shown().len(), 1);
        s.apply(A::GenerateClicked);
        let t = s.run.to_estimate().unwrap();
        assert_eq!(t.clusters, vec![id::<ClusterId>(102)]);
        assert_eq!(t.site, id(1));
    }

    #[test]
    fn editing_an_outline_sends_every_change_and_core_answers_the_idea() {
        let mut s = loaded();
        s.apply(A::EditOutlineClicked(id(202)));
        assert!(s.editor.is_none(), "a queued idea's brief is frozen");
        s.apply(A::EditOutlineClicked(id(201)));
        assert_eq!(s.editor.as_ref().unwrap().sections[0].subheadings, "A\nB");
        s.apply(A::SectionEdited(
            0,
            SectionEdit::Heading("Why prune at all".into()),
        ));
        s.apply(A::SectionEdited(
            0,
            SectionEdit::Subheadings("A\n\n  C \n".into()),
        ));
        s.apply(A::SectionEdited(1, SectionEdit::Coverage("tools".into())));
        s.apply(A::SectionEdited(
            2,
            SectionEdit::Format(SectionFormat::Table),
        ));
        s.apply(A::SectionRemoved(5));
        s.apply(A::SectionAdded);
        s.apply(A::SectionEdited(5, SectionEdit::Heading("New part".into())));
        s.apply(A::SectionMovedUp(5));
        s.apply(A::FaqEdited(0, "Is it hard?".into()));
        s.apply(A::FaqRemoved(2));
        s.apply(A::FaqAdded);
        s.apply(A::FaqEdited(2, "  ".into()));
        let (idea_id, outline, faq) = s.save_request().unwrap();
        assert_eq!(idea_id, id(201));
        let headings: Vec<_> = outline.iter().map(|o| o.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "Why prune at all",
                "Part 2",
                "Part 3",
                "Part 4",
                "New part",
                "Part 5"
            ]
        );
        assert_eq!(outline[0].subheadings, ["A", "C"]);
        assert_eq!(outline[0].keywords, ["prune roses"], "kept as planned");
        assert_eq!(outline[1].notes, "tools");
        assert_eq!(outline[2].format, SectionFormat::Table);
        assert_eq!(faq, ["Is it hard?", "Q2?"], "a blank question is dropped");

        s.apply(A::OutlineSaveClicked);
        assert!(s.save_request().is_none(), "one save at a time");
        s.apply(A::SectionAdded);
        assert_eq!(
            s.editor.as_ref().unwrap().sections.len(),
            6,
            "no edits while saving"
        );
        let mut saved = idea(201, 101, IdeaStatus::New);
        saved.outline = outline;
        s.apply(A::OutlineSaved(Ok(saved)));
        assert!(s.editor.is_none());
        assert_eq!(
            s.idea(id(201)).unwrap().outline[0].heading,
            "Why prune at all"
        );
    }

    #[test]
    fn cores_outline_error_stays_in_the_editor_until_the_outline_changes() {
        let mut s = loaded();
        s.apply(A::EditOutlineClicked(id(201)));
        s.apply(A::SectionEdited(0, SectionEdit::Heading(" ".into())));
        s.apply(A::OutlineSaveClicked);
        let e = ErrorDto::new(
            ErrorKind::Validation,
            "Section 1 of the outline has no heading",
        )
        .with_field("outline");
        s.apply(A::OutlineSaved(Err(e)));
        let d = s.editor.as_ref().unwrap();
        assert!(!d.saving && d.error.is_some());
        s.apply(A::SectionEdited(0, SectionEdit::Heading("Back".into())));
        assert!(s.editor.as_ref().unwrap().error.is_none());
        s.apply(A::EditCancelled);
        assert!(s.editor.is_none());
    }

    #[test]
    fn rejecting_and_queueing_one_idea_at_a_time() {
        let mut s = loaded();
        assert!(s.queue_one_target(id(202)).is_none(), "already queued");
        s.apply(A::RejectToggled(id(201), true));
        assert_eq!(s.busy_idea, Some(id(201)));
        assert_eq!(s.busy_rejecting, Some(true));
        s.apply(A::QueueClicked(id(203)));
        assert_eq!(s.busy_idea, Some(id(201)), "one at a time");
        let mut rejected = idea(201, 101, IdeaStatus::New);
        rejected.rejected = true;
        s.apply(A::IdeaUpdated {
            idea: id(201),
            result: Ok(rejected),
        });
        assert!(s.idea(id(201)).unwrap().rejected);
        assert!(
            s.queue_one_target(id(201)).is_none(),
            "rejected ideas are not queued"
        );
        assert_eq!(
            s.queue_one_target(id(203)).unwrap().ideas,
            vec![id::<IdeaId>(203)]
        );
        s.apply(A::QueueClicked(id(203)));
        let before = s.request;
        s.apply(A::IdeaQueued {
            idea: id(203),
            result: Ok(StageReport {
                done: 1,
                ..Default::default()
            }),
        });
        assert_eq!(s.request, before + 1);
        assert_eq!(
            s.queue_outcome,
            Some(Ok("Queued 1 idea for writing.".to_owned()))
        );
    }

    #[test]
    fn queue_all_needs_an_approved_new_idea() {
        let mut s = loaded();
        s.apply(A::ClusterChosen(Some(id(101))));
        assert!(s.queue_all_target().is_some());
        s.apply(A::QueueAllClicked);
        assert!(s.queueing_all);
        s.apply(A::AllQueued(Ok(StageReport {
            done: 1,
            skipped: 1,
            ..Default::default()
        })));
        assert_eq!(
            s.queue_outcome,
            Some(Ok(
                "Queued 1 idea for writing. 1 already queued or written.".to_owned()
            ))
        );
        s.apply(A::ClusterChosen(Some(id(999))));
        assert!(s.queue_all_target().is_none());
    }

    #[test]
    fn an_idea_an_article_already_covers_carries_the_warning_and_stale_checks_are_dropped() {
        let mut s = IdeasState::new(None);
        let dup = DuplicateTopic {
            idea: id(41),
            idea_title: "Filling new beds".into(),
            content: id(42),
            content_title: "Raised bed soil: what to buy".into(),
            idea_topic: "soil for raised beds".into(),
            content_topic: "Raised bed soil: what to buy".into(),
            similarity: 1.0,
        };
        s.apply(IdeasAction::DuplicatesLoaded {
            request: s.request + 1,
            result: Ok(vec![dup.clone()]),
        });
        assert!(
            s.duplicate_for(id(41)).is_none(),
            "an older site's check is dropped"
        );
        s.apply(IdeasAction::DuplicatesLoaded {
            request: s.request,
            result: Ok(vec![dup.clone()]),
        });
        assert_eq!(s.duplicate_for(id(41)), Some(&dup));
        assert!(s.duplicate_for(id(43)).is_none());
        s.apply(IdeasAction::DuplicatesLoaded {
            request: s.request,
            result: Err(ErrorDto::new(folio_model::ErrorKind::Internal, "no model")),
        });
        assert!(s.duplicate_for(id(41)).is_none());
    }
}
