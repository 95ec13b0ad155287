//! The Writer's queue: a site's (or sector's) tasks with their status, writing one or all of them
//! (core's estimate first), the part each article is at while the job runs (from the job's
//! messages, `“Title”: section:2`), why a task failed (the run's report, then this device's
//! failure records) and Retry; the articles written so far. Pure and unit-tested.

use crate::scope::{PlannerChoice, ScopeAction, SiteScope};
use crate::stage_run::{RunAction, StageRun};
use folio_model::{
    ContentSummary, ErrorDto, SectorId, SiteId, SiteList, Stage, StageFailure, StageTarget, Task,
    TaskId, TaskStatus,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq)]
pub struct QueueState {
    pub scope: SiteScope,
    /// The newest request for tasks, failures and articles; older replies are dropped.
    pub request: u64,
    pub tasks: Option<Vec<Task>>,
    pub list_error: Option<ErrorDto>,
    /// This device's writing failures (item: the task's id).
    pub failures: Vec<StageFailure>,
    pub articles: Option<Vec<ContentSummary>>,
    pub run: StageRun,
    /// While the run goes: the part each article is at, by its title.
    pub parts: BTreeMap<String, String>,
}

pub enum QueueAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    SiteChosen(SiteId),
    SectorChosen(Option<SectorId>),
    TasksLoaded {
        request: u64,
        result: Result<Vec<Task>, ErrorDto>,
    },
    FailuresLoaded {
        request: u64,
        result: Result<Vec<StageFailure>, ErrorDto>,
    },
    ArticlesLoaded {
        request: u64,
        result: Result<Vec<ContentSummary>, ErrorDto>,
    },
    /// *Write* on one task, *Retry* on a failed one (`Some`), or *Write all* (`None`): the
    /// estimate comes first.
    WriteClicked(Option<TaskId>),
    Run(RunAction),
}

impl Reducible for QueueState {
    type Action = QueueAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

/// `“Title”: section:2` → `("Title", "section:2")`: the writer names the article and the part
/// it is writing.
pub fn article_part(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix('\u{201c}')?;
    let (title, part) = rest.split_once("\u{201d}: ")?;
    Some((title, part))
}

/// A part as a person reads it: `section:2` → `section 3`, `faq` → `FAQ`.
pub fn part_label(part: &str) -> String {
    match part.split_once(':') {
        Some(("section", n)) => match n.parse::<u32>() {
            Ok(i) => format!("section {}", i + 1),
            Err(_) => part.to_owned(),
        },
        _ => match part {
            "intro" => "introduction".to_owned(),
            "faq" => "FAQ".to_owned(),
            "meta" => "title and description".to_owned(),
            other => other.to_owned(),
        },
    }
}

impl QueueState {
    pub fn new(remembered: Option<PlannerChoice>) -> Self {
        Self {
            scope: SiteScope::new(remembered),
            request: 0,
            tasks: None,
            list_error: None,
            failures: Vec::new(),
            articles: None,
            run: StageRun::new(Stage::Writing),
            parts: BTreeMap::new(),
        }
    }

    pub fn apply(&mut self, action: QueueAction) {
        use QueueAction as A;
        match action {
            A::SitesLoaded(r) => self.scope_changed(ScopeAction::SitesLoaded(r)),
            A::SiteChosen(s) => self.scope_changed(ScopeAction::SiteChosen(s)),
            A::SectorChosen(s) => self.scope_changed(ScopeAction::SectorChosen(s)),
            A::TasksLoaded { request, result } => {
                if request == self.request {
                    match result {
                        Ok(tasks) => {
                            self.tasks = Some(tasks);
                            self.list_error = None;
                        }
                        Err(e) => self.list_error = Some(e),
                    }
                }
            }
            A::FailuresLoaded { request, result } => {
                // Failures only add reasons; without them the queue still works.
                if let (true, Ok(f)) = (request == self.request, result) {
                    self.failures = f;
                }
            }
            A::ArticlesLoaded { request, result } => {
                if request == self.request {
                    match result {
                        Ok(a) => self.articles = Some(a),
                        Err(e) => self.list_error = Some(e),
                    }
                }
            }
            A::WriteClicked(task) => {
                if let Some(target) = self.target(task) {
                    self.run.apply(RunAction::EstimateAsked(target));
                }
            }
            A::Run(action) => {
                if let RunAction::JobProgressed(p) = &action {
                    let was = self.run.message().map(str::to_owned);
                    self.run.apply(RunAction::JobProgressed(p.clone()));
                    let now = self.run.message().map(str::to_owned);
                    if now != was {
                        if let Some((title, part)) = now.as_deref().and_then(article_part) {
                            self.parts.insert(title.to_owned(), part.to_owned());
                        }
                    }
                    return;
                }
                let finished = matches!(action, RunAction::Finished(_));
                self.run.apply(action);
                if finished && !self.run.is_running() {
                    self.parts.clear();
                    self.request += 1;
                }
            }
        }
    }

