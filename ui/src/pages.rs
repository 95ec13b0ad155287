//! One module per page.

pub mod sites;
