//! The in-process side of jobs: starting one (taking its lock), its progress fan-out, cancelling,
//! listing. See [`crate::jobs`].

use crate::jobs::lock::{self, Acquired, JobLock, LockRecord};
use crate::CoreError;
use chrono::{SecondsFormat, Utc};
use folio_model::{JobId, JobInfo, JobKind, JobPhase, JobProgress, JobScope};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Progress steps buffered for a slow subscriber; one that falls further behind skips to the
/// newest (a bar only needs the latest, and the final step is always the last one sent).
const PROGRESS_BUFFER: usize = 1024;

/// Whether a kind allows one job per scope, across processes. A second import into the same
/// sector would count duplicates against rows the first has not committed; two publishes of one
/// article would both miss the post the other is creating and make two. Two runs of a pipeline
/// stage over one site (one sector for clustering) would both pick the same waiting items and
/// pay for each twice. Two automation runs of a site would resume the same run. Two rewrites of
/// one article's section would each pay and the second would undo the first.
pub fn exclusive(kind: JobKind) -> bool {
    match kind {
        JobKind::KeywordImport
        | JobKind::Publish
        | JobKind::Clustering
        | JobKind::Ideas
        | JobKind::Writing
        | JobKind::Images
        | JobKind::Automation
        | JobKind::Section => true,
        JobKind::ProviderTest => false,
    }
}

/// A synchronous progress callback ([`Jobs::observe`]). It runs on the job's own task, so it
/// must be quick and must not block.
pub type ProgressObserver = Arc<dyn Fn(&JobProgress) + Send + Sync>;

struct Running {
    info: JobInfo,
    cancel: CancellationToken,
}

struct Inner {
    dir: PathBuf,
    running: Mutex<HashMap<JobId, Running>>,
    progress: broadcast::Sender<JobProgress>,
    observers: Mutex<Vec<(u64, ProgressObserver)>>,
    next_observer: AtomicU64,
}

/// The job registry of one open store; clones share it.
#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

/// Removes its observer when dropped.
pub struct ObserverGuard {
    jobs: Jobs,
    id: u64,
}

impl Drop for ObserverGuard {
    fn drop(&mut self) {
        if let Ok(mut o) = self.jobs.inner.observers.lock() {
            o.retain(|(id, _)| *id != self.id);
        }
    }
}

fn poisoned<T>(
    r: Result<MutexGuard<'_, T>, impl std::fmt::Display>,
) -> Result<MutexGuard<'_, T>, CoreError> {
    r.map_err(|e| CoreError::Internal(format!("the job registry is unusable: {e}")))
}

/// The lock file of a job: one per (kind, scope) for exclusive kinds, one per job otherwise.
fn lock_name(kind: JobKind, scope: &JobScope, id: JobId) -> String {
    if !exclusive(kind) {
        return format!("job-{id}.lock");
    }
    let scope = match scope {
        JobScope::Site { site } => format!("site-{site}"),
        JobScope::Sector { sector, .. } => format!("sector-{sector}"),
        JobScope::Content { content } => format!("content-{content}"),
        // Provider names are slugs already; anything else is dropped rather than let into a path.
        JobScope::Provider { provider } => format!(
            "provider-{}",
            provider
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .collect::<String>()
        ),
    };
    format!("{kind}-{scope}.lock")
}

