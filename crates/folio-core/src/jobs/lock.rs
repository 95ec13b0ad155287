//! Cross-process job locks: one file per exclusive (kind, scope) — or per job, for kinds that
//! may run side by side — in the data directory's `jobs/` folder, held with an exclusive OS file
//! lock for as long as the job runs.
//!
//! The file carries a [`LockRecord`] (job id, kind, scope, pid, start) so a refused caller can
//! say who holds it and `folio jobs` can list other processes' jobs. The OS drops the lock when
//! the holder's process ends in any way, so a crashed holder never blocks anyone.
//!
//! A holder removes its file while still holding the lock. Another process may have opened the
//! old file just before: after taking the lock it checks that the path still names the file it
//! locked (device and inode) and starts over otherwise, so two processes never both believe they
//! hold one scope.

use crate::CoreError;
use chrono::{DateTime, Utc};
use folio_model::{JobId, JobKind, JobScope};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long an acquire keeps trying a lock someone holds before it answers "busy". A real holder
/// holds for the whole job (seconds at least); someone listing jobs holds a free lock for
/// microseconds while it checks whether the file is stale, and must not cause a refusal.
const BUSY_GRACE: Duration = Duration::from_millis(250);
const RETRY: Duration = Duration::from_millis(10);
/// A lock file larger than this is not one of ours.
const MAX_RECORD_BYTES: u64 = 16 * 1024;

/// What a lock file says about its holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRecord {
    pub job_id: JobId,
    pub kind: JobKind,
    pub scope: JobScope,
    pub pid: u32,
    pub started_at: DateTime<Utc>,
}

/// A held lock; dropping it removes the file and releases the lock.
#[derive(Debug)]
pub struct JobLock {
    file: File,
    path: PathBuf,
}

impl Drop for JobLock {
    fn drop(&mut self) {
        // Removed while still locked (see the module doc); Windows keeps files that are open, so
        // there the file stays and the next holder overwrites it.
        #[cfg(unix)]
        if let Err(e) = std::fs::remove_file(&self.path) {
            tracing::debug!(path = %self.path.display(), error = %e, "job lock file not removed");
        }
        let _ = self.file.unlock();
    }
}

/// The outcome of an attempt to lock.
#[derive(Debug)]
pub enum Acquired {
    Held(JobLock),
    /// Someone holds it; what their file says, when it could be read.
    Busy(Option<LockRecord>),
}

fn io_error(path: &Path, source: std::io::Error) -> CoreError {
    CoreError::DataDir {
        path: path.to_path_buf(),
        source,
    }
}

/// Lock `path` for `record`'s job, waiting at most [`BUSY_GRACE`] for a holder to let go.
/// Blocking file I/O: call it from a blocking thread.
pub fn acquire(path: &Path, record: &LockRecord) -> Result<Acquired, CoreError> {
    let deadline = Instant::now() + BUSY_GRACE;
    loop {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                if Instant::now() >= deadline {
                    return Ok(Acquired::Busy(read_record(&mut file)));
                }
                std::thread::sleep(RETRY);
                continue;
            }
            Err(TryLockError::Error(e)) => return Err(io_error(path, e)),
        }
        if !still_named(&file, path) {
            // Its last holder removed it between our open and our lock: start over.
            continue;
        }
        let body = serde_json::to_vec(record)
            .map_err(|e| CoreError::Internal(format!("encoding a job lock: {e}")))?;
        file.set_len(0).map_err(|e| io_error(path, e))?;
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(&body))
            .map_err(|e| io_error(path, e))?;
        return Ok(Acquired::Held(JobLock {
            file,
            path: path.to_path_buf(),
        }));
    }
}

/// Whether `path` still names the file `file` has open.
#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_named(_file: &File, path: &Path) -> bool {
    path.exists()
}

fn read_record(file: &mut File) -> Option<LockRecord> {
    let mut body = Vec::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(MAX_RECORD_BYTES).read_to_end(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The jobs other processes hold locks for in `dir`. A file nobody holds is left over from a
/// process that ended; it is removed on the way.
pub fn held_by_others(dir: &Path) -> Result<Vec<LockRecord>, CoreError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(dir, e)),
    };
    let mut held = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "lock") {
            continue;
        }
        let Ok(mut file) = OpenOptions::new().read(true).write(true).open(&path) else {
            continue;
        };
        match file.try_lock() {
            Err(TryLockError::WouldBlock) => {
                if let Some(record) = read_record(&mut file) {
                    held.push(record);
                }
            }
            Ok(()) => {
                #[cfg(unix)]
                if still_named(&file, &path) {
                    let _ = std::fs::remove_file(&path);
                }
                let _ = file.unlock();
            }
            Err(TryLockError::Error(_)) => {}
        }
    }
    held.sort_by_key(|r| r.started_at);
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn record(pid: u32) -> LockRecord {
        LockRecord {
            job_id: JobId(Uuid::now_v7()),
            kind: JobKind::Publish,
            scope: JobScope::Content {
                content: folio_model::ContentId(Uuid::nil()),
            },
            pid,
            started_at: Utc::now(),
        }
    }

    #[test]
    fn a_held_lock_is_busy_with_its_record_and_free_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("publish-x.lock");
        let first = record(1);
        let Acquired::Held(lock) = acquire(&path, &first).unwrap() else {
            panic!("the first acquire must hold");
        };
        match acquire(&path, &record(2)).unwrap() {
            Acquired::Busy(Some(r)) => assert_eq!(r, first),
            other => panic!("expected busy with the holder's record, got {other:?}"),
        }
        assert_eq!(held_by_others(dir.path()).unwrap(), vec![first]);
        drop(lock);
        assert!(!path.exists(), "the holder removes its file");
        assert!(matches!(
            acquire(&path, &record(3)).unwrap(),
            Acquired::Held(_)
        ));
    }

    #[test]
    fn a_file_nobody_holds_is_taken_over_and_listed_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stale.lock");
        std::fs::write(&path, serde_json::to_vec(&record(999_999)).unwrap()).unwrap();
        assert!(held_by_others(dir.path()).unwrap().is_empty());
        std::fs::write(&path, b"garbage").unwrap();
        assert!(matches!(
            acquire(&path, &record(4)).unwrap(),
            Acquired::Held(_)
        ));
    }
}
