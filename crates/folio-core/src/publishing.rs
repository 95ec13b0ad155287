//! Publishing: the WordPress connection (connect, doctor, structure) and publishing one article
//! (its body as block-editor blocks, images, terms, the post, SEO meta, records) — never a
//! second post; the scheduler that puts approved articles in a site's slots, and the calendar
//! of them.

pub mod blocks;
pub mod calendar;
pub mod connection;
pub(crate) mod marker;
pub mod media;
pub mod publisher;
pub mod records;
pub mod reschedule;
pub mod scheduler;
pub mod slots;
pub mod terms;
