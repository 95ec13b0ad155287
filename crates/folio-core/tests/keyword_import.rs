//! Parsing real-looking keyword-tool exports (fixtures in `fixtures/keyword-exports/`, written by
//! its `generate.py`): formats, encodings, values, intents, duplicates, rejected lines, errors.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::planner::keyword_file::{
    parse_keyword_file, ImportError, ParsedImport, ParsedKeyword, RejectedLine,
};
use folio_model::{Intent, KeywordFormat};
use rust_decimal::Decimal;
use std::path::PathBuf;

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/keyword-exports",
        name,
    ]
    .iter()
    .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str) -> ParsedImport {
    parse_keyword_file(&fixture_bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn error(name: &str) -> ImportError {
    parse_keyword_file(&fixture_bytes(name)).expect_err(name)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// (line, keyword, volume, difficulty, cpc, intent) of every row.
type Row<'a> = (
    usize,
    &'a str,
    Option<i64>,
    Option<i32>,
    Option<&'a str>,
    Option<Intent>,
);

fn rows(import: &ParsedImport) -> Vec<Row<'_>> {
    import
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.keyword.as_str(),
                r.volume,
                r.difficulty,
                None,
                r.intent,
            )
        })
        .collect()
}

/// Compares rows including the CPC (as a number, whatever its scale).
#[track_caller]
fn assert_rows(import: &ParsedImport, want: &[Row<'_>]) {
    let got = rows(import);
    let want_without_cpc: Vec<Row<'_>> = want
        .iter()
        .map(|&(l, k, v, d, _, i)| (l, k, v, d, None, i))
        .collect();
    assert_eq!(got, want_without_cpc);
    let cpcs: Vec<Option<Decimal>> = import.rows.iter().map(|r| r.cpc).collect();
    let want_cpcs: Vec<Option<Decimal>> = want.iter().map(|w| w.4.map(dec)).collect();
    assert_eq!(cpcs, want_cpcs);
    for r in &import.rows {
        assert_eq!(r.key, folio_core::text::name_key(&r.keyword));
    }
}

use Intent::{Commercial, Informational, Navigational, Transactional};

// ---- Semrush -------------------------------------------------------------------------------

#[test]
fn semrush_keyword_magic_utf8_bom_crlf() {
    let p = parse("semrush-keyword-magic-utf8-bom.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (
                2,
                "best garden hoe",
                Some(1900),
                Some(42),
                Some("1.35"),
                Some(Commercial),
            ),
            (
                3,
                "garden hoe",
                Some(12100),
                Some(67),
                Some("0.89"),
                Some(Informational),
            ),
            (
                4,
                "stirrup hoe",
                Some(2400),
                Some(38),
                Some("0.62"),
                Some(Transactional),
            ),
            (
                5,
                "how to use a garden hoe",
                Some(880),
                None,
                Some("0"),
                Some(Informational),
            ),
            (
                6,
                "hoe vs cultivator",
                Some(320),
                Some(29),
                None,
                Some(Informational),
            ),
        ],
    );
    assert_eq!((p.duplicates_in_file, p.rejected.len()), (0, 0));
    // The header's BOM does not end up in the first column's name or the first keyword.
    assert_eq!(p.rows[0].key, "best garden hoe");
}

#[test]
fn semrush_six_columns_in_utf16_be() {
    let p = parse("semrush-keyword-magic-6col-utf16be.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (
                2,
                "café crème recipe",
                Some(1600),
                Some(45),
                Some("0.35"),
                Some(Informational),
            ),
            (
                3,
                "crème brûlée torch",
                Some(2900),
                Some(31),
                Some("0.71"),
                Some(Commercial),
            ),
            (
                4,
                "buy crème brûlée dishes",
                Some(210),
                Some(12),
                Some("1.12"),
                Some(Transactional),
            ),
        ],
    );
}

#[test]
fn semrush_2019_without_intent_and_decimal_difficulty() {
    let p = parse("semrush-keyword-magic-2019.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (
                2,
                "raised garden bed",
                Some(49500),
                Some(72),
                Some("1.48"),
                None,
            ),
            (
                3,
                "cedar raised garden bed",
                Some(6600),
                Some(46),
                Some("1.92"),
                None,
            ),
            (
                4,
                "raised bed soil",
                Some(8100),
                Some(58),
                Some("1.21"),
                None,
            ),
        ],
    );
}

