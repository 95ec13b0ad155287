//! Keywords: search intent and the formats of keyword-tool exports Folio imports.

use crate::ids::{ClusterId, ImportId, KeywordId, SectorId, SiteId};
use crate::status::KeywordStatus;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Search intent, as keyword tools classify it (Semrush's codes 0–3 map onto these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Informational,
    Navigational,
    Commercial,
    Transactional,
}

impl Intent {
    pub const ALL: [Intent; 4] = [
        Intent::Informational,
        Intent::Navigational,
        Intent::Commercial,
        Intent::Transactional,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Informational => "informational",
            Intent::Navigational => "navigational",
            Intent::Commercial => "commercial",
            Intent::Transactional => "transactional",
        }
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Intent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL
            .into_iter()
            .find(|i| i.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown intent {s:?}; use informational, navigational, commercial or transactional")
            })
    }
}

/// The source a keyword file was recognised as, from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeywordFormat {
    Semrush,
    Ahrefs,
    GoogleKeywordPlanner,
    SearchConsole,
    Plain,
}

impl KeywordFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            KeywordFormat::Semrush => "semrush",
            KeywordFormat::Ahrefs => "ahrefs",
            KeywordFormat::GoogleKeywordPlanner => "google_keyword_planner",
            KeywordFormat::SearchConsole => "search_console",
            KeywordFormat::Plain => "plain",
        }
    }
}

impl fmt::Display for KeywordFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an import did. `rejected` lists every row that was not imported, with its line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordImportReport {
    pub import_id: ImportId,
    pub site_id: SiteId,
    pub sector_id: SectorId,
    pub format: KeywordFormat,
    pub imported: u64,
    /// Rows skipped because the keyword was already in the file or in the site and sector.
    pub duplicates: u64,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub line: u64,
    pub reason: String,
}

/// One keyword as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordRow {
    pub id: KeywordId,
    pub keyword: String,
    pub volume: Option<i64>,
    pub difficulty: Option<i32>,
    /// Cost per click, exact, as a decimal string in JSON ("1.35").
    pub cpc: Option<Decimal>,
    pub intent: Option<Intent>,
    pub status: KeywordStatus,
    pub cluster_id: Option<ClusterId>,
    pub sector_id: SectorId,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordPage {
    /// How many keywords match the filter, across all pages.
    pub total: u64,
    pub items: Vec<KeywordRow>,
}

/// Which keywords of a site an operation is about. Every field narrows the set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordFilter {
    pub site: SiteId,
    #[serde(default)]
    pub sector: Option<SectorId>,
    #[serde(default)]
    pub status: Option<KeywordStatus>,
    #[serde(default)]
    pub cluster: Option<ClusterId>,
    #[serde(default)]
    pub intent: Option<Intent>,
    #[serde(default)]
    pub min_volume: Option<i64>,
    #[serde(default)]
    pub max_volume: Option<i64>,
    #[serde(default)]
    pub min_difficulty: Option<i32>,
    #[serde(default)]
    pub max_difficulty: Option<i32>,
    /// Words that must all appear in the keyword (each also matches as a prefix: "gard" finds
    /// "garden").
    #[serde(default)]
    pub search: Option<String>,
    /// Exactly these keywords (still within the site and the other filters).
    #[serde(default)]
    pub ids: Option<Vec<KeywordId>>,
}

impl KeywordFilter {
    pub fn site(site: SiteId) -> Self {
        Self {
            site,
            sector: None,
            status: None,
            cluster: None,
            intent: None,
            min_volume: None,
            max_volume: None,
            min_difficulty: None,
            max_difficulty: None,
            search: None,
            ids: None,
        }
    }

    /// Whether anything narrows the set beyond the site (bulk changes demand it).
    pub fn is_narrowed(&self) -> bool {
        self.sector.is_some()
            || self.status.is_some()
            || self.cluster.is_some()
            || self.intent.is_some()
            || self.min_volume.is_some()
            || self.max_volume.is_some()
            || self.min_difficulty.is_some()
            || self.max_difficulty.is_some()
            || self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
            || self.ids.is_some()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeywordSortField {
    Keyword,
    Volume,
    Difficulty,
    Cpc,
    Intent,
    Status,
    /// Import order.
    Created,
}

impl KeywordSortField {
    pub const ALL: [KeywordSortField; 7] = [
        KeywordSortField::Keyword,
        KeywordSortField::Volume,
        KeywordSortField::Difficulty,
        KeywordSortField::Cpc,
        KeywordSortField::Intent,
        KeywordSortField::Status,
        KeywordSortField::Created,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KeywordSortField::Keyword => "keyword",
            KeywordSortField::Volume => "volume",
            KeywordSortField::Difficulty => "difficulty",
            KeywordSortField::Cpc => "cpc",
            KeywordSortField::Intent => "intent",
            KeywordSortField::Status => "status",
            KeywordSortField::Created => "created",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordSort {
    pub field: KeywordSortField,
    pub descending: bool,
}

impl Default for KeywordSort {
    fn default() -> Self {
        Self {
            field: KeywordSortField::Volume,
            descending: true,
        }
    }
}

impl FromStr for KeywordSort {
    type Err = String;
    /// `FIELD` or `FIELD:asc|desc`, e.g. `volume:desc`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (field, dir) = s.split_once(':').unwrap_or((s, "asc"));
        let field = KeywordSortField::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(field.trim()))
            .ok_or_else(|| {
                let names: Vec<_> = KeywordSortField::ALL.iter().map(|f| f.as_str()).collect();
                format!("cannot sort by {field:?}; use one of {}", names.join(", "))
            })?;
        let descending = match dir.trim().to_ascii_lowercase().as_str() {
            "asc" => false,
            "desc" => true,
            other => return Err(format!("sort direction {other:?} must be asc or desc")),
        };
        Ok(Self { field, descending })
    }
}

/// A page of a filtered, sorted keyword list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordQuery {
    pub filter: KeywordFilter,
    #[serde(default)]
    pub sort: KeywordSort,
    #[serde(default = "default_limit")]
    pub limit: u32,
    #[serde(default)]
    pub offset: u64,
}

/// The largest page a query returns.
pub const MAX_KEYWORD_PAGE: u32 = 1000;

fn default_limit() -> u32 {
    50
}

/// A bulk change to the keywords a filter selects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum KeywordBulkAction {
    Delete,
    SetStatus {
        status: KeywordStatus,
    },
    /// `None` takes them out of their cluster.
    AssignCluster {
        cluster: Option<ClusterId>,
    },
}