    fn scope_changed(&mut self, action: ScopeAction) {
        if self.scope.apply(action) {
            self.tasks = None;
            self.articles = None;
            self.failures.clear();
            if !self.run.is_busy() {
                self.run = StageRun::new(Stage::Writing);
            }
            self.request += 1;
        }
    }

    /// The site and sector to list.
    pub fn list_args(&self) -> Option<(SiteId, Option<SectorId>)> {
        self.scope.target()
    }

    /// What a write run works on: one task, or every queued one of the site (or sector).
    pub fn target(&self, task: Option<TaskId>) -> Option<StageTarget> {
        let (site, sector) = self.scope.target()?;
        if let Some(t) = task {
            let task = self.tasks.iter().flatten().find(|x| x.id == t)?;
            if task.status != TaskStatus::Queued {
                return None;
            }
        }
        Some(StageTarget {
            sector,
            tasks: task.into_iter().collect(),
            ..StageTarget::site(site)
        })
    }

    /// Tasks waiting to be written.
    pub fn queued(&self) -> usize {
        self.tasks
            .iter()
            .flatten()
            .filter(|t| t.status == TaskStatus::Queued)
            .count()
    }

    /// Why a task failed: this run's report first, then this device's record.
    pub fn failure(&self, task: &Task) -> Option<&str> {
        if task.status == TaskStatus::Completed {
            return None;
        }
        let item = task.id.to_string();
        if let Some(f) = self
            .run
            .report()
            .and_then(|r| r.failed.iter().find(|f| f.item == item))
        {
            return Some(&f.reason);
        }
        self.failures
            .iter()
            .find(|f| f.stage == Stage::Writing && f.item == item)
            .map(|f| f.reason.as_str())
    }

    /// The part the running job is writing of this task's article.
    pub fn part(&self, task: &Task) -> Option<&str> {
        if !self.run.is_running() {
            return None;
        }
        self.parts.get(&task.title).map(String::as_str)
    }

