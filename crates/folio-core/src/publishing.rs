//! Publishing: the WordPress connection (connect, doctor, structure) and publishing one article
//! (its body as block-editor blocks, images, terms, the post, SEO meta, records) — never a
//! second post.

pub mod blocks;
pub mod connection;
pub(crate) mod marker;
pub mod media;
pub mod publisher;
pub mod records;
pub mod scheduler;
pub mod slots;
pub mod terms;
