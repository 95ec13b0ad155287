//! The UI's only way to the shell: [`invoke`] calls a command of the typed contract
//! (`folio_model::ipc`), [`use_event`] listens to one of its events (long work reports through
//! `job-progress`), [`use_invoke`] loads something once per key, and [`use_stage_run`] follows a
//! pipeline stage's run (estimate, job steps, cancel, the run itself).

mod events;
mod invoke;
mod stage_run;

pub use events::use_event;
pub use invoke::{invoke, use_invoke};
pub use stage_run::{use_stage_run, StageRunCallbacks};
