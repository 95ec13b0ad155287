//! Parsing keyword-tool exports into keywords: a pure function over the file's bytes, no database.
//!
//! [`parse_keyword_file`] reads exports of Semrush (Keyword Magic Tool, Keyword Strategy Builder,
//! API `;` exports, Organic Research positions), Ahrefs (Keywords Explorer 2020–2026, Site
//! Explorer organic keywords), Google Keyword Planner, Google Search Console (`Queries.csv`) and
//! plain lists (one keyword a line, optionally under a `Keyword` header).
//!
//! - **Text**: UTF-8 with or without BOM, UTF-16 LE/BE with BOM, and BOM-less UTF-16 recognised by
//!   its NUL bytes. Other bytes are refused with a message saying what the file looks like
//!   (an `.xlsx`/`.xls`/`.ods` workbook, a ZIP, an image…) and what to do.
//! - **Header**: the first non-blank line, or a later one (within the first
//!   [`MAX_HEADER_SCAN`] non-blank lines) when it has several columns, one naming keywords —
//!   this skips Keyword Planner's two preamble lines. Names are matched case-insensitively with
//!   spacing folded; only the keyword column is required and unknown columns are ignored. The
//!   tool is told apart by the columns only it writes. A one-column file whose first line is not
//!   `Keyword`/`Keywords`/`Top queries` is a plain list and that line is its first keyword.
//! - **Delimiter**: `,`, `;` or tab, whichever occurs most in the header line outside quotes.
//!   Quoted cells may hold delimiters, quotes and newlines; short rows are tolerated.
//! - **Rows**: unique by [`name_key`] (case, spacing, Unicode composition), first occurrence wins,
//!   later ones are counted in `duplicates_in_file` (Semrush positions list a keyword once per
//!   ranking URL). A row with an empty keyword cell, or a keyword over [`MAX_KEYWORD_CHARS`]
//!   characters, is rejected with its physical line (1-based, preamble and quoted newlines
//!   included); lines that are blank, or whose cells are all empty, are skipped silently.
//! - **Numbers** never reject a row: unreadable → `None`. Thousands separators (`12,100`,
//!   `12.100`, `12 100`) and `K`/`M` suffixes are read; a lone comma followed by one or two digits
//!   is a decimal comma (`1,25`). Difficulty is rounded half away from zero (`45.5` → 46) and
//!   `None` outside 0–100.
//!
//! Decisions:
//! - **Volume ranges** (Keyword Planner's bucketed `1K – 10K`, `10 – 100`) give their **lower
//!   bound**: it is the only figure the tool vouches for, and it never inflates a cluster's total.
//! - **Volume columns**: `Volume`, `Search Volume`, `Avg. monthly searches`. Never Ahrefs'
//!   `Global volume`, and Search Console has none (impressions are not searches).
//! - **CPC** is `CPC`/`CPC (<currency>)`; for Keyword Planner it is `Top of page bid (high
//!   range)` (what a click at the top of the page costs), else the low range. Keyword Planner's
//!   `Competition (indexed value)` is about ads, not ranking, so it is not difficulty.
//! - **Intent**: an `Intent`/`Intents`/`Keyword Intents` cell's first recognised value (words, or
//!   Semrush's codes 0 commercial, 1 informational, 2 navigational, 3 transactional: `1,0` is
//!   informational). Without it, Ahrefs' true/false columns give the first true one in the fixed
//!   order informational, navigational, commercial, transactional ([`Intent::ALL`]), whatever
//!   the column order of the file.
//! - **Format** of a CSV whose only known column is the keyword (`Keyword,Notes`) is `plain`.

mod decode;
mod header;
mod numbers;

use crate::text::{name_key, tidy};
use folio_model::{Intent, KeywordFormat};
use header::{Columns, Header};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::HashSet;

/// Keywords longer than this (in characters, after tidying) are rejected.
pub const MAX_KEYWORD_CHARS: usize = 255;
/// The largest keyword file read: a million-row export with every metric is ~150 MB.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;
/// How many non-blank lines may precede the header (Keyword Planner writes two).
pub const MAX_HEADER_SCAN: usize = 6;

/// What a keyword file holds, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedImport {
    /// The tool the file was recognised as coming from.
    pub format: KeywordFormat,
    /// Unique by `key`, the first occurrence of each, in file order.
    pub rows: Vec<ParsedKeyword>,
    /// Rows dropped because their key appeared earlier in the file.
    pub duplicates_in_file: usize,
    /// Rows that could not be imported, with why.
    pub rejected: Vec<RejectedLine>,
}

