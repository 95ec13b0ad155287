//! The writer: tasks, content (articles), their images and their categories and tags.

use crate::ai_config::choice_enum;
use crate::ids::{ClusterId, ContentId, IdeaId, ImageId, SectorId, SiteId, TaskId, TermId};
use crate::planner::{ContentStructure, ContentType};
use crate::status::{ContentStatus, ImageStatus, SiteStatus, TaskStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A writing assignment: what to write, for which cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub site_id: SiteId,
    pub sector_id: SectorId,
    pub cluster_id: ClusterId,
    pub idea_id: Option<IdeaId>,
    pub title: String,
    pub brief: String,
    pub primary_keyword: String,
    pub secondary_keywords: Vec<String>,
    pub content_type: ContentType,
    pub content_structure: ContentStructure,
    pub target_word_count: Option<u32>,
    pub status: TaskStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    pub site: SiteId,
    pub sector: SectorId,
    /// Must be in the same site and sector.
    pub cluster: ClusterId,
    /// Must be an idea of the same cluster.
    #[serde(default)]
    pub idea: Option<IdeaId>,
    pub title: String,
    #[serde(default)]
    pub brief: String,
    #[serde(default)]
    pub primary_keyword: String,
    #[serde(default)]
    pub secondary_keywords: Vec<String>,
    #[serde(default)]
    pub content_type: ContentType,
    #[serde(default)]
    pub content_structure: ContentStructure,
    #[serde(default)]
    pub target_word_count: Option<u32>,
}

impl NewTask {
    pub fn new(
        site: SiteId,
        sector: SectorId,
        cluster: ClusterId,
        title: impl Into<String>,
    ) -> Self {
        Self {
            site,
            sector,
            cluster,
            idea: None,
            title: title.into(),
            brief: String::new(),
            primary_keyword: String::new(),
            secondary_keywords: Vec::new(),
            content_type: ContentType::default(),
            content_structure: ContentStructure::default(),
            target_word_count: None,
        }
    }
}

/// An article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub id: ContentId,
    pub site_id: SiteId,
    pub sector_id: SectorId,
    pub task_id: Option<TaskId>,
    pub cluster_id: Option<ClusterId>,
    pub title: String,
    /// The article body: HTML without an H1 (the title is separate) and without images.
    pub body_html: String,
    pub excerpt: String,
    pub meta_title: String,
    pub meta_description: String,
    /// Unique in the site.
    pub slug: String,
    /// Words of the body's text.
    pub word_count: u32,
    pub content_type: ContentType,
    pub content_structure: ContentStructure,
    pub status: ContentStatus,
    pub site_status: SiteStatus,
    pub site_status_updated_at: Option<DateTime<Utc>>,
    pub scheduled_publish_at: Option<DateTime<Utc>>,
    /// The WordPress post id, once published.
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Words a reader gets through in a minute, for reading times.
pub const READING_WORDS_PER_MINUTE: u32 = 230;

impl Content {
    /// Minutes a reader needs for the body (at least one for any text).
    pub fn reading_minutes(&self) -> u32 {
        reading_minutes(self.word_count)
    }
}

/// Minutes to read `words` words, rounded up.
pub fn reading_minutes(words: u32) -> u32 {
    words.div_ceil(READING_WORDS_PER_MINUTE)
}

/// An article as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentSummary {
    pub id: ContentId,
    pub site_id: SiteId,
    pub sector_id: SectorId,
    pub title: String,
    pub slug: String,
    pub word_count: u32,
    pub status: ContentStatus,
    pub site_status: SiteStatus,
    pub scheduled_publish_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A hand-written article. Without a sector it goes to the site's first sector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContent {
    pub site: SiteId,
    #[serde(default)]
    pub sector: Option<SectorId>,
    pub title: String,
    #[serde(default)]
    pub body_html: Option<String>,
}

/// The article written for a task (the writer's output); the task then counts as completed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskContent {
    pub title: String,
    pub body_html: String,
    #[serde(default)]
    pub excerpt: String,
    #[serde(default)]
    pub meta_title: String,
    #[serde(default)]
    pub meta_description: String,
    /// Empty: derived from the title.
    #[serde(default)]
    pub slug: String,
}

