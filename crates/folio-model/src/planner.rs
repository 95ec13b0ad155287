//! The planner: clusters of keywords, content ideas with their outlines, and the global keyword
//! library (industries, their sectors and seed keywords).

use crate::ai_config::choice_enum;
use crate::ids::{ClusterId, IdeaId, KeywordId, SectorId, SiteId};
use crate::status::{ClusterStatus, IdeaStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

choice_enum! {
    /// What WordPress object a piece becomes.
    ContentType, "content type" {
        Post = "post", Page = "page", Product = "product", Taxonomy = "taxonomy",
    }
}

// choice_enum! derives a fixed set of traits, so the default is written out
#[allow(clippy::derivable_impls)]
impl Default for ContentType {
    fn default() -> Self {
        ContentType::Post
    }
}

choice_enum! {
    /// The shape of a piece; the same choices apply to ideas, tasks and content.
    ContentStructure, "content structure" {
        Article = "article",
        Guide = "guide",
        Comparison = "comparison",
        Review = "review",
        Listicle = "listicle",
        LandingPage = "landing_page",
        BusinessPage = "business_page",
        ServicePage = "service_page",
        General = "general",
        ClusterHub = "cluster_hub",
        ProductPage = "product_page",
        CategoryArchive = "category_archive",
        TagArchive = "tag_archive",
        AttributeArchive = "attribute_archive",
    }
}

#[allow(clippy::derivable_impls)]
impl Default for ContentStructure {
    fn default() -> Self {
        ContentStructure::Article
    }
}

/// A group of keywords one article (or a hub of articles) can serve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub id: ClusterId,
    pub site_id: SiteId,
    pub sector_id: SectorId,
    pub name: String,
    pub description: String,
    pub status: ClusterStatus,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCluster {
    pub site: SiteId,
    pub sector: SectorId,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl NewCluster {
    pub fn new(site: SiteId, sector: SectorId, name: impl Into<String>) -> Self {
        Self {
            site,
            sector,
            name: name.into(),
            description: String::new(),
        }
    }
}

/// One H2 section of an idea's outline, kept in full (IGNY8 lost these; Folio does not).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineSection {
    pub heading: String,
    /// What the section covers.
    #[serde(default)]
    pub notes: String,
    /// H3s under it, if the plan has them.
    #[serde(default)]
    pub subheadings: Vec<String>,
    /// How the section is written: paragraphs, a list or a table.
    #[serde(default)]
    pub format: SectionFormat,
    /// Keywords the section should use (texts, from the idea's cluster).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The section's share of the article's words; `None`: an even share.
    #[serde(default)]
    pub target_words: Option<u32>,
}

/// How an outline section is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionFormat {
    #[default]
    Paragraphs,
    List,
    Table,
}

impl SectionFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SectionFormat::Paragraphs => "paragraphs",
            SectionFormat::List => "list",
            SectionFormat::Table => "table",
        }
    }
}

/// A planned article for a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentIdea {
    pub id: IdeaId,
    pub site_id: SiteId,
    pub sector_id: SectorId,
    pub cluster_id: ClusterId,
    pub title: String,
    pub description: String,
    pub primary_keyword: Option<KeywordId>,
    pub secondary_keywords: Vec<KeywordId>,
    pub content_type: ContentType,
    pub content_structure: ContentStructure,
    pub target_word_count: Option<u32>,
    pub outline: Vec<OutlineSection>,
    /// Questions for the article's FAQ.
    #[serde(default)]
    pub faq: Vec<String>,
    /// Rejected ideas stay for the record but are never queued.
    #[serde(default)]
    pub rejected: bool,
    pub status: IdeaStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIdea {
    pub site: SiteId,
    pub sector: SectorId,
    /// Must be in the same site and sector.
    pub cluster: ClusterId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Keywords must be in the same site and sector.
    #[serde(default)]
    pub primary_keyword: Option<KeywordId>,
    #[serde(default)]
    pub secondary_keywords: Vec<KeywordId>,
    #[serde(default)]
    pub content_type: ContentType,
    #[serde(default)]
    pub content_structure: ContentStructure,
    #[serde(default)]
    pub target_word_count: Option<u32>,
    #[serde(default)]
    pub outline: Vec<OutlineSection>,
    #[serde(default)]
    pub faq: Vec<String>,
}

impl NewIdea {
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
            title: title.into(),
            description: String::new(),
            primary_keyword: None,
            secondary_keywords: Vec::new(),
            content_type: ContentType::default(),
            content_structure: ContentStructure::default(),
            target_word_count: None,
            outline: Vec::new(),
            faq: Vec::new(),
        }
    }
}

/// An industry of the keyword library, with its sectors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Industry {
    /// A stable slug (`home-garden`).
    pub id: String,
    pub name: String,
    pub sectors: Vec<IndustrySector>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndustrySector {
    /// `industry-slug/sector-slug`.
    pub id: String,
    pub industry_id: String,
    pub name: String,
}

/// A keyword of the global library, offered to sites in matching sectors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedKeyword {
    pub keyword: String,
    pub industry: String,
    pub sector: String,
    pub volume: Option<i64>,
    /// 0–100.
    pub difficulty: Option<i32>,
    /// ISO 3166-1 alpha-2, uppercase.
    pub country: String,
    pub is_active: bool,
}

/// A cluster as lists show it: its keywords counted and summed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub cluster: Cluster,
    pub keywords: u64,
    /// Summed search volume of its keywords (those with a volume).
    pub volume: i64,
    /// Mean difficulty of its keywords that have one.
    pub avg_difficulty: Option<f64>,
    /// Ideas planned from it.
    pub ideas: u64,
}
