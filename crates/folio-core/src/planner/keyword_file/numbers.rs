//! Cells → numbers and intents. Forgiving by design: whatever cannot be read is `None`, never an
//! error, because a keyword without metrics is still worth importing.

use folio_model::Intent;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// What a number counts, which decides how `12.100` is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A whole number (search volume): `12.100` is twelve thousand one hundred.
    Count,
    /// A measure with decimals (difficulty, money): `12.100` is twelve point one.
    Amount,
}

/// Search volume: `12100`, `12,100`, `12 100`, `12.100`, `1.2K`, `1M`; a range such as `1K – 10K`
/// or `10 – 100` (Google Keyword Planner buckets) gives its lower bound.
pub(super) fn volume(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    if let Ok(v) = cell.parse::<i64>() {
        return (v >= 0).then_some(v);
    }
    let lower = range_lower_bound(cell);
    let value = decimal(lower, Kind::Count)?;
    round(value).to_i64().filter(|v| *v >= 0)
}

/// Keyword difficulty 0–100, rounded half away from zero (`45.5` → 46); out of range → `None`.
pub(super) fn difficulty(cell: &str) -> Option<i32> {
    let cell = cell.trim();
    if let Ok(v) = cell.parse::<i32>() {
        return (0..=100).contains(&v).then_some(v);
    }
    let value = decimal(cell, Kind::Amount)?;
    round(value).to_i32().filter(|v| (0..=100).contains(v))
}

/// Cost per click: `1.25`, `$1.25`, `1,25 €`, `USD 1.25`; negative → `None`.
pub(super) fn cpc(cell: &str) -> Option<Decimal> {
    decimal(cell.trim(), Kind::Amount).filter(|d| !d.is_sign_negative())
}

fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

/// `1K – 10K` → `1K`. A `-` only separates a range when something precedes it.
fn range_lower_bound(cell: &str) -> &str {
    let split = cell
        .char_indices()
        .find(|&(i, c)| matches!(c, '–' | '—') || (c == '-' && i > 0))
        .map(|(i, _)| i);
    match split {
        Some(i) => cell[..i].trim_end(),
        None => cell,
    }
}

/// Reads a number written in any common locale. The decimal separator is the last of `.` and `,`
/// when both occur; a lone `,` is decimal when one or two digits follow it (`1,25`) or the whole
/// part is `0` (`0,125`), otherwise it groups thousands (`12,100`); a lone `.` is decimal except
/// in a [`Kind::Count`] followed by exactly three digits (`12.100`). Spaces, apostrophes,
/// currency signs, a trailing `%` or `+`, and a three-letter currency code are ignored; a
/// `K`/`M`/`B` suffix multiplies.
fn decimal(cell: &str, kind: Kind) -> Option<Decimal> {
    if cell.is_empty() {
        return None;
    }
    // Fast path: plain `123` or `1.25`.
    if kind == Kind::Amount || !has_three_digit_tail(cell, '.') {
        if let Some(d) = simple_decimal(cell) {
            return Some(d);
        }
    }

    let mut body = String::with_capacity(cell.len());
    let mut negative = false;
    for c in cell.chars() {
        match c {
            '0'..='9' | '.' | ',' => body.push(c),
            'A'..='Z' | 'a'..='z' => body.push(c),
            '-' | '−' if body.is_empty() && !negative => negative = true,
            '$' | '¢' | '£' | '¤' | '¥' | '€' | '\u{20A0}'..='\u{20CF}' => {}
            '\'' | '’' | '%' | '+' => {}
            c if c.is_whitespace() => {}
            _ => return None,
        }
    }
    // Currency codes before or after the number (`USD 1.25`, `1,25 EUR`), then a K/M/B suffix.
    let body = body.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let mut multiplier = Decimal::ONE;
    let mut digits = body;
    let letters = body.len()
        - body
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .len();
    if letters > 0 {
        let (number, suffix) = body.split_at(body.len() - letters);
        multiplier = match suffix.to_ascii_lowercase().as_str() {
            "k" => Decimal::from(1_000),
            "m" => Decimal::from(1_000_000),
            "b" => Decimal::from(1_000_000_000),
            _ if suffix.len() == 3 && suffix.bytes().all(|b| b.is_ascii_uppercase()) => {
                Decimal::ONE
            }
            _ => return None,
        };
        digits = number;
    }
    if !digits.starts_with(|c: char| c.is_ascii_digit()) && !digits.starts_with(['.', ',']) {
        return None;
    }
    let suffixed = multiplier != Decimal::ONE;
    let plain = normalise_separators(digits, if suffixed { Kind::Amount } else { kind })?;
    let value = Decimal::from_str(&plain).ok()?.checked_mul(multiplier)?;
    Some(if negative { -value } else { value })
}

/// `123`, `1.25`, `.5` or `12.` without allocating; `None` for anything else (or too long).
fn simple_decimal(s: &str) -> Option<Decimal> {
    let (mut mantissa, mut scale, mut seen_dot, mut digits) = (0i64, 0u32, false, 0u32);
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 18 {
                    return None;
                }
                mantissa = mantissa * 10 + i64::from(b - b'0');
                scale += u32::from(seen_dot);
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return None,
        }
    }
    (digits > 0).then(|| Decimal::new(mantissa, scale))
}