#[test]
fn semrush_keyword_strategy_builder() {
    let p = parse("semrush-strategy-builder.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    // `Keyword`, not `Seed keyword`.
    assert_rows(
        &p,
        &[
            (
                2,
                "compost bin",
                Some(14800),
                Some(51),
                Some("0.98"),
                Some(Commercial),
            ),
            (
                3,
                "how to start composting",
                Some(5400),
                Some(44),
                Some("0.41"),
                Some(Informational),
            ),
            (
                4,
                "tumbling composter",
                Some(2900),
                Some(33),
                Some("1.05"),
                Some(Transactional),
            ),
        ],
    );
}

#[test]
fn semrush_api_semicolons_and_intent_codes() {
    let p = parse("semrush-api-intent-codes.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (
                2,
                "garden hoe",
                Some(12100),
                Some(67),
                None,
                Some(Informational),
            ),
            (
                3,
                "buy garden hoe",
                Some(1300),
                Some(35),
                None,
                Some(Transactional),
            ),
            (
                4,
                "fiskars hoe",
                Some(590),
                Some(28),
                None,
                Some(Navigational),
            ),
            (
                5,
                "best garden hoe",
                Some(1900),
                Some(42),
                None,
                Some(Commercial),
            ),
            (7, "hoe", Some(49500), Some(81), None, None),
        ],
    );
    assert_eq!(p.duplicates_in_file, 1); // "Garden Hoe" on line 6
    assert!(p.rejected.is_empty());

    let p = parse("semrush-api-cpc.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (2, "garden hoe", Some(12100), Some(67), Some("0.89"), None),
            (3, "draw hoe", Some(1000), Some(24), Some("0.45"), None),
            (4, "collinear hoe", Some(390), Some(20), Some("0.71"), None),
        ],
    );
}

#[test]
fn semrush_organic_positions_are_deduplicated_by_keyword() {
    let p = parse("semrush-organic-positions.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (
                2,
                "garden hoe",
                Some(12100),
                Some(67),
                Some("0.89"),
                Some(Informational),
            ),
            (
                4,
                "stirrup hoe",
                Some(2400),
                Some(38),
                Some("0.62"),
                Some(Transactional),
            ),
            (
                6,
                "hoe types",
                Some(720),
                Some(31),
                Some("0.22"),
                Some(Informational),
            ),
        ],
    );
    assert_eq!(p.duplicates_in_file, 2);

    let p = parse("semrush-organic-positions-2026.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (
                2,
                "raised bed soil",
                Some(8100),
                Some(58),
                Some("1.21"),
                Some(Commercial),
            ),
            (
                5,
                "best soil for raised beds",
                Some(3600),
                Some(49),
                Some("1.05"),
                Some(Commercial),
            ),
        ],
    );
    assert_eq!(p.duplicates_in_file, 2);
}

#[test]
fn quoted_cells_blank_rows_and_rejections_keep_physical_lines() {
    let p = parse("quoted-keywords.csv");
    assert_eq!(p.format, KeywordFormat::Semrush);
    assert_rows(
        &p,
        &[
            (
                2,
                "hoe, garden",
                Some(40),
                Some(18),
                Some("0.55"),
                Some(Informational),
            ),
            (
                3,
                "the \"hula\" hoe",
                Some(90),
                Some(22),
                Some("0.80"),
                Some(Commercial),
            ),
            // Its SERP Features cell spans lines 4 and 5.
            (
                4,
                "stirrup hoe",
                Some(2400),
                Some(38),
                Some("0.62"),
                Some(Transactional),
            ),
            // A short row: only its keyword.
            (10, "oscillating hoe", None, None, None, None),
        ],
    );
    // Line 7 is blank and line 8 only commas: skipped silently.
    assert_eq!(
        p.rejected,
        vec![
            RejectedLine {
                line: 6,
                reason: "no keyword: the \"Keyword\" cell is empty".into(),
            },
            RejectedLine {
                line: 9,
                reason: "keyword too long: 305 characters, at most 255 are allowed".into(),
            },
        ]
    );
    assert_eq!(p.duplicates_in_file, 0);
}

// ---- Ahrefs --------------------------------------------------------------------------------

#[test]
fn ahrefs_keywords_explorer_2025_utf16_tabs_never_global_volume() {
    let p = parse("ahrefs-keywords-explorer-2025-utf16le.csv");
    assert_eq!(p.format, KeywordFormat::Ahrefs);
    assert_rows(
        &p,
        &[
            (
                2,
                "garden hoe",
                Some(2900),
                Some(12),
                Some("0.60"),
                Some(Informational),
            ),
            (
                3,
                "dutch hoe",
                Some(1100),
                Some(3),
                Some("0.35"),
                Some(Informational),
            ),
            (4, "hoe for weeding", Some(350), None, None, None),
            // "Branded" is not an intent: the first recognised one wins.
            (
                5,
                "nejiri gama hoe",
                Some(150),
                Some(0),
                Some("0.90"),
                Some(Commercial),
            ),
        ],
    );
}