/// One keyword of the file and the metrics it came with.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedKeyword {
    /// 1-based physical line in the file where this row starts.
    pub line: usize,
    /// The cell, trimmed with inner whitespace collapsed, original case.
    pub keyword: String,
    /// [`name_key`] of the keyword: its identity.
    pub key: String,
    pub volume: Option<i64>,
    /// 0–100.
    pub difficulty: Option<i32>,
    pub cpc: Option<Decimal>,
    pub intent: Option<Intent>,
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine {
    /// 1-based physical line in the file where the row starts.
    pub line: usize,
    /// Why, for the person who made the file.
    pub reason: String,
}

/// Why nothing at all could be imported from a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("The file is empty: it holds no keywords. Choose the CSV file exported from your keyword tool, or a text file with one keyword per line.")]
    Empty,

    #[error("The file has a header row (line {header_line}) but no keywords below it. Export the keywords again, making sure the export includes its rows.")]
    NoRows { header_line: usize },

    #[error("This file is {kind}, not a CSV file. Open it in your spreadsheet app or keyword tool, export or save it as CSV, and import the .csv file.")]
    Spreadsheet { kind: &'static str },

    #[error(
        "This file is a ZIP archive, not a CSV file. Extract the CSV file from it and import that."
    )]
    Archive,

    #[error("This file is not text{}, so it cannot hold a keyword list. Import the CSV file exported from your keyword tool, or a text file with one keyword per line.", .kind.map(|k| format!(" (it looks like {k})")).unwrap_or_default())]
    Binary { kind: Option<&'static str> },

    #[error("This file is not UTF-8 or UTF-16 text (the byte at position {offset} is invalid). Save or export it as \"CSV UTF-8\" and import it again.")]
    NotUtf8 { offset: usize },

    #[error("No keyword column found: the header on line {line} has the columns {}. Rename the column that holds your keywords to \"Keyword\", or import a list with one keyword per line.", quoted_list(.columns))]
    NoKeywordColumn { line: usize, columns: Vec<String> },

    #[error("Line {line} cannot be read as CSV ({message}). Export the file again from your keyword tool.")]
    Malformed { line: usize, message: String },
}

/// Parses an exported keyword file (see the module documentation for the rules).
pub fn parse_keyword_file(bytes: &[u8]) -> Result<ParsedImport, ImportError> {
    let text = decode::decode(bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match find_start(text)? {
        Start::Table {
            header,
            line,
            offset,
            delimiter,
        } => parse_table(text, header, line, offset, delimiter),
        Start::Lines {
            format,
            header_line,
            line,
            offset,
        } => parse_lines(text, format, header_line, line, offset),
    }
}

/// Where the data begins.
enum Start {
    /// A multi-column header at `line`, starting at byte `offset`.
    Table {
        header: Header,
        line: usize,
        offset: usize,
        delimiter: u8,
    },
    /// One keyword a line from `line` (byte `offset`) on, below a one-column header if any.
    Lines {
        format: KeywordFormat,
        header_line: Option<usize>,
        line: usize,
        offset: usize,
    },
}

/// A physical line: its 1-based number, the byte where it starts, its text without `\r\n`.
struct Line<'a> {
    number: usize,
    offset: usize,
    text: &'a str,
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut offset = 0;
    text.split('\n').enumerate().map(move |(i, raw)| {
        let line = Line {
            number: i + 1,
            offset,
            text: raw.strip_suffix('\r').unwrap_or(raw),
        };
        offset += raw.len() + 1;
        line
    })
}

fn find_start(text: &str) -> Result<Start, ImportError> {
    // The first non-blank line: a plain list's first keyword, or the columns named in an error.
    let mut first: Option<(Line<'_>, Vec<String>)> = None;
    let candidates = lines(text)
        .filter(|l| !l.text.trim().is_empty())
        .take(MAX_HEADER_SCAN);
    for (i, line) in candidates.enumerate() {
        let delimiter = sniff_delimiter(line.text);
        let cells = split_line(line.text, delimiter);
        if let Some(header) = header::recognise(&cells) {
            if cells.len() > 1 {
                return Ok(Start::Table {
                    header,
                    line: line.number,
                    offset: line.offset,
                    delimiter,
                });
            }
            if i == 0 {
                return Ok(Start::Lines {
                    format: header.format,
                    header_line: Some(line.number),
                    line: line.number + 1,
                    offset: line.offset + line.text.len(),
                });
            }
        }
        if first.is_none() {
            first = Some((line, cells));
        }
    }
    let Some((line, cells)) = first else {
        return Err(ImportError::Empty);
    };
    if cells.len() > 1 {
        return Err(ImportError::NoKeywordColumn {
            line: line.number,
            columns: cells.into_iter().map(|c| c.trim().to_owned()).collect(),
        });
    }
    Ok(Start::Lines {
        format: KeywordFormat::Plain,
        header_line: None,
        line: line.number,
        offset: line.offset,
    })
}

/// `,`, `;` or tab, whichever occurs most outside quotes (ties: tab, then `;`).
fn sniff_delimiter(line: &str) -> u8 {
    let (mut comma, mut semicolon, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semicolon += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > 0 && tab >= semicolon && tab >= comma {
        b'\t'
    } else if semicolon > 0 && semicolon >= comma {
        b';'
    } else {
        b','
    }
}

fn csv_reader(data: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(data)
}

fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut record = csv::StringRecord::new();
    match csv_reader(line.as_bytes(), delimiter).read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_owned).collect(),
        _ => vec![line.to_owned()],
    }
}

