//! The writer: tasks, articles (content and its status moves), their images and files, categories
//! and tags, the slug/HTML text helpers and the sanitiser every stored body goes through.

pub mod attach_image;
pub mod content;
pub mod content_status;
pub mod html;
pub mod image_files;
pub mod images;
pub mod sanitize;
pub mod tasks;
pub mod terms;