fn busy(kind: JobKind, scope: &JobScope, holder: Option<&LockRecord>) -> CoreError {
    let who = match holder {
        Some(r) if r.pid == std::process::id() => format!(
            "in this window, since {}",
            r.started_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
        Some(r) => format!(
            "in another Folio process (pid {}), since {}",
            r.pid,
            r.started_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
        None => "in another Folio process".to_owned(),
    };
    CoreError::Busy {
        message: format!(
            "{} is already running for {scope} {who}; wait for it to finish or cancel it there",
            kind.label()
        ),
    }
}

impl Jobs {
    pub(crate) fn new(dir: PathBuf) -> Self {
        Jobs {
            inner: Arc::new(Inner {
                dir,
                running: Mutex::new(HashMap::new()),
                progress: broadcast::channel(PROGRESS_BUFFER).0,
                observers: Mutex::new(Vec::new()),
                next_observer: AtomicU64::new(0),
            }),
        }
    }

    /// Every progress step of every job started from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<JobProgress> {
        self.inner.progress.subscribe()
    }

    /// Call `f` with every progress step, synchronously, before subscribers see it — so it can
    /// act at an exact point of a job (a test cancelling after the first batch). Removed when the
    /// guard is dropped.
    pub fn observe(&self, f: impl Fn(&JobProgress) + Send + Sync + 'static) -> ObserverGuard {
        let id = self.inner.next_observer.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut o) = self.inner.observers.lock() {
            o.push((id, Arc::new(f)));
        }
        ObserverGuard {
            jobs: self.clone(),
            id,
        }
    }

    /// Start a job. An exclusive kind is refused with [`CoreError::Busy`] while another job of
    /// that kind runs for the same scope, in this process or another on the same data
    /// directory.
    pub async fn start(&self, kind: JobKind, scope: JobScope) -> Result<Job, CoreError> {
        if exclusive(kind) {
            let running = poisoned(self.inner.running.lock())?;
            if let Some(r) = running
                .values()
                .find(|r| r.info.kind == kind && r.info.scope == scope)
            {
                let holder = LockRecord {
                    job_id: r.info.id,
                    kind,
                    scope: scope.clone(),
                    pid: r.info.pid,
                    started_at: r.info.started_at,
                };
                return Err(busy(kind, &scope, Some(&holder)));
            }
        }
        let id = JobId(Uuid::now_v7());
        let record = LockRecord {
            job_id: id,
            kind,
            scope: scope.clone(),
            pid: std::process::id(),
            started_at: Utc::now(),
        };
        let dir = self.inner.dir.clone();
        let path = dir.join(lock_name(kind, &scope, id));
        let rec = record.clone();
        let acquired = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir).map_err(|source| CoreError::DataDir {
                path: dir.clone(),
                source,
            })?;
            lock::acquire(&path, &rec)
        })
        .await
        .map_err(|e| CoreError::Internal(format!("taking a job lock: {e}")))??;
        let lock = match acquired {
            Acquired::Held(lock) => lock,
            Acquired::Busy(holder) => return Err(busy(kind, &scope, holder.as_ref())),
        };
        let cancel = CancellationToken::new();
        let info = JobInfo {
            id,
            kind,
            scope: scope.clone(),
            pid: record.pid,
            this_process: true,
            started_at: record.started_at,
            progress: None,
        };
        poisoned(self.inner.running.lock())?.insert(
            id,
            Running {
                info,
                cancel: cancel.clone(),
            },
        );
        tracing::info!(job = %id, %kind, %scope, "job started");
        let job = Job {
            id,
            kind,
            scope,
            cancel,
            jobs: self.clone(),
            _lock: Some(lock),
            ended: false,
        };
        job.step(JobPhase::Started, 0, None);
        Ok(job)
    }

    /// Cancel a job of this process. `Ok(false)` when it has already ended; an error when it
    /// runs in another process (cancel it there).
    pub async fn cancel(&self, id: JobId) -> Result<bool, CoreError> {
        if let Some(r) = poisoned(self.inner.running.lock())?.get(&id) {
            r.cancel.cancel();
            tracing::info!(job = %id, "job cancelled");
            return Ok(true);
        }
        let others = self.others().await?;
        match others.iter().find(|r| r.job_id == id) {
            Some(r) => Err(CoreError::Busy {
                message: format!(
                    "job {id} runs in another Folio process (pid {}); cancel it there",
                    r.pid
                ),
            }),
            None => Ok(false),
        }
    }

    /// Cancel this process's jobs of `kind` for `scope`; how many.
    pub fn cancel_matching(&self, kind: JobKind, scope: &JobScope) -> usize {
        let Ok(running) = self.inner.running.lock() else {
            return 0;
        };
        let mut n = 0;
        for r in running
            .values()
            .filter(|r| r.info.kind == kind && &r.info.scope == scope)
        {
            r.cancel.cancel();
            n += 1;
        }
        n
    }

    /// Cancel every job of this process (the CLI's Ctrl-C, the app closing); how many.
    pub fn cancel_all(&self) -> usize {
        let Ok(running) = self.inner.running.lock() else {
            return 0;
        };
        for r in running.values() {
            r.cancel.cancel();
        }
        running.len()
    }

    /// The jobs running now: this process's (with their latest progress) and those other
    /// processes on this data directory hold locks for, oldest first.
    pub async fn list(&self) -> Result<Vec<JobInfo>, CoreError> {
        let mut jobs: Vec<JobInfo> = poisoned(self.inner.running.lock())?
            .values()
            .map(|r| r.info.clone())
            .collect();
        let ours: std::collections::HashSet<JobId> = jobs.iter().map(|j| j.id).collect();
        for r in self.others().await? {
            if ours.contains(&r.job_id) {
                continue;
            }
            jobs.push(JobInfo {
                id: r.job_id,
                kind: r.kind,
                scope: r.scope,
                pid: r.pid,
                this_process: false,
                started_at: r.started_at,
                progress: None,
            });
        }
        jobs.sort_by_key(|j| (j.started_at, j.id));
        Ok(jobs)
    }

    async fn others(&self) -> Result<Vec<LockRecord>, CoreError> {
        let dir = self.inner.dir.clone();
        tokio::task::spawn_blocking(move || lock::held_by_others(&dir))
            .await
            .map_err(|e| CoreError::Internal(format!("listing jobs: {e}")))?
    }

    fn publish(&self, p: JobProgress) {
        if let Ok(mut running) = self.inner.running.lock() {
            if let Some(r) = running.get_mut(&p.job_id) {
                r.info.progress = Some(p.clone());
            }
        }
        let observers: Vec<ProgressObserver> = match self.inner.observers.lock() {
            Ok(o) => o.iter().map(|(_, f)| f.clone()).collect(),
            Err(_) => Vec::new(),
        };
        for f in observers {
            f(&p);
        }
        // No subscriber is fine: nobody is watching.
        let _ = self.inner.progress.send(p);
    }
}