#[test]
fn ahrefs_keywords_explorer_2026_and_2020() {
    let p = parse("ahrefs-keywords-explorer-2026.csv");
    assert_eq!(p.format, KeywordFormat::Ahrefs);
    assert_rows(
        &p,
        &[
            (
                2,
                "compost tumbler",
                Some(6200),
                Some(21),
                Some("1.20"),
                Some(Commercial),
            ),
            (
                3,
                "worm farm",
                Some(4100),
                Some(9),
                Some("0.80"),
                Some(Informational),
            ),
        ],
    );

    let p = parse("ahrefs-keywords-explorer-2020.csv");
    assert_eq!(p.format, KeywordFormat::Ahrefs);
    assert_rows(
        &p,
        &[
            (2, "lawn mower", Some(165000), Some(62), Some("0.70"), None),
            (
                3,
                "self propelled lawn mower",
                Some(40000),
                Some(41),
                Some("0.90"),
                None,
            ),
        ],
    );
}

#[test]
fn ahrefs_site_explorer_boolean_intents_in_fixed_order() {
    let p = parse("ahrefs-site-explorer-organic.csv");
    assert_eq!(p.format, KeywordFormat::Ahrefs);
    assert_rows(
        &p,
        &[
            // informational + commercial → informational
            (
                2,
                "garden hoe",
                Some(2900),
                Some(12),
                Some("0.60"),
                Some(Informational),
            ),
            // commercial + navigational → navigational (it comes first in the order)
            (
                3,
                "fiskars hoe",
                Some(450),
                Some(5),
                Some("0.40"),
                Some(Navigational),
            ),
            // commercial + transactional → commercial
            (
                4,
                "buy garden hoe",
                Some(300),
                Some(8),
                Some("1.10"),
                Some(Commercial),
            ),
            (5, "hoe", Some(8800), Some(45), Some("0.30"), None),
        ],
    );
}

// ---- Google --------------------------------------------------------------------------------

#[test]
fn google_keyword_planner_utf16_preamble_buckets_and_decimal_commas() {
    let p = parse("gkp-2026-utf16le.csv");
    assert_eq!(p.format, KeywordFormat::GoogleKeywordPlanner);
    // Lines 1–2 are the preamble, line 3 the header. Competition (indexed value) is not
    // difficulty; CPC is the high top-of-page bid; a bucket gives its lower bound.
    assert_rows(
        &p,
        &[
            (4, "désherbeur manuel", Some(1000), None, Some("1.52"), None),
            (5, "binette", Some(10000), None, Some("0.89"), None),
            (6, "binette jardin", Some(1000), None, Some("1.2"), None),
            (8, "sarcloir", Some(100), None, Some("0.5"), None),
            (10, "houe maraîchère", Some(10), None, None, None),
            (11, "grelinette", Some(2400), None, Some("1.87"), None),
        ],
    );
    assert_eq!(
        p.rejected,
        vec![RejectedLine {
            line: 7,
            reason: "no keyword: the \"Keyword\" cell is empty".into(),
        }]
    );
    assert_eq!(p.duplicates_in_file, 1); // "Binette  Jardin", line 9
}

#[test]
fn search_console_queries_have_no_volume() {
    let p = parse("search-console-queries.csv");
    assert_eq!(p.format, KeywordFormat::SearchConsole);
    assert_rows(
        &p,
        &[
            (2, "garden hoe", None, None, None, None),
            (3, "how to use a hoe", None, None, None, None),
            (4, "hoe vs rake", None, None, None, None),
        ],
    );
}

// ---- Plain lists ---------------------------------------------------------------------------

#[test]
fn plain_list_folds_case_spacing_and_unicode_composition() {
    let p = parse("plain-list.txt");
    assert_eq!(p.format, KeywordFormat::Plain);
    assert_rows(
        &p,
        &[
            (1, "garden hoe", None, None, None, None),
            (4, "stirrup hoe", None, None, None, None),
            (5, "Caf\u{e9} au jardin", None, None, None, None),
            (9, "dutch hoe", None, None, None, None),
        ],
    );
    assert_eq!(p.rows[2].key, "caf\u{e9} au jardin");
    // "Garden  Hoe", "Cafe\u{301} au jardin", "GARDEN HOE".
    assert_eq!(p.duplicates_in_file, 3);
    assert!(p.rejected.is_empty());
}

