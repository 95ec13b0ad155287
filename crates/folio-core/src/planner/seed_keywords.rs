//! The keyword library: industries, their sectors and the seed keywords offered to sites.
//!
//! Seed keywords come as CSV in IGNY8's admin format,
//! `keyword,industry,sector,volume,difficulty,country,is_active` (columns in any order). Keyword,
//! industry and sector are required and the industry and sector must already exist; every
//! problem is reported with its line, and a file with any problem loads nothing.

use crate::store::db::not_found;
use crate::text::{name_key, tidy};
use crate::{CoreError, Folio, WriteTx};
use folio_model::{Industry, IndustrySector, SeedKeyword};
use std::collections::HashMap;
use std::fmt;

pub const SEED_CSV_COLUMNS: [&str; 7] = [
    "keyword",
    "industry",
    "sector",
    "volume",
    "difficulty",
    "country",
    "is_active",
];

/// At most this many problems are listed; a file with more is usually the wrong file.
const MAX_REPORTED_ERRORS: usize = 20;

/// The industries and sectors a CSV may name, keyed by folded name.
#[derive(Clone, Debug, Default)]
pub struct IndustryCatalog {
    /// industry key → (display name, sector key → sector id)
    industries: HashMap<String, (String, HashMap<String, String>)>,
}

impl IndustryCatalog {
    pub fn insert(&mut self, industry: &str, sector: &str, sector_id: &str) {
        self.industries
            .entry(name_key(industry))
            .or_insert_with(|| (tidy(industry), HashMap::new()))
            .1
            .insert(name_key(sector), sector_id.to_owned());
    }

    /// The id of a sector of an industry, by name (case and spacing ignored).
    pub fn sector_id(&self, industry: &str, sector: &str) -> Option<&str> {
        self.industries
            .get(&name_key(industry))
            .and_then(|(_, sectors)| sectors.get(&name_key(sector)))
            .map(String::as_str)
    }

    fn has_industry(&self, industry: &str) -> bool {
        self.industries.contains_key(&name_key(industry))
    }
}

/// A valid row, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedRow {
    /// 1-based line in the file.
    pub line: u64,
    pub sector_id: String,
    pub keyword: String,
    pub keyword_key: String,
    pub volume: Option<i64>,
    pub difficulty: Option<i32>,
    pub country: String,
    pub is_active: bool,
}

/// One problem in a seed keyword file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" | "y" => Some(true),
        "false" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// Parse and check a seed keyword CSV. Returns every valid row, or every problem found.
