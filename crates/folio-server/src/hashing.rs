//! Password hashing under a bound. A default argon2id hash takes 19 MiB and tens of milliseconds
//! of a core; login, register, password reset and invite acceptance each run one on the blocking
//! pool, which by itself would run hundreds at once (512 threads) — a flood of logins then costs
//! gigabytes of memory. The [`HashGate`] lets as many hashes run as there are cores; more callers
//! wait in a bounded queue, and past that they are answered `503 Service Unavailable` with
//! `Retry-After` at once (waiting longer than a client's patience helps nobody, and a queue that
//! grows without end is the flood again, only slower).

use crate::config::PasswordHashing;
use crate::secrets;
use crate::ServerError;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// How many password hashes may run at once and wait at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashingBound {
    /// Hashes running at once; default: the machine's cores.
    pub concurrent: usize,
    /// Callers waiting for a turn; the next one gets 503.
    pub queue: usize,
}

impl Default for HashingBound {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            concurrent: cores,
            queue: 64 * cores,
        }
    }
}

pub struct HashGate {
    bound: HashingBound,
    permits: Semaphore,
    waiting: AtomicUsize,
    running: AtomicUsize,
    /// The most hashes seen running at once (for tests and metrics).
    peak: AtomicUsize,
}

/// Holds a turn; counts the hash as running until dropped.
struct Turn<'a> {
    gate: &'a HashGate,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.gate.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a caller as waiting until dropped (also if its request is dropped while it waits).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashGate {
    pub fn new(bound: HashingBound) -> Self {
        let bound = HashingBound {
            concurrent: bound.concurrent.max(1),
            queue: bound.queue,
        };
        Self {
            bound,
            permits: Semaphore::new(bound.concurrent),
            waiting: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    pub fn bound(&self) -> HashingBound {
        self.bound
    }

    /// The most hashes that have run at once since the server started.
    pub fn peak_concurrency(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    async fn turn(&self) -> Result<Turn<'_>, ServerError> {
        // A free turn is taken at once (tokio's semaphore hands released permits to waiters
        // first, so this never jumps the queue); only callers that must wait count against it.
        let permit = match self.permits.try_acquire() {
            Ok(permit) => permit,
            Err(_) => {
                let before = self.waiting.fetch_add(1, Ordering::SeqCst);
                let _waiting = Waiting(&self.waiting);
                if before >= self.bound.queue {
                    return Err(ServerError::Busy(
                        "the server is busy checking passwords; try again in a moment".into(),
                    ));
                }
                self.permits
                    .acquire()
                    .await
                    .map_err(|_| ServerError::Internal("the password hashing gate closed".into()))?
            }
        };
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Ok(Turn {
            gate: self,
            _permit: permit,
        })
    }

    pub async fn hash(
        &self,
        hashing: PasswordHashing,
        password: &str,
    ) -> Result<String, ServerError> {
        let _turn = self.turn().await?;
        secrets::hash_password(hashing, password).await
    }

    pub async fn verify(&self, stored: &str, password: &str) -> Result<bool, ServerError> {
        let _turn = self.turn().await?;
        secrets::verify_password(stored, password).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_than_the_bound_and_the_queue_overflows_to_busy() {
        let gate = Arc::new(HashGate::new(HashingBound {
            concurrent: 2,
            queue: 4,
        }));
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let gate = gate.clone();
            tasks.push(tokio::spawn(async move {
                gate.hash(
                    PasswordHashing::InsecureFastForTests,
                    "correct horse battery",
                )
                .await
            }));
        }
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => {}
                Err(ServerError::Busy(_)) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(gate.peak_concurrency() <= 2, "{}", gate.peak_concurrency());
        assert!(gate.peak_concurrency() >= 1);
        assert!(busy < 40);
    }
}
