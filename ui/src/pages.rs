//! One folder per page, each with its reducer state beside its views. Pages never import from
//! each other: what two pages share is a component (`components/`), a form helper (`forms.rs`)
//! or a format (`format.rs`).

pub mod automation;
pub mod calendar;
pub mod clusters;
pub mod content;
pub mod dashboard;
pub mod first_run;
pub mod ideas;
pub mod keywords;
pub mod queue;
pub mod review;
pub mod settings;
pub mod site_detail;
pub mod sites;
pub mod usage;