pub fn parse_seed_csv(
    text: &str,
    catalog: &IndustryCatalog,
) -> Result<Vec<SeedRow>, Vec<LineError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![LineError {
                line: 1,
                message: format!("cannot read the header: {e}"),
            }])
        }
    };
    let mut column = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        column.insert(name.trim().to_ascii_lowercase(), i);
    }
    let missing: Vec<&str> = SEED_CSV_COLUMNS
        .iter()
        .copied()
        .filter(|c| !column.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(vec![LineError {
            line: 1,
            message: format!(
                "the header lacks {}; it must name the columns {}",
                missing.join(", "),
                SEED_CSV_COLUMNS.join(",")
            ),
        }]);
    }
    let col = |name: &str| column.get(name).copied().unwrap_or(usize::MAX);
    // the csv crate does not count blank lines, so lines are counted from byte offsets
    let line_at = |byte: u64| {
        let bytes = text.as_bytes();
        let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        // a record's position includes the blank lines before it
        while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
    };

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    // (sector, keyword, country) → first line, to report duplicates
    let mut seen: HashMap<(String, String, String), u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| line_at(p.byte())).unwrap_or(0);
                errors.push(LineError {
                    line,
                    message: format!("cannot read the row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| line_at(p.byte())).unwrap_or(0);
        let get = |name: &str| record.get(col(name)).unwrap_or("").trim();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut fail = |message: String| errors.push(LineError { line, message });

        let keyword = tidy(get("keyword"));
        let industry = get("industry");
        let sector = get("sector");
        if keyword.is_empty() {
            fail("the keyword is missing".into());
            continue;
        }
        if industry.is_empty() {
            fail(format!("\u{201c}{keyword}\u{201d} has no industry"));
            continue;
        }
        if sector.is_empty() {
            fail(format!("\u{201c}{keyword}\u{201d} has no sector"));
            continue;
        }
        if !catalog.has_industry(industry) {
            fail(format!("the industry \u{201c}{industry}\u{201d} does not exist; add it before its keywords"));
            continue;
        }
        let Some(sector_id) = catalog.sector_id(industry, sector) else {
            fail(format!("the industry \u{201c}{industry}\u{201d} has no sector \u{201c}{sector}\u{201d}; add it before its keywords"));
            continue;
        };
        let volume = match get("volume") {
            "" => None,
            v => match v.replace(',', "").parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    fail(format!("volume {v:?} is not a whole number of 0 or more"));
                    continue;
                }
            },
        };
        let difficulty = match get("difficulty") {
            "" => None,
            v => match v.parse::<i32>() {
                Ok(n) if (0..=100).contains(&n) => Some(n),
                _ => {
                    fail(format!(
                        "difficulty {v:?} must be a whole number from 0 to 100"
                    ));
                    continue;
                }
            },
        };
        let country = match get("country") {
            "" => "US".to_owned(),
            c if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
                c.to_ascii_uppercase()
            }
            c => {
                fail(format!(
                    "country {c:?} must be a two-letter code such as US or GB"
                ));
                continue;
            }
        };
        let Some(is_active) = parse_bool(get("is_active")) else {
            fail(format!(
                "is_active {:?} must be True or False",
                get("is_active")
            ));
            continue;
        };
        let keyword_key = name_key(&keyword);
        let identity = (sector_id.to_owned(), keyword_key.clone(), country.clone());
        if let Some(first) = seen.get(&identity) {
            fail(format!(
                "\u{201c}{keyword}\u{201d} repeats line {first} (same sector and country)"
            ));
            continue;
        }
        seen.insert(identity, line);
        rows.push(SeedRow {
            line,
            sector_id: sector_id.to_owned(),
            keyword,
            keyword_key,
            volume,
            difficulty,
            country,
            is_active,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Insert or refresh seed keywords by (sector, keyword, country).
pub(crate) async fn upsert(tx: &mut WriteTx, rows: &[SeedRow]) -> Result<(), CoreError> {
    for r in rows {
        sqlx::query(
            "INSERT INTO seed_keywords (sector_id, keyword, keyword_key, volume, difficulty, country, is_active)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (sector_id, keyword_key, country) DO UPDATE SET keyword = excluded.keyword,
                 volume = excluded.volume, difficulty = excluded.difficulty,
                 is_active = excluded.is_active",
        )
        .bind(&r.sector_id)
        .bind(&r.keyword)
        .bind(&r.keyword_key)
        .bind(r.volume)
        .bind(r.difficulty)
        .bind(&r.country)
        .bind(r.is_active)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

fn describe(errors: &[LineError]) -> String {
    let mut shown: Vec<String> = errors
        .iter()
        .take(MAX_REPORTED_ERRORS)
        .map(ToString::to_string)
        .collect();
    if errors.len() > MAX_REPORTED_ERRORS {
        shown.push(format!("and {} more", errors.len() - MAX_REPORTED_ERRORS));
    }
    format!(
        "The seed keyword file has {} problem(s); nothing was loaded: {}",
        errors.len(),
        shown.join("; ")
    )
}

impl Folio {
    /// The keyword library's industries with their sectors, by name.
    pub async fn industries(&self) -> Result<Vec<Industry>, CoreError> {
        self.ensure_defaults().await?;
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT i.id, i.name, s.id, s.name FROM industries i
             JOIN industry_sectors s ON s.industry_id = i.id
             ORDER BY i.name COLLATE NOCASE, s.name COLLATE NOCASE",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<Industry> = Vec::new();
        for (industry_id, industry, sector_id, sector) in rows {
            if out.last().is_none_or(|i| i.id != industry_id) {
                out.push(Industry {
                    id: industry_id.clone(),
                    name: industry,
                    sectors: Vec::new(),
                });
            }
            if let Some(last) = out.last_mut() {
                last.sectors.push(IndustrySector {
                    id: sector_id,
                    industry_id,
                    name: sector,
                });
            }
        }
        Ok(out)
    }

    /// The active seed keywords of one library sector (`industry-slug/sector-slug`), by volume.
    pub async fn seed_keywords(&self, sector_id: &str) -> Result<Vec<SeedKeyword>, CoreError> {
        self.ensure_defaults().await?;
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM industry_sectors WHERE id = ?")
                .bind(sector_id)
                .fetch_optional(&self.pool)
                .await?;
        if exists.is_none() {
            return Err(not_found(format!("library sector {sector_id:?}")));
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            keyword: String,
            industry: String,
            sector: String,
            volume: Option<i64>,
            difficulty: Option<i32>,
            country: String,
            is_active: bool,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT k.keyword, i.name AS industry, s.name AS sector, k.volume, k.difficulty,
                    k.country, k.is_active
             FROM seed_keywords k JOIN industry_sectors s ON s.id = k.sector_id
             JOIN industries i ON i.id = s.industry_id
             WHERE k.sector_id = ? AND k.is_active = 1
             ORDER BY k.volume IS NULL, k.volume DESC, k.keyword_key",
        )
        .bind(sector_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SeedKeyword {
                keyword: r.keyword,
                industry: r.industry,
                sector: r.sector,
                volume: r.volume,
                difficulty: r.difficulty,
                country: r.country,
                is_active: r.is_active,
            })
            .collect())
    }

    /// Load a seed keyword CSV into the library (all or nothing). Returns the rows loaded.
    pub async fn load_seed_keywords(&self, csv_text: &str) -> Result<usize, CoreError> {
        self.ensure_defaults().await?;
        let mut tx = self.begin_write().await?;
        let sectors: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT i.name, s.name, s.id FROM industries i JOIN industry_sectors s ON s.industry_id = i.id",
        )
        .fetch_all(tx.conn())
        .await?;
        let mut catalog = IndustryCatalog::default();
        for (industry, sector, sector_id) in &sectors {
            catalog.insert(industry, sector, sector_id);
        }
        let rows = parse_seed_csv(csv_text, &catalog)
            .map_err(|errors| CoreError::invalid("file", describe(&errors)))?;
        upsert(&mut tx, &rows).await?;
        tx.commit().await?;
        Ok(rows.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> IndustryCatalog {
        let mut c = IndustryCatalog::default();
        c.insert(
            "Health & Wellness",
            "Massage Products",
            "health-wellness/massage-products",
        );
        c
    }

    #[test]
    fn a_valid_file_parses_with_defaults() {
        let csv = "\u{feff}keyword,industry,sector,volume,difficulty,country,is_active\n\
                   best massage chairs,Health & Wellness,Massage Products,\"5,400\",45,us,True\n\
                   \n\
                   neck massager,health &  wellness,MASSAGE PRODUCTS,,,,\n";
        let rows = parse_seed_csv(csv, &catalog()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].volume, Some(5400));
        assert_eq!(rows[0].country, "US");
        assert_eq!(rows[1].line, 4);
        assert_eq!(
            (rows[1].volume, rows[1].difficulty, rows[1].is_active),
            (None, None, true)
        );
        assert_eq!(rows[1].sector_id, "health-wellness/massage-products");
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let csv = "keyword,industry,sector,volume,difficulty,country,is_active\n\
                   ,Health & Wellness,Massage Products,1,1,US,True\n\
                   a,,Massage Products,1,1,US,True\n\
                   b,Health & Wellness,,1,1,US,True\n\
                   c,Finance,Loans,1,1,US,True\n\
                   d,Health & Wellness,Yoga,1,1,US,True\n\
                   e,Health & Wellness,Massage Products,-3,1,US,True\n\
                   f,Health & Wellness,Massage Products,1,101,US,True\n\
                   g,Health & Wellness,Massage Products,1,1,USA,True\n\
                   h,Health & Wellness,Massage Products,1,1,US,maybe\n\
                   i,Health & Wellness,Massage Products,1,1,US,True\n\
                   I,Health & Wellness,Massage Products,1,1,US,False\n";
        let errors = parse_seed_csv(csv, &catalog()).unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, (2..=10).chain([12]).collect::<Vec<_>>());
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text[0], "line 2: the keyword is missing");
        assert_eq!(text[3], "line 5: the industry \u{201c}Finance\u{201d} does not exist; add it before its keywords");
        assert!(
            text[4].contains("has no sector \u{201c}Yoga\u{201d}"),
            "{}",
            text[4]
        );
        assert_eq!(
            text[9],
            "line 12: \u{201c}I\u{201d} repeats line 11 (same sector and country)"
        );
    }

    #[test]
    fn a_header_without_the_columns_is_refused() {
        let errors = parse_seed_csv("keyword,volume\nx,1\n", &catalog()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        assert!(errors[0]
            .message
            .contains("lacks industry, sector, difficulty, country, is_active"));
    }
}
