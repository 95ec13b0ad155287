//! One module per page.

pub mod keywords;
pub mod settings;
pub mod site_detail;
pub mod sites;