    /// Whether this task is in the run going now (all queued tasks, or the one named).
    pub fn in_run(&self, task: &Task) -> bool {
        match &self.run.phase {
            crate::stage_run::RunPhase::Running { target, .. } => {
                task.status == TaskStatus::Queued
                    && (target.tasks.is_empty() || target.tasks.contains(&task.id))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scope::tests::{id, sites};
    use chrono::Utc;
    use folio_model::{
        ContentStructure, ContentType, ItemFailure, JobKind, JobPhase, JobProgress, JobScope,
        StageEstimate, StageReport,
    };
    use QueueAction as A;

    fn task(n: u64, title: &str, status: TaskStatus) -> Task {
        Task {
            id: id(n),
            site_id: id(1),
            sector_id: id(11),
            cluster_id: id(101),
            idea_id: None,
            title: title.into(),
            brief: String::new(),
            primary_keyword: "prune roses".into(),
            secondary_keywords: vec![],
            content_type: ContentType::Post,
            content_structure: ContentStructure::Guide,
            target_word_count: Some(1200),
            status,
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    fn loaded() -> QueueState {
        let mut s = QueueState::new(None);
        s.apply(A::SitesLoaded(Ok(sites())));
        let request = s.request;
        s.apply(A::TasksLoaded {
            request,
            result: Ok(vec![
                task(301, "How to prune roses", TaskStatus::Queued),
                task(302, "Rose food", TaskStatus::Queued),
                task(303, "Old one", TaskStatus::Completed),
            ]),
        });
        s
    }

    fn step(message: &str) -> JobProgress {
        JobProgress {
            job_id: id(9),
            kind: JobKind::Writing,
            scope: JobScope::Site { site: id(1) },
            phase: JobPhase::Calling,
            done: 0,
            total: Some(2),
            message: Some(message.into()),
        }
    }

    fn running(task: Option<TaskId>) -> QueueState {
        let mut s = loaded();
        s.apply(A::WriteClicked(task));
        let target = s.run.to_estimate().cloned().unwrap();
        s.apply(A::Run(RunAction::Estimated {
            target,
            result: Ok(StageEstimate {
                stage: Stage::Writing,
                items: 2,
                calls: 20,
                credits: 90,
                usd: Default::default(),
                model: "gpt-4o-mini".into(),
                available: None,
            }),
        }));
        s.apply(A::Run(RunAction::SpendConfirmed));
        s
    }

    #[test]
    fn the_writers_messages_name_the_article_and_its_part() {
        assert_eq!(
            article_part("\u{201c}How to prune roses\u{201d}: section:2"),
            Some(("How to prune roses", "section:2"))
        );
        assert_eq!(article_part("clustering 6 keywords"), None);
        assert_eq!(part_label("section:2"), "section 3");
        assert_eq!(part_label("faq"), "FAQ");
        assert_eq!(part_label("meta"), "title and description");
    }

    #[test]
    fn write_one_or_all_asks_for_the_estimate_of_just_that() {
        let mut s = loaded();
        assert_eq!(s.queued(), 2);
        assert!(s.target(Some(id(303))).is_none(), "a written task");
        s.apply(A::WriteClicked(Some(id(302))));
        assert_eq!(s.run.to_estimate().unwrap().tasks, vec![id::<TaskId>(302)]);
        let all = loaded().target(None).unwrap();
        assert!(all.tasks.is_empty());
    }

    #[test]
    fn each_article_shows_the_part_being_written_while_the_run_goes() {
        let mut s = running(None);
        let t1 = s.tasks.as_ref().unwrap()[0].clone();
        let t2 = s.tasks.as_ref().unwrap()[1].clone();
        assert!(s.in_run(&t1) && s.in_run(&t2));
        s.apply(A::Run(RunAction::JobProgressed(step(
            "\u{201c}How to prune roses\u{201d}: section:0",
        ))));
        s.apply(A::Run(RunAction::JobProgressed(step(
            "\u{201c}Rose food\u{201d}: section:1",
        ))));
        s.apply(A::Run(RunAction::JobProgressed(step(
            "\u{201c}How to prune roses\u{201d}: intro",
        ))));
        assert_eq!(s.part(&t1), Some("intro"));
        assert_eq!(s.part(&t2), Some("section:1"));
        let before = s.request;
        s.apply(A::Run(RunAction::Finished(Ok(StageReport {
            done: 2,
            ..Default::default()
        }))));
        assert_eq!(s.part(&t1), None);
        assert_eq!(
            s.request,
            before + 1,
            "the queue and the articles load again"
        );
    }

    #[test]
    fn a_failure_shows_its_reason_and_retry_targets_that_task() {
        let mut s = running(Some(id(301)));
        let t1 = s.tasks.as_ref().unwrap()[0].clone();
        let t2 = s.tasks.as_ref().unwrap()[1].clone();
        assert!(s.in_run(&t1) && !s.in_run(&t2));
        s.apply(A::Run(RunAction::Finished(Ok(StageReport {
            failed: vec![ItemFailure {
                item: t1.id.to_string(),
                label: t1.title.clone(),
                reason: "the answer failed validation".into(),
            }],
            ..Default::default()
        }))));
        assert_eq!(s.failure(&t1), Some("the answer failed validation"));
        // After a reload, this device's record still says why.
        s.apply(A::Run(RunAction::Dismissed));
        let request = s.request;
        s.apply(A::FailuresLoaded {
            request,
            result: Ok(vec![StageFailure {
                stage: Stage::Writing,
                item: t2.id.to_string(),
                label: t2.title.clone(),
                reason: "provider: rate limited".into(),
                raw_answer: Some("{not json".into()),
                at: Utc::now(),
            }]),
        });
        assert_eq!(s.failure(&t1), None);
        assert_eq!(s.failure(&t2), Some("provider: rate limited"));
        s.apply(A::WriteClicked(Some(t2.id)));
        assert_eq!(s.run.to_estimate().unwrap().tasks, vec![t2.id]);
    }
}
