//! The writer: tasks, articles (content and its status moves), their images and files, categories
//! and tags, and the slug/HTML text helpers.

pub mod attach_image;
pub mod content;
pub mod content_status;
pub mod html;
pub mod image_files;
pub mod images;
pub mod quality_report;
pub mod tasks;
pub mod terms;
