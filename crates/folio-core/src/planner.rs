//! The planner: keywords (import, lists, bulk changes), clusters, ideas and the keyword library.

pub mod cluster_edits;
pub mod clusters;
pub mod embedding_cache;
pub mod ideas;
pub mod keyword_file;
pub mod keyword_import;
pub mod keywords;
pub mod offline_clustering;
pub mod scope;
pub mod seed_keywords;
pub mod seed_to_site;
pub mod similar;
