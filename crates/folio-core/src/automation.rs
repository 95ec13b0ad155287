//! Automation (DESIGN §6, issue 16): a site's seven stages — cluster, ideas, queue, write,
//! images, approval, schedule — run unattended as one resumable run.
//!
//! - [`runner`]: one run per site across processes (the job system's exclusive lock), resumed
//!   where it stopped or started behind the credit gate (1.2× [`estimate`]), and the rules that
//!   stop it: pause/cancel from any process ([`control`]), maximum runtime, the balance or the
//!   per-run cap running out, three provider failures in a row, stop-on-error.
//! - [`stages`]: each stage chooses its items once per run and works through them; the AI
//!   stages are the pipeline's own runs, so a saved item is never paid for again.
//! - [`runs`]: the device-local run rows and item log, written item by item.
//! - [`schedule`]: days and a time in the site's timezone; a missed slot runs once.
//!
//! Tests: `crates/folio-core/tests/automation.rs`, `crates/folio-cli/tests/cli_automation.rs`
//! (incl. `kill -9` at random instants), `tests/e2e_automation.rs`.

pub mod control;
pub mod estimate;
pub mod runner;
pub mod runs;
pub mod schedule;
mod stages;