/// Reports a job's steps ([`Job::reporter`]).
#[derive(Clone)]
pub struct JobReporter {
    id: JobId,
    kind: JobKind,
    scope: JobScope,
    jobs: Jobs,
}

impl JobReporter {
    /// Report where the job is, with a line for people.
    pub fn say(&self, phase: JobPhase, done: u64, total: Option<u64>, message: impl Into<String>) {
        self.jobs.publish(JobProgress {
            job_id: self.id,
            kind: self.kind,
            scope: self.scope.clone(),
            phase,
            done,
            total,
            message: Some(message.into()),
        });
    }
}

/// A running job. Report steps with [`Job::step`]/[`Job::say`], check [`Job::check`] between
/// units of work, and end it with [`Job::finish`]; dropped unfinished (an early return, a
/// panic) it still ends — as cancelled or failed — and releases its lock.
pub struct Job {
    id: JobId,
    kind: JobKind,
    scope: JobScope,
    cancel: CancellationToken,
    jobs: Jobs,
    _lock: Option<JobLock>,
    ended: bool,
}

impl Job {
    pub fn id(&self) -> JobId {
        self.id
    }

    pub fn kind(&self) -> JobKind {
        self.kind
    }

    pub fn scope(&self) -> &JobScope {
        &self.scope
    }

    /// The job's cancellation token, for calls that take one (provider requests).
    pub fn token(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// `Err(Cancelled)` once someone cancelled the job: the checkpoint between units of work.
    pub fn check(&self) -> Result<(), CoreError> {
        if self.is_cancelled() {
            Err(CoreError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// A handle reporting this job's steps from work shared across tasks; it cannot end the job.
    pub fn reporter(&self) -> JobReporter {
        JobReporter {
            id: self.id,
            kind: self.kind,
            scope: self.scope.clone(),
            jobs: self.jobs.clone(),
        }
    }

    /// Report where the job is.
    pub fn step(&self, phase: JobPhase, done: u64, total: Option<u64>) {
        self.emit(phase, done, total, None);
    }

    /// Report where the job is, with a line for people.
    pub fn say(&self, phase: JobPhase, done: u64, total: Option<u64>, message: impl Into<String>) {
        self.emit(phase, done, total, Some(message.into()));
    }

    fn emit(&self, phase: JobPhase, done: u64, total: Option<u64>, message: Option<String>) {
        self.jobs.publish(JobProgress {
            job_id: self.id,
            kind: self.kind,
            scope: self.scope.clone(),
            phase,
            done,
            total,
            message,
        });
    }

    /// End the job with the operation's result (reported as finished, cancelled or failed with
    /// the error's message) and hand the result back.
    pub fn finish<T>(mut self, result: Result<T, CoreError>) -> Result<T, CoreError> {
        let (phase, message) = match &result {
            Ok(_) => (JobPhase::Finished, None),
            Err(CoreError::Cancelled) => (JobPhase::Cancelled, None),
            Err(e) => (JobPhase::Failed, Some(e.to_string())),
        };
        self.end(phase, message);
        result
    }

    fn end(&mut self, phase: JobPhase, message: Option<String>) {
        if self.ended {
            return;
        }
        self.ended = true;
        let last = self
            .jobs
            .inner
            .running
            .lock()
            .ok()
            .and_then(|mut r| r.remove(&self.id))
            .and_then(|r| r.info.progress);
        let (done, total) = last.map(|p| (p.done, p.total)).unwrap_or((0, None));
        tracing::info!(job = %self.id, kind = %self.kind, %phase, "job ended");
        self.emit(phase, done, total, message);
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if self.is_cancelled() {
            self.end(JobPhase::Cancelled, None);
        } else {
            self.end(
                JobPhase::Failed,
                Some("stopped before it finished".to_owned()),
            );
        }
        // `_lock` drops after this: the lock is released once the job is off the list.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names_stay_inside_the_folder() {
        let id = JobId(Uuid::nil());
        let name = lock_name(
            JobKind::Publish,
            &JobScope::Provider {
                provider: "../../etc/passwd".into(),
            },
            id,
        );
        assert_eq!(name, "publish-provider-etcpasswd.lock");
        assert_eq!(
            lock_name(
                JobKind::ProviderTest,
                &JobScope::Provider {
                    provider: "openai".into()
                },
                id
            ),
            format!("job-{id}.lock")
        );
    }
}
