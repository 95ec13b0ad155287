//! Long work — keyword imports, provider tests, publishing, later the pipeline and automation —
//! runs as a job (DESIGN §1a): an id, a kind, a scope, a cancellation token and a progress
//! stream, in one registry per open store ([`Folio::jobs`](crate::Folio::jobs)).
//!
//! - **Progress**: a job reports [`JobProgress`](folio_model::JobProgress) steps; the registry
//!   fans them out to subscribers (the app's `job-progress` event, the CLI's bars) and keeps the
//!   latest for [`Jobs::list`]. The last step of every job is `finished`, `failed` (with the
//!   reason) or `cancelled` — even when the code running it returned early or panicked.
//! - **Cancel**: [`Jobs::cancel`] trips the job's token; the operation notices at its next
//!   checkpoint and stops (an import rolls back; a publish stops before its next request).
//! - **Exclusive kinds** (importing into one sector, publishing one article) allow one job per
//!   scope **across processes**: the app and the CLI on the same data directory both hold an OS
//!   file lock in `jobs/` ([`lock`]), which the OS releases when its process exits — however it
//!   exits, `kill -9` included — so a crashed holder's lock is simply taken over.
//!
//! Tests: `crates/folio-core/tests/jobs.rs` (registry, cancel, exclusivity, take-over) and
//! `crates/folio-cli/tests/cli_jobs.rs` (a second `folio` process refused, a killed one taken
//! over, Ctrl-C).

pub mod lock;
pub(crate) mod own_thread;
pub mod registry;

pub use registry::{Job, JobReporter, Jobs, ProgressObserver};