/// Changes to an article; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentUpdate {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body_html: Option<String>,
    #[serde(default)]
    pub excerpt: Option<String>,
    #[serde(default)]
    pub meta_title: Option<String>,
    #[serde(default)]
    pub meta_description: Option<String>,
    /// An empty slug is derived from the title again.
    #[serde(default)]
    pub slug: Option<String>,
    /// The body the edit started from (the editor's): when the stored body has changed since
    /// (another device, the CLI), the new body is merged with it block by block instead of
    /// replacing it. `None`: the new body replaces the stored one.
    #[serde(default)]
    pub base_html: Option<String>,
}

/// Which articles of a site to list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentFilter {
    pub site: SiteId,
    #[serde(default)]
    pub sector: Option<SectorId>,
    #[serde(default)]
    pub status: Option<ContentStatus>,
    #[serde(default)]
    pub site_status: Option<SiteStatus>,
}

impl ContentFilter {
    pub fn site(site: SiteId) -> Self {
        Self {
            site,
            sector: None,
            status: None,
            site_status: None,
        }
    }
}

/// A change of where an article stands on its WordPress site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteStatusChange {
    pub to: SiteStatus,
    /// Required for `scheduled`.
    #[serde(default)]
    pub scheduled_publish_at: Option<DateTime<Utc>>,
    /// Required for `published`: the post id and its URL.
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub external_url: Option<String>,
}

choice_enum! {
    ImageType, "image type" { Featured = "featured", InArticle = "in_article" }
}

/// An image of an article: a prompt until generated, then a file or a URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub id: ImageId,
    pub content_id: ContentId,
    pub image_type: ImageType,
    pub url: Option<String>,
    /// The file, relative to the data directory (`images/ab/ab12….png`), once attached or
    /// downloaded. Image rows sync between devices, their bytes do not: the file may exist only
    /// on the device that stored it.
    pub local_path: Option<String>,
    pub alt_text: String,
    pub caption: String,
    /// In-article images are placed in order of position, one per H2 section, 0-based: position 0
    /// goes with the first H2. Featured images are at 0.
    pub position: u32,
    pub prompt: String,
    /// Who generated it (`openai`, `runware`), once generated.
    pub provider: Option<String>,
    pub status: ImageStatus,
    pub created_at: DateTime<Utc>,
    /// The WordPress media id, once uploaded to the article's site.
    #[serde(default)]
    pub external_media_id: Option<i64>,
}

impl Image {
    pub fn is_featured(&self) -> bool {
        self.image_type == ImageType::Featured
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewImage {
    pub content: ContentId,
    pub image_type: ImageType,
    #[serde(default)]
    pub position: u32,
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub alt_text: String,
    #[serde(default)]
    pub caption: String,
}

/// An image file a writer attaches by hand to an article (`folio content attach-image`, the
/// article page in the app). The shell reads the file; core checks and stores the bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachImage {
    pub content: ContentId,
    /// The name the file had; only its extension is a hint, the bytes decide the format.
    #[serde(default)]
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Replaces the article's featured image if it has one; otherwise the image goes after the
    /// article's last in-article image.
    #[serde(default)]
    pub featured: bool,
    /// Empty: the article's title (WordPress needs alt text for accessibility).
    #[serde(default)]
    pub alt_text: String,
    #[serde(default)]
    pub caption: String,
}

/// The result of generating an image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageResult {
    pub to: ImageStatus,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub local_path: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
}

choice_enum! {
    TaxonomyType, "taxonomy" { Category = "category", Tag = "tag" }
}

/// A category or tag of a site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub id: TermId,
    pub site_id: SiteId,
    pub taxonomy: TaxonomyType,
    pub name: String,
    pub slug: String,
    /// The WordPress term id, once known.
    pub external_id: Option<i64>,
}

/// A category or tag an article may carry, for choosing on its page: the site's own terms and
/// its WordPress site's (as last fetched), once each by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermChoice {
    pub taxonomy: TaxonomyType,
    pub name: String,
    /// The article carries it.
    pub chosen: bool,
    /// The WordPress site has it already (else publishing creates it there).
    pub on_wordpress: bool,
}

/// A category or tag named for an article (an existing one, or a new one to create).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermName {
    pub taxonomy: TaxonomyType,
    pub name: String,
}

#[cfg(test)]
mod reading_tests {
    use super::*;

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_minutes(0), 0);
        assert_eq!(reading_minutes(1), 1);
        assert_eq!(reading_minutes(230), 1);
        assert_eq!(reading_minutes(1500), 7);
    }
}

/// An article waiting for a person's approval, with what the quality gate found
/// (`folio review list`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub article: ContentSummary,
    /// `None` while the article has no report yet (one is made when it is checked).
    pub quality: Option<crate::quality::QualityReport>,
}
