//! Sites and their sectors.

use crate::ids::{AccountId, SectorId, SiteId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The seed allows 1 to 5 sectors per site.
pub const MAX_SECTORS_PER_SITE: usize = 5;

/// A request to create a site, as typed by a person. Core validates and normalises it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSite {
    pub name: String,
    /// A bare domain (`example.com`) or a site URL (`https://example.com/blog`).
    pub domain: String,
    /// Sector names; empty means one default sector.
    #[serde(default)]
    pub sectors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sector {
    pub id: SectorId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteId,
    pub account_id: AccountId,
    pub name: String,
    pub domain: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub sectors: Vec<Sector>,
}

/// A page of sites, shaped like every list Folio returns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteList {
    pub items: Vec<Site>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_site_without_sectors_deserialises_to_an_empty_list() {
        let n: NewSite = serde_json::from_str(r#"{"name":"A","domain":"a.com"}"#).unwrap();
        assert!(n.sectors.is_empty());
    }
}