fn parse_table(
    text: &str,
    header: Header,
    header_line: usize,
    offset: usize,
    delimiter: u8,
) -> Result<ParsedImport, ImportError> {
    let data = &text.as_bytes()[offset..];
    let columns = &header.columns;
    let mut out = Collector::new(header.format, data.len());
    let lines = LineCounter {
        data,
        first_line: header_line,
    };
    let mut reader = csv_reader(data, delimiter);
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(ImportError::Malformed {
                    line: lines.line_of(e.position()),
                    message: e.to_string(),
                });
            }
        }
        if std::mem::take(&mut first) {
            continue; // the header itself
        }
        if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
            continue;
        }
        let line = lines.line_of(record.position());
        let cell = |i: usize| {
            record
                .get(i)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
        };
        let cell_at = |i: Option<usize>| i.and_then(cell).unwrap_or("");
        let Some((keyword, key)) = out.accept(line, cell(columns.keyword), &columns.keyword_name)
        else {
            continue;
        };
        out.rows.push(ParsedKeyword {
            line,
            keyword,
            key,
            volume: columns
                .volume
                .and_then(|i| numbers::volume(cell_at(Some(i)))),
            difficulty: columns
                .difficulty
                .and_then(|i| numbers::difficulty(cell_at(Some(i)))),
            cpc: columns.cpc.and_then(|i| numbers::cpc(cell_at(Some(i)))),
            intent: row_intent(columns, cell_at),
        });
    }
    out.finish(Some(header_line))
}

/// The intent cell's first value, else the first true Ahrefs intent column in
/// [`Intent::ALL`] order.
fn row_intent<'a>(columns: &Columns, cell_at: impl Fn(Option<usize>) -> &'a str) -> Option<Intent> {
    columns
        .intent
        .and_then(|i| numbers::intent(cell_at(Some(i))))
        .or_else(|| {
            Intent::ALL
                .into_iter()
                .zip(columns.intent_flags)
                .find(|(_, column)| column.is_some() && numbers::truthy(cell_at(*column)))
                .map(|(intent, _)| intent)
        })
}

fn parse_lines(
    text: &str,
    format: KeywordFormat,
    header_line: Option<usize>,
    first_line: usize,
    offset: usize,
) -> Result<ParsedImport, ImportError> {
    let body = text.get(offset..).unwrap_or("");
    // A header's own line ends right at `offset`: skip its line break.
    let body = if header_line.is_some() {
        body.strip_prefix("\r\n")
            .or_else(|| body.strip_prefix('\n'))
            .unwrap_or(body)
    } else {
        body
    };
    let mut out = Collector::new(format, body.len());
    for line in lines(body) {
        let trimmed = line.text.trim();
        if trimmed.is_empty() {
            continue;
        }
        let number = first_line + line.number - 1;
        let cell = unquote(trimmed);
        if let Some((keyword, key)) = out.accept(number, Some(&cell), "keyword") {
            out.rows.push(ParsedKeyword {
                line: number,
                keyword,
                key,
                volume: None,
                difficulty: None,
                cpc: None,
                intent: None,
            });
        }
    }
    out.finish(header_line)
}

/// `"a ""b"", c"` → `a "b", c`, as a one-column CSV writes a cell; other lines are kept as is.
fn unquote(s: &str) -> Cow<'_, str> {
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) if inner.contains("\"\"") => Cow::Owned(inner.replace("\"\"", "\"")),
        Some(inner) => Cow::Borrowed(inner),
        None => Cow::Borrowed(s),
    }
}

/// Turns the reader's record positions into physical line numbers of the file.
struct LineCounter<'a> {
    data: &'a [u8],
    /// The file's line number of the data's first line.
    first_line: usize,
}

impl LineCounter<'_> {
    /// The line of the record's first byte. The reader places a record where the previous one
    /// ended, before any blank lines, so those are skipped (and counted) here.
    fn line_of(&self, position: Option<&csv::Position>) -> usize {
        let Some(position) = position else {
            return self.first_line;
        };
        let mut line = self.first_line + usize::try_from(position.line()).unwrap_or(1) - 1;
        let mut offset = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        while let Some(&b) = self.data.get(offset) {
            match b {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            offset += 1;
        }
        line
    }
}