/// Rewrites `1.234,56` / `1,234.56` / `12,100` / `1,5` to the `1234.56` form `Decimal` parses.
fn normalise_separators(s: &str, kind: Kind) -> Option<String> {
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let (decimal_sep, group_sep) = match (dots, commas) {
        (0, 0) => return Some(s.to_owned()),
        (_, 0) => {
            if dots == 1 && !(kind == Kind::Count && has_three_digit_tail(s, '.')) {
                (Some('.'), None)
            } else {
                (None, Some('.'))
            }
        }
        (0, _) => {
            let (whole, frac) = s.split_once(',')?;
            if commas == 1 && ((1..=2).contains(&frac.len()) || whole == "0") {
                (Some(','), None)
            } else {
                (None, Some(','))
            }
        }
        _ => {
            let last_dot = s.rfind('.')?;
            let last_comma = s.rfind(',')?;
            if last_dot > last_comma {
                (Some('.'), Some(','))
            } else {
                (Some(','), Some('.'))
            }
        }
    };
    let (whole, frac) = match decimal_sep {
        Some(sep) => {
            let (w, f) = s.rsplit_once(sep)?;
            if f.contains(['.', ',']) {
                return None;
            }
            (w, Some(f))
        }
        None => (s, None),
    };
    let mut out = String::with_capacity(s.len());
    match group_sep {
        Some(sep) => {
            let mut groups = whole.split(sep);
            let first = groups.next()?;
            if first.is_empty() || first.len() > 3 {
                return None;
            }
            out.push_str(first);
            for g in groups {
                if g.len() != 3 {
                    return None;
                }
                out.push_str(g);
            }
        }
        None => out.push_str(whole),
    }
    if let Some(f) = frac {
        if out.is_empty() {
            out.push('0');
        }
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

fn has_three_digit_tail(s: &str, sep: char) -> bool {
    match s.rsplit_once(sep) {
        Some((whole, tail)) => tail.len() == 3 && !whole.is_empty() && whole != "0",
        None => false,
    }
}

/// An intent cell: words (`informational`, `Commercial, Transactional`) or Semrush's codes
/// (`0` commercial, `1` informational, `2` navigational, `3` transactional; `1,0`). The first
/// recognised value wins; others (Ahrefs' `Branded`, `Local`) are skipped.
pub(super) fn intent(cell: &str) -> Option<Intent> {
    cell.split([',', ';', '/', '|'])
        .find_map(|token| intent_word(token.trim()))
}

fn intent_word(t: &str) -> Option<Intent> {
    const WORDS: [(&str, &str, &str, Intent); 4] = [
        ("0", "commercial", "c", Intent::Commercial),
        ("1", "informational", "i", Intent::Informational),
        ("2", "navigational", "n", Intent::Navigational),
        ("3", "transactional", "t", Intent::Transactional),
    ];
    WORDS
        .iter()
        .find(|(code, word, letter, _)| {
            t == *code || t.eq_ignore_ascii_case(word) || t.eq_ignore_ascii_case(letter)
        })
        .map(|w| w.3)
}

/// A true/false cell, as in Ahrefs' intent columns.
pub(super) fn truthy(cell: &str) -> bool {
    let t = cell.trim();
    ["true", "yes", "1", "y", "x"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn volumes() {
        for (cell, want) in [
            ("12100", Some(12_100)),
            ("12,100", Some(12_100)),
            ("1,234,567", Some(1_234_567)),
            ("12.100", Some(12_100)),
            ("12\u{a0}100", Some(12_100)),
            ("12 100", Some(12_100)),
            ("1.2K", Some(1_200)),
            ("1,5k", Some(1_500)),
            ("1M", Some(1_000_000)),
            ("1K – 10K", Some(1_000)),
            ("10 – 100", Some(10)),
            ("100K-1M", Some(100_000)),
            ("0 – 10", Some(0)),
            ("10K+", Some(10_000)),
            ("1900.0", Some(1_900)),
            ("0", Some(0)),
            ("", None),
            ("-", None),
            ("n/a", None),
            ("-5", None),
            ("12,10", Some(12)),
            ("1,2345", None),
        ] {
            assert_eq!(volume(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn difficulties() {
        for (cell, want) in [
            ("42", Some(42)),
            ("45.67", Some(46)),
            ("45.5", Some(46)),
            ("45,4", Some(45)),
            ("0", Some(0)),
            ("100", Some(100)),
            ("101", None),
            ("100.6", None),
            ("-1", None),
            ("67%", Some(67)),
            ("", None),
            ("n/a", None),
        ] {
            assert_eq!(difficulty(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn cpcs() {
        for (cell, want) in [
            ("1.25", Some("1.25")),
            ("$1.25", Some("1.25")),
            ("1,25", Some("1.25")),
            ("1,5", Some("1.5")),
            ("0,125", Some("0.125")),
            ("1,250", Some("1250")),
            ("1.234,56", Some("1234.56")),
            ("1,234.56", Some("1234.56")),
            ("USD 1.25", Some("1.25")),
            ("1,25 €", Some("1.25")),
            ("£0.80", Some("0.80")),
            (".5", Some("0.5")),
            ("0", Some("0")),
            ("", None),
            ("-1.00", None),
            ("free", None),
            ("1.2.3", None),
        ] {
            assert_eq!(cpc(cell), want.map(dec), "{cell:?}");
        }
    }

    #[test]
    fn intents() {
        assert_eq!(intent("informational"), Some(Intent::Informational));
        assert_eq!(
            intent("commercial, transactional"),
            Some(Intent::Commercial)
        );
        assert_eq!(intent("1,0"), Some(Intent::Informational));
        assert_eq!(intent("3"), Some(Intent::Transactional));
        assert_eq!(intent("0"), Some(Intent::Commercial));
        assert_eq!(intent("2"), Some(Intent::Navigational));
        assert_eq!(
            intent("Branded, Local, Navigational"),
            Some(Intent::Navigational)
        );
        assert_eq!(intent(""), None);
        assert_eq!(intent("7"), None);
        assert!(truthy(" TRUE ") && !truthy("false") && !truthy(""));
    }
}
