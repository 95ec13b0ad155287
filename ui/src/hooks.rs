//! The UI's only way to the shell: [`invoke`] calls a command of the typed contract
//! (`folio_model::ipc`), [`use_event`] listens to one of its events (long work reports through
//! `job-progress`), and [`use_invoke`] loads something once per key.

mod events;
mod invoke;

pub use events::use_event;
pub use invoke::{invoke, use_invoke};
