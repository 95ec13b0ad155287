//! One module per page.

pub mod content;
pub mod keywords;
pub mod models;
pub mod providers;
pub mod publish_panel;
pub mod settings;
pub mod site_detail;
pub mod sites;
pub mod usage;