#[test]
fn plain_list_under_a_keyword_header_with_quoted_cells() {
    let p = parse("plain-with-header.csv");
    assert_eq!(p.format, KeywordFormat::Plain);
    assert_rows(
        &p,
        &[
            (2, "hoe, garden", None, None, None, None),
            (3, "garden hoe", None, None, None, None),
            (4, "5\" hoe blade", None, None, None, None),
        ],
    );
}

#[test]
fn plain_list_in_utf16_without_bom() {
    let p = parse("plain-utf16le-no-bom.txt");
    assert_eq!(p.format, KeywordFormat::Plain);
    let keywords: Vec<&str> = p.rows.iter().map(|r| r.keyword.as_str()).collect();
    assert_eq!(keywords, ["hoe", "rake", "spade"]);
}

#[test]
fn inline_variants() {
    // A CSV whose only known column is the keyword is plain; extra columns are ignored.
    let p = parse_keyword_file(b"Keyword,Notes\ngarden hoe,buy one\n").unwrap();
    assert_eq!(p.format, KeywordFormat::Plain);
    assert_eq!(p.rows[0].keyword, "garden hoe");
    // A one-column file without a header: its first line is a keyword.
    let p = parse_keyword_file(b"  garden   hoe \r\nrake").unwrap();
    assert_eq!(
        p.rows,
        vec![
            ParsedKeyword {
                line: 1,
                keyword: "garden hoe".into(),
                key: "garden hoe".into(),
                volume: None,
                difficulty: None,
                cpc: None,
                intent: None,
            },
            ParsedKeyword {
                line: 2,
                keyword: "rake".into(),
                key: "rake".into(),
                volume: None,
                difficulty: None,
                cpc: None,
                intent: None,
            },
        ]
    );
    // Blank lines before the header count; a row shorter than the keyword column is rejected.
    let p = parse_keyword_file(b"\n\nVolume;Keyword\n1300;garden hoe\n880\n").unwrap();
    assert_eq!(p.rows[0].line, 4);
    assert_eq!(p.rows[0].volume, Some(1300));
    assert_eq!(
        p.rejected,
        vec![RejectedLine {
            line: 5,
            reason: "no keyword: the row ends before the \"Keyword\" column".into(),
        }]
    );
    // Difficulty out of range and unreadable numbers are None, not rejections.
    let p =
        parse_keyword_file(b"Keyword,Volume,Keyword Difficulty,CPC\nhoe,lots,140,free\n").unwrap();
    assert_eq!(
        (p.rows[0].volume, p.rows[0].difficulty, p.rows[0].cpc),
        (None, None, None)
    );
    // One-column headers: `Keyword` (plain) and `Top queries` (Search Console), CRLF or not.
    let p = parse_keyword_file(b"keyword\r\ngarden hoe\r\n").unwrap();
    assert_eq!((p.format, p.rows[0].line), (KeywordFormat::Plain, 2));
    let p = parse_keyword_file(b"Top queries\ngarden hoe\n").unwrap();
    assert_eq!(p.format, KeywordFormat::SearchConsole);
    // A byte-order mark alone is an empty file.
    assert_eq!(
        parse_keyword_file(b"\xEF\xBB\xBF").unwrap_err(),
        ImportError::Empty
    );
    assert_eq!(
        parse_keyword_file(b"\xFF\xFE").unwrap_err(),
        ImportError::Empty
    );
    // A header whose rows are all rejected still parses: the rejections say why.
    let p = parse_keyword_file(b"Keyword,Volume\n,10\n").unwrap();
    assert!(p.rows.is_empty());
    assert_eq!(p.rejected.len(), 1);
}

// ---- Files that import nothing -------------------------------------------------------------

#[test]
fn empty_files_are_refused() {
    for name in ["empty.csv", "blank-lines.csv"] {
        assert_eq!(error(name), ImportError::Empty, "{name}");
    }
    assert_eq!(
        error("empty.csv").to_string(),
        "The file is empty: it holds no keywords. Choose the CSV file exported from your keyword \
         tool, or a text file with one keyword per line."
    );
    assert_eq!(
        error("header-only.csv"),
        ImportError::NoRows { header_line: 1 }
    );
    assert_eq!(
        parse_keyword_file(b"Keyword\n\n").unwrap_err(),
        ImportError::NoRows { header_line: 1 }
    );
    assert_eq!(
        error("header-only.csv").to_string(),
        "The file has a header row (line 1) but no keywords below it. Export the keywords again, \
         making sure the export includes its rows."
    );
}

