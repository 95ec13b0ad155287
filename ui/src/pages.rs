//! One module per page.

pub mod keywords;
pub mod sites;
