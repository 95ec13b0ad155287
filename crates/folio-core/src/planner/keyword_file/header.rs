//! Header rows: which column holds what, and which tool wrote the file.
//!
//! Column names are compared by [`name_key`] (case, spacing and Unicode composition folded), so
//! `Keyword`, `keyword` and ` KEYWORD ` are the same column. Users toggle columns in every tool,
//! so nothing but the keyword column is required and unknown columns are ignored.

use crate::text::name_key;
use folio_model::KeywordFormat;

/// Keyword column names, best first (`Seed keyword` and `Parent Keyword` are not keyword columns).
const KEYWORD: &[&str] = &[
    "keyword",
    "keywords",
    "top queries",
    "query",
    "queries",
    "search query",
    "search term",
    "search terms",
];
/// A one-column header is only taken as a header when it is one of these; otherwise it is the
/// first keyword of a plain list.
const SINGLE_COLUMN_HEADER: &[&str] = &["keyword", "keywords", "top queries"];
/// `Global volume` (Ahrefs) is deliberately absent: it is not the market's volume.
const VOLUME: &[&str] = &[
    "volume",
    "search volume",
    "avg. monthly searches",
    "avg monthly searches",
    "average monthly searches",
    "monthly searches",
    "monthly volume",
];
/// Google Keyword Planner's `Competition (indexed value)` is not difficulty and is absent.
const DIFFICULTY: &[&str] = &[
    "keyword difficulty",
    "keyword difficulty index",
    "difficulty",
    "kd",
    "kd %",
    "kd%",
];
/// Exact names first, then prefixes (`CPC (USD)`, `Top of page bid (high range)`); Keyword
/// Planner's high bid is preferred to its low bid.
const CPC: &[&str] = &["cpc", "cost per click"];
const CPC_PREFIX: &[&str] = &[
    "cpc (",
    "top of page bid (high range)",
    "top of page bid (low range)",
];
const INTENT: &[&str] = &[
    "intent",
    "intents",
    "keyword intents",
    "keyword intent",
    "search intent",
];

/// Columns only Google Keyword Planner writes.
const GKP_MARKERS: &[&str] = &[
    "avg. monthly searches",
    "avg monthly searches",
    "competition (indexed value)",
    "three month change",
    "yoy change",
    "ad impression share",
    "in account?",
    "in plan?",
];
const GKP_PREFIX_MARKERS: &[&str] = &["top of page bid", "searches: "];
const AHREFS_MARKERS: &[&str] = &[
    "#",
    "kd",
    "difficulty",
    "country",
    "parent keyword",
    "global volume",
    "cps",
    "return rate",
    "last update",
    "first seen",
    "traffic potential",
    "global traffic potential",
    "intents",
    "languages",
    "category",
    "current organic traffic",
    "previous organic traffic",
    "organic traffic change",
    "current position",
    "position change",
    "current position kind",
    "previous position kind",
    "current url",
    "previous url",
    "branded",
    "local",
    "informational",
    "navigational",
    "commercial",
    "transactional",
];
const AHREFS_PREFIX_MARKERS: &[&str] = &["sv trend", "sv forecasting trend"];
const SEMRUSH_MARKERS: &[&str] = &[
    "intent",
    "trend",
    "keyword difficulty",
    "keyword difficulty index",
    "search volume",
    "competitive density",
    "number of results",
    "serp features by keyword",
    "keyword intents",
    "database",
    "seed keyword",
    "page",
    "topic",
    "page type",
    "tags",
    "click potential",
    "content references",
    "competitors",
    "position",
    "previous position",
    "url",
    "traffic",
    "traffic (%)",
    "traffic cost",
    "competition",
    "trends",
    "timestamp",
    "position type",
];
const SEMRUSH_PREFIX_MARKERS: &[&str] = &["cpc ("];

/// Where each value is found in a recognised header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Columns {
    pub keyword: usize,
    /// The keyword column as the file names it, for messages.
    pub keyword_name: String,
    pub volume: Option<usize>,
    pub difficulty: Option<usize>,
    pub cpc: Option<usize>,
    pub intent: Option<usize>,
    /// Ahrefs' true/false intent columns, in [`folio_model::Intent::ALL`] order.
    pub intent_flags: [Option<usize>; 4],
}

/// A recognised header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    pub format: KeywordFormat,
    pub columns: Columns,
}