/// Accumulates rows, de-duplicating by key.
struct Collector {
    format: KeywordFormat,
    rows: Vec<ParsedKeyword>,
    seen: HashSet<String>,
    duplicates: usize,
    rejected: Vec<RejectedLine>,
}

impl Collector {
    fn new(format: KeywordFormat, data_len: usize) -> Self {
        // A guess at the row count, so that big files rehash less.
        let guess = (data_len / 96).min(1 << 20);
        Collector {
            format,
            rows: Vec::new(),
            seen: HashSet::with_capacity(guess),
            duplicates: 0,
            rejected: Vec::new(),
        }
    }

    /// The tidied keyword and its key when the row is to be imported; otherwise records why not.
    fn accept(
        &mut self,
        line: usize,
        cell: Option<&str>,
        column: &str,
    ) -> Option<(String, String)> {
        let reason = match cell {
            None => format!("no keyword: the row ends before the \"{column}\" column"),
            Some(cell) if cell.trim().is_empty() => {
                format!("no keyword: the \"{column}\" cell is empty")
            }
            Some(cell) => {
                let keyword = tidy_keyword(cell);
                // A char takes at least one byte: short strings need no counting.
                let chars = if keyword.len() > MAX_KEYWORD_CHARS {
                    keyword.chars().count()
                } else {
                    0
                };
                if chars > MAX_KEYWORD_CHARS {
                    format!(
                        "keyword too long: {chars} characters, at most {MAX_KEYWORD_CHARS} are allowed"
                    )
                } else {
                    let key = keyword_key(&keyword);
                    if self.seen.contains(&key) {
                        self.duplicates += 1;
                        return None;
                    }
                    self.seen.insert(key.clone());
                    return Some((keyword, key));
                }
            }
        };
        self.rejected.push(RejectedLine { line, reason });
        None
    }

    fn finish(self, header_line: Option<usize>) -> Result<ParsedImport, ImportError> {
        if self.rows.is_empty() && self.rejected.is_empty() && self.duplicates == 0 {
            return Err(match header_line {
                Some(header_line) => ImportError::NoRows { header_line },
                None => ImportError::Empty,
            });
        }
        Ok(ParsedImport {
            format: self.format,
            rows: self.rows,
            duplicates_in_file: self.duplicates,
            rejected: self.rejected,
        })
    }
}

/// [`tidy`], without its allocations when the cell is tidy already (the usual case).
fn tidy_keyword(cell: &str) -> String {
    let mut after_space = true;
    let already_tidy = cell.chars().all(|c| {
        if c.is_whitespace() {
            let ok = c == ' ' && !after_space;
            after_space = true;
            ok
        } else {
            after_space = false;
            true
        }
    }) && !after_space;
    if already_tidy {
        cell.to_owned()
    } else {
        tidy(cell)
    }
}

/// [`name_key`] of a tidied keyword; for ASCII (already NFC, whitespace already collapsed) that is
/// just its lowercase, computed without the intermediate strings.
fn keyword_key(keyword: &str) -> String {
    if keyword.is_ascii() {
        keyword.to_ascii_lowercase()
    } else {
        name_key(keyword)
    }
}

fn quoted_list(columns: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut list = columns
        .iter()
        .take(SHOWN)
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if columns.len() > SHOWN {
        list.push_str(&format!(" and {} more", columns.len() - SHOWN));
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths_agree_with_text_helpers() {
        for s in [
            "garden hoe",
            " garden hoe",
            "garden hoe ",
            "garden  hoe",
            "garden\thoe",
            "garden\u{a0}hoe",
            "Garden Hoe",
            "CAFÉ crème",
            "Cafe\u{301}",
            "",
            " ",
            "x",
        ] {
            assert_eq!(tidy_keyword(s), tidy(s), "{s:?}");
            let t = tidy(s);
            assert_eq!(keyword_key(&t), name_key(s), "{s:?}");
        }
    }

    #[test]
    fn delimiters_are_counted_outside_quotes() {
        assert_eq!(sniff_delimiter("Keyword,Intent,Volume"), b',');
        assert_eq!(sniff_delimiter("\"a;b;c\",Volume"), b',');
        assert_eq!(sniff_delimiter("database;Keyword;Search Volume"), b';');
        assert_eq!(
            sniff_delimiter("Keyword\tCurrency\tAvg. monthly searches"),
            b'\t'
        );
        assert_eq!(sniff_delimiter("garden hoe"), b',');
    }

    #[test]
    fn unquoting_plain_lines() {
        assert_eq!(unquote("\"hoe, garden\""), "hoe, garden");
        assert_eq!(unquote("\"5\"\" pot\""), "5\" pot");
        assert_eq!(unquote("5\" pot"), "5\" pot");
    }
}
