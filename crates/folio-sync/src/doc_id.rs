//! Document ids: `account/{id}`, `site/{id}`, `site/{id}/keywords/{bucket}`, `site/{id}/plan`,
//! `site/{id}/articles`, `article/{id}` — bounded documents, never one per entity and never one
//! per account. The server authorises by the account and site an id names, so parsing is strict:
//! anything else is not a document.

use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// Keywords of a site are spread over this many documents (≤ ~10k keywords each at 100k), fixed
/// for the life of a site: re-bucketing cannot be made atomic across documents.
pub const KEYWORD_BUCKETS: u16 = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    /// Account settings, people, the site index.
    Account,
    /// Site settings, sectors, publishing and automation config.
    Site,
    /// One bucket of a site's keywords and the decisions on them.
    Keywords,
    /// Clusters, ideas and tasks of a site.
    Plan,
    /// The article index of a site.
    Articles,
    /// One article: body and metadata, loaded lazily.
    Article,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Account => "account",
            DocKind::Site => "site",
            DocKind::Keywords => "keywords",
            DocKind::Plan => "plan",
            DocKind::Articles => "articles",
            DocKind::Article => "article",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A document's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocId {
    Account(Uuid),
    Site(Uuid),
    Keywords { site: Uuid, bucket: u16 },
    Plan(Uuid),
    Articles(Uuid),
    Article(Uuid),
}

impl DocId {
    pub fn kind(&self) -> DocKind {
        match self {
            DocId::Account(_) => DocKind::Account,
            DocId::Site(_) => DocKind::Site,
            DocId::Keywords { .. } => DocKind::Keywords,
            DocId::Plan(_) => DocKind::Plan,
            DocId::Articles(_) => DocKind::Articles,
            DocId::Article(_) => DocKind::Article,
        }
    }

    /// The site a document belongs to, when it is a site document (articles are mapped to their
    /// site by the server's document table, since their id does not say).
    pub fn site(&self) -> Option<Uuid> {
        match self {
            DocId::Site(s) | DocId::Plan(s) | DocId::Articles(s) => Some(*s),
            DocId::Keywords { site, .. } => Some(*site),
            DocId::Account(_) | DocId::Article(_) => None,
        }
    }

    /// The keyword document a keyword id belongs in: a stable hash of the id, so every device
    /// puts a keyword in the same bucket without coordination.
    pub fn keyword_bucket(site: Uuid, keyword: Uuid) -> DocId {
        // FNV-1a over the id's bytes: stable across platforms and versions, unlike std's hasher.
        let mut h: u32 = 0x811c_9dc5;
        for b in keyword.as_bytes() {
            h ^= u32::from(*b);
            h = h.wrapping_mul(0x0100_0193);
        }
        DocId::Keywords {
            site,
            bucket: (h % u32::from(KEYWORD_BUCKETS)) as u16,
        }
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocId::Account(a) => write!(f, "account/{a}"),
            DocId::Site(s) => write!(f, "site/{s}"),
            DocId::Keywords { site, bucket } => write!(f, "site/{site}/keywords/{bucket}"),
            DocId::Plan(s) => write!(f, "site/{s}/plan"),
            DocId::Articles(s) => write!(f, "site/{s}/articles"),
            DocId::Article(a) => write!(f, "article/{a}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a Folio document id")]
pub struct BadDocId(pub String);

impl FromStr for DocId {
    type Err = BadDocId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadDocId(s.chars().take(120).collect());
        // Only canonical (lowercase, hyphenated) UUIDs, so one document has one spelling.
        let id = |part: &str| {
            Uuid::parse_str(part)
                .ok()
                .filter(|u| u.hyphenated().to_string() == part)
                .ok_or_else(bad)
        };
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            ["account", a] => Ok(DocId::Account(id(a)?)),
            ["site", site] => Ok(DocId::Site(id(site)?)),
            ["site", site, "plan"] => Ok(DocId::Plan(id(site)?)),
            ["site", site, "articles"] => Ok(DocId::Articles(id(site)?)),
            ["site", site, "keywords", bucket] => {
                // "01", "+1" parse as numbers but are not the canonical spelling
                let bucket = bucket
                    .parse::<u16>()
                    .ok()
                    .filter(|b| *b < KEYWORD_BUCKETS && b.to_string() == *bucket)
                    .ok_or_else(bad)?;
                Ok(DocId::Keywords {
                    site: id(site)?,
                    bucket,
                })
            }
            ["article", a] => Ok(DocId::Article(id(a)?)),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_everything_else() {
        let u = Uuid::now_v7();
        for id in [
            DocId::Account(u),
            DocId::Site(u),
            DocId::Keywords {
                site: u,
                bucket: 15,
            },
            DocId::Plan(u),
            DocId::Articles(u),
            DocId::Article(u),
        ] {
            assert_eq!(id.to_string().parse::<DocId>(), Ok(id));
        }
        for bad in [
            "".to_string(),
            "account".into(),
            format!("account/{u}/x"),
            format!("account/{}", u.to_string().to_uppercase()),
            format!("account/{}", u.simple()),
            format!("site/{u}/keywords/16"),
            format!("site/{u}/keywords/01"),
            format!("site/{u}/keywords/+1"),
            format!("site/{u}/keywords/-1"),
            format!("site/{u}/plans"),
            format!("/site/{u}"),
            format!("user/{u}"),
        ] {
            assert!(bad.parse::<DocId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn keyword_buckets_are_stable_and_spread() {
        let site = Uuid::now_v7();
        let k = Uuid::parse_str("0192e7a4-1234-7000-8000-00000000abcd").unwrap();
        assert_eq!(
            DocId::keyword_bucket(site, k),
            DocId::keyword_bucket(site, k)
        );
        let mut counts = [0u32; KEYWORD_BUCKETS as usize];
        for _ in 0..16_000 {
            if let DocId::Keywords { bucket, .. } = DocId::keyword_bucket(site, Uuid::now_v7()) {
                counts[bucket as usize] += 1;
            }
        }
        // UUIDv7s made in one burst share most bytes; the hash must still spread them.
        assert!(counts.iter().all(|&c| c > 600 && c < 1400), "{counts:?}");
    }
}
