//! Keywords: search intent and the formats of keyword-tool exports Folio imports.

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