#[test]
fn binary_files_are_refused_with_a_hint() {
    let e = error("keywords.xlsx");
    assert_eq!(
        e,
        ImportError::Spreadsheet {
            kind: "an Excel workbook (.xlsx)"
        }
    );
    assert_eq!(
        e.to_string(),
        "This file is an Excel workbook (.xlsx), not a CSV file. Open it in your spreadsheet app \
         or keyword tool, export or save it as CSV, and import the .csv file."
    );
    let e = error("image.png");
    assert_eq!(
        e,
        ImportError::Binary {
            kind: Some("a PNG image")
        }
    );
    assert_eq!(
        e.to_string(),
        "This file is not text (it looks like a PNG image), so it cannot hold a keyword list. \
         Import the CSV file exported from your keyword tool, or a text file with one keyword per \
         line."
    );
    // Unknown binary: NUL bytes that are not UTF-16.
    assert_eq!(
        parse_keyword_file(b"\x00\x01\x02garden\x00\x00\x00\xff").unwrap_err(),
        ImportError::Binary { kind: None }
    );
    // A plain ZIP is not a spreadsheet.
    assert_eq!(
        parse_keyword_file(b"PK\x03\x04\x14\x00\x00\x00keywords.csv").unwrap_err(),
        ImportError::Archive
    );
    let e = error("latin1.csv");
    assert_eq!(e, ImportError::NotUtf8 { offset: 11 });
    assert_eq!(
        e.to_string(),
        "This file is not UTF-8 or UTF-16 text (the byte at position 11 is invalid). Save or \
         export it as \"CSV UTF-8\" and import it again."
    );
}

#[test]
fn a_header_without_a_keyword_column_names_the_columns() {
    let e = error("no-keyword-column.csv");
    assert_eq!(
        e,
        ImportError::NoKeywordColumn {
            line: 1,
            columns: ["Top pages", "Clicks", "Impressions", "CTR", "Position"]
                .map(String::from)
                .to_vec(),
        }
    );
    assert_eq!(
        e.to_string(),
        "No keyword column found: the header on line 1 has the columns \"Top pages\", \"Clicks\", \
         \"Impressions\", \"CTR\", \"Position\". Rename the column that holds your keywords to \
         \"Keyword\", or import a list with one keyword per line."
    );
    // Data without any header is reported the same way.
    assert!(matches!(
        parse_keyword_file(b"garden hoe,1900,42\n").unwrap_err(),
        ImportError::NoKeywordColumn { line: 1, .. }
    ));
}

// ---- Size ----------------------------------------------------------------------------------

#[test]
fn a_hundred_thousand_row_semrush_export() {
    const N: usize = 100_000;
    let mut csv = String::with_capacity(N * 160);
    csv.push_str("Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results\n");
    for i in 0..N {
        // Every 10th row repeats the previous keyword in upper case; every 1000th has none.
        let keyword = match i {
            _ if i % 1000 == 999 => String::new(),
            _ if i % 10 == 9 => format!("GARDEN HOE MODEL {}", i - 1),
            _ => format!("garden hoe model {i}"),
        };
        csv.push_str(&format!(
            "{keyword},\"commercial, informational\",{},\"0.54,0.66,0.81,1.00,0.81,0.66,0.54,0.44,0.44,0.54,0.66,0.81\",{},{}.35,0.12,\"Featured snippet, People also ask\",51200000\n",
            1000 + i,
            i % 101,
            i % 7,
        ));
    }
    let p = parse_keyword_file(csv.as_bytes()).unwrap();
    assert_eq!(p.format, KeywordFormat::Semrush);
    let empty = N / 1000;
    let repeated = N / 10 - empty; // rows 999, 1999… are empty rather than repeats
    assert_eq!(p.rejected.len(), empty);
    assert_eq!(p.duplicates_in_file, repeated);
    assert_eq!(p.rows.len(), N - empty - repeated);
    let last = p.rows.last().unwrap();
    assert_eq!(last.keyword, "garden hoe model 99998");
    assert_eq!(last.line, N); // the header is line 1, row i is line i + 2
    assert_eq!(last.volume, Some(1000 + 99_998));
    assert_eq!(p.rejected[0].line, 1001);
}
