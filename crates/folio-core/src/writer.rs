//! The writer: tasks, articles (content and its status moves), their images and files, categories
//! and tags, the slug/HTML text helpers, the sanitiser every stored body goes through and the
//! quality gate articles pass before approval.

pub mod attach_image;
pub mod content;
pub mod content_status;
pub mod html;
pub mod image_files;
pub mod image_refs;
pub mod images;
pub mod merge;
pub mod quality_gate;
pub mod quality_report;
pub mod review;
pub mod revisions;
pub mod sanitize;
pub mod sections;
pub mod tasks;
pub mod terms;
