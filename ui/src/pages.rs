//! One module per page.

pub mod keywords;
pub mod site_detail;
pub mod sites;
