//! Numbers, times and errors as the pages show them.

use chrono::{DateTime, Utc};
use folio_model::ErrorDto;

/// Dollars as `folio usage` prints them (4 places, half away from zero), after a `$`: `$0.0123`.
pub fn usd(cost: rust_decimal::Decimal) -> String {
    format!("${}", folio_model::usd(cost))
}

/// `100000` → `100,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A metric that may be unknown (the tool did not export it): a dash rather than a zero, which
/// would read as a real value.
pub fn metric(n: Option<i64>) -> String {
    match n {
        Some(v) if v < 0 => format!("-{}", count(v.unsigned_abs())),
        Some(v) => count(v.unsigned_abs()),
        None => "\u{2014}".to_owned(),
    }
}

/// `2, "keyword"` → `2 keywords`.
pub fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {one}s", count(n))
    }
}

/// The file name of a path from the native dialog (either separator: the app runs on Windows too).
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A stored time, in UTC: `2026-12-01 14:30 UTC`.
pub fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `wordpress: The site refused the login (auth)`: the code tells support and the person which
/// kind of failure it was.
pub fn error_text(e: &ErrorDto) -> String {
    match &e.code {
        Some(code) => format!("{} ({code})", e.message),
        None => e.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(metric(None), "\u{2014}");
        assert_eq!(metric(Some(12100)), "12,100");
        assert_eq!(plural(1, "keyword"), "1 keyword");
        assert_eq!(plural(1200, "keyword"), "1,200 keywords");
        assert_eq!(file_name("/tmp/a/garden.csv"), "garden.csv");
        assert_eq!(file_name(r"C:\x\kw.csv"), "kw.csv");
        assert_eq!(usd(rust_decimal::Decimal::new(123_456, 7)), "$0.0123");
        assert_eq!(usd(rust_decimal::Decimal::new(5, 5)), "$0.0001");
        assert_eq!(usd(rust_decimal::Decimal::ZERO), "$0.0000");
        assert_eq!(usd(rust_decimal::Decimal::new(15, 1)), "$1.5000");
    }
}