/// Recognises a header row from its cells, or `None` when no cell names a keyword column.
pub(super) fn recognise<S: AsRef<str>>(cells: &[S]) -> Option<Header> {
    let names: Vec<String> = cells.iter().map(|c| name_key(c.as_ref())).collect();
    if names.len() == 1 && !SINGLE_COLUMN_HEADER.contains(&names[0].as_str()) {
        return None;
    }
    let keyword = find(&names, KEYWORD)?;
    let format = detect(&names);
    let flag = |name: &str| names.iter().position(|n| n == name);
    let columns = Columns {
        keyword,
        keyword_name: cells[keyword].as_ref().trim().to_owned(),
        volume: match format {
            // Impressions are not searches: Search Console has no volume.
            KeywordFormat::SearchConsole => None,
            _ => find(&names, VOLUME),
        },
        difficulty: find(&names, DIFFICULTY),
        cpc: find(&names, CPC).or_else(|| find_prefix(&names, CPC_PREFIX)),
        intent: find(&names, INTENT),
        intent_flags: [
            flag("informational"),
            flag("navigational"),
            flag("commercial"),
            flag("transactional"),
        ],
    };
    Some(Header { format, columns })
}

fn detect(names: &[String]) -> KeywordFormat {
    let has = |n: &str| names.iter().any(|x| x == n);
    let count = |exact: &[&str], prefixes: &[&str]| {
        names
            .iter()
            .filter(|n| exact.contains(&n.as_str()) || prefixes.iter().any(|p| n.starts_with(p)))
            .count()
    };
    if count(GKP_MARKERS, GKP_PREFIX_MARKERS) > 0 {
        return KeywordFormat::GoogleKeywordPlanner;
    }
    if has("top queries")
        || ((has("query") || has("queries")) && (has("impressions") || has("clicks")))
    {
        return KeywordFormat::SearchConsole;
    }
    let ahrefs = count(AHREFS_MARKERS, AHREFS_PREFIX_MARKERS);
    let semrush = count(SEMRUSH_MARKERS, SEMRUSH_PREFIX_MARKERS);
    if ahrefs == 0 && semrush == 0 {
        KeywordFormat::Plain
    } else if ahrefs > semrush {
        KeywordFormat::Ahrefs
    } else {
        KeywordFormat::Semrush
    }
}

/// The first column (in the file's order) bearing the best-ranked of `wanted`.
fn find(names: &[String], wanted: &[&str]) -> Option<usize> {
    wanted
        .iter()
        .find_map(|w| names.iter().position(|n| n == w))
}

fn find_prefix(names: &[String], prefixes: &[&str]) -> Option<usize> {
    prefixes
        .iter()
        .find_map(|p| names.iter().position(|n| n.starts_with(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_of(header: &str, delimiter: char) -> Option<KeywordFormat> {
        let cells: Vec<&str> = header.split(delimiter).collect();
        recognise(&cells).map(|h| h.format)
    }

    #[test]
    fn formats_from_headers_and_subsets() {
        use KeywordFormat::*;
        for (header, delimiter, want) in [
            ("Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results", ',', Semrush),
            ("keyword,volume,keyword difficulty", ',', Semrush),
            ("Keyword,Volume,CPC (GBP)", ',', Semrush),
            ("database;Keyword;Search Volume;Keyword Difficulty Index;Intent", ';', Semrush),
            ("Keyword,Position,Search Volume,Traffic,URL,Keyword Difficulty,CPC,Keyword Intents,SERP Features by Keyword", ',', Semrush),
            ("#,Keyword,Country,Difficulty,Volume,CPC,CPS,Parent Keyword,Last Update,SERP Features,Global volume", ',', Ahrefs),
            ("Keyword,Volume,KD,CPC", ',', Ahrefs),
            ("Keyword\tCurrency\tAvg. monthly searches\tCompetition", '\t', GoogleKeywordPlanner),
            ("Keyword\tSearches: Jan 2025", '\t', GoogleKeywordPlanner),
            ("Top queries,Clicks,Impressions,CTR,Position", ',', SearchConsole),
            ("Keyword", ',', Plain),
            ("Keyword,Volume", ',', Plain),
            ("Keyword,Notes", ',', Plain),
        ] {
            assert_eq!(format_of(header, delimiter), Some(want), "{header}");
        }
        assert_eq!(format_of("garden hoe", ','), None);
        assert_eq!(format_of("Top pages,Clicks,Impressions", ','), None);
    }

    #[test]
    fn never_global_volume_nor_competition() {
        let h = recognise(&["#", "Keyword", "Global volume", "Volume"]).unwrap();
        assert_eq!(h.columns.volume, Some(3));
        let h = recognise(&["Keyword", "Global volume"]).unwrap();
        assert_eq!(h.columns.volume, None);
        let h = recognise(&[
            "Keyword",
            "Competition (indexed value)",
            "Top of page bid (low range)",
            "Top of page bid (high range)",
        ])
        .unwrap();
        assert_eq!((h.columns.difficulty, h.columns.cpc), (None, Some(3)));
    }
}
