//! The credit ledger as the UI and the CLI see it: one entry per provider call, reports over the
//! entries, and what a call is estimated to cost. How credits are computed and balances derived
//! is core's business (docs/credits.md); these are the shapes that cross to the screen.

use crate::ai_config::AiOperation;
use crate::error::{ErrorDto, ErrorKind};
use crate::ids::id_type;
use crate::ids::{AccountId, ContentId, SiteId};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

id_type!(
    /// One ledger entry (one provider call).
    LedgerEntryId
);

id_type!(
    /// Credits reserved on this device while a provider call runs.
    CreditHoldId
);

/// How a provider call ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CallOutcome {
    Ok,
    /// The call failed after reaching the provider; `error_kind` says how (`truncated`,
    /// `rate_limited`, `provider_error`, …). Tokens the provider billed are still charged.
    Failed {
        error_kind: String,
    },
}

impl CallOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::Failed { .. } => "failed",
        }
    }

    pub fn error_kind(&self) -> Option<&str> {
        match self {
            CallOutcome::Ok => None,
            CallOutcome::Failed { error_kind } => Some(error_kind),
        }
    }
}

/// What a finished provider call used, as the caller reports it to the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecord {
    pub operation: AiOperation,
    pub site: Option<SiteId>,
    pub content: Option<ContentId>,
    pub provider: String,
    /// The model's name as in the model list (`gpt-4o-mini`, `runware:97@1`).
    pub model: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// Images actually produced (only those are charged).
    pub images: u32,
    /// The cost the provider reported, when it reports one (Runware does); otherwise the cost
    /// is computed from the model's prices.
    pub provider_cost_usd: Option<Decimal>,
    pub outcome: CallOutcome,
    /// When the call was made; `None` means now. Set only when recording past usage (and by
    /// tests crossing a month or period boundary).
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// One provider call in the ledger. Entries are append-only and sync with the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: LedgerEntryId,
    pub account_id: AccountId,
    pub created_at: DateTime<Utc>,
    pub operation: AiOperation,
    pub site_id: Option<SiteId>,
    /// The site's name when the call was made (the site may be gone since).
    pub site_name: Option<String>,
    pub content_id: Option<ContentId>,
    pub provider: String,
    pub model: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub images: u32,
    pub cost_usd: Decimal,
    /// Credits charged: `plan_credits + bonus_credits` on a server account.
    pub credits: u64,
    pub plan_credits: u64,
    pub bonus_credits: u64,
    /// Credits the call cost beyond what was left (charged as far as the balance went; the rest
    /// is recorded here, never taken below zero).
    pub credits_uncovered: u64,
    pub outcome: String,
    pub error_kind: Option<String>,
    /// The data directory that made the call, when it has synced (and so has a device id).
    pub device_id: Option<String>,
}

/// Credits reserved for a call in progress; settle or release it when the call ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditHold {
    pub id: CreditHoldId,
    pub operation: AiOperation,
    pub credits: u64,
    /// A hold of a process that crashed stops counting at this time.
    pub expires_at: DateTime<Utc>,
}

/// What an estimate is based on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateInput {
    /// A text call: the prompt's tokens and the most the model may write.
    Text {
        input_tokens: u64,
        max_output_tokens: u64,
    },
    Images {
        count: u32,
    },
}

/// Whether the balance covers an estimate with a safety factor (automation asks for 1.2×).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affordability {
    /// `ceil(estimate × factor)`.
    pub needed: u64,
    /// What can be spent now (after calls in progress on this device); `None`: no limit.
    pub available: Option<u64>,
    pub ok: bool,
}

/// Which ledger entries a report covers. `from` is inclusive, `until` exclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageFilter {
    pub site: Option<SiteId>,
    pub content: Option<ContentId>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl UsageFilter {
    /// A filter from the dates a person typed (`--from`/`--to` in the CLI, the date fields of
    /// the Usage page): each `YYYY-MM-DD` (a whole UTC day, so `to` includes that day) or an
    /// RFC 3339 instant; blank means no bound. The error names the field.
    pub fn from_dates(
        site: Option<SiteId>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self, ErrorDto> {
        let bound = |field, raw: Option<&str>, end| {
            raw.map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| parse_usage_date(field, d, end))
                .transpose()
        };
        Ok(UsageFilter {
            site,
            content: None,
            from: bound("from", from, false)?,
            until: bound("to", to, true)?,
        })
    }
}

/// One bound of a usage filter: `YYYY-MM-DD` (a whole UTC day) or an RFC 3339 instant. Returns
/// an inclusive start, or with `end` an exclusive end.
pub fn parse_usage_date(field: &str, raw: &str, end: bool) -> Result<DateTime<Utc>, ErrorDto> {
    let raw = raw.trim();
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let day = if end {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        return Ok(Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    match DateTime::parse_from_rfc3339(raw) {
        // Stored times have microseconds; one more makes an instant end inclusive.
        Ok(t) if end => Ok(t.with_timezone(&Utc) + Duration::microseconds(1)),
        Ok(t) => Ok(t.with_timezone(&Utc)),
        Err(_) => Err(ErrorDto::new(
            ErrorKind::Validation,
            format!(
                "{raw:?} is not a date; use YYYY-MM-DD (a UTC day) or an RFC 3339 time such as 2026-01-31T12:00:00Z"
            ),
        )
        .with_field(field)),
    }
}

/// An amount in US dollars to 4 places, rounded half away from zero (Decimal's own `{:.4}`
/// truncates): `0.0123`. The CLI prints it in a USD column, the app after a `$`.
pub fn usd(cost: Decimal) -> String {
    format!(
        "{:.4}",
        cost.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// What a usage report's rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageGroup {
    Operation,
    Model,
    Site,
    /// Calendar months, UTC (`2026-01`).
    Month,
    /// Days, UTC (`2026-01-31`).
    Day,
}

impl UsageGroup {
    pub const ALL: [UsageGroup; 5] = [
        UsageGroup::Operation,
        UsageGroup::Model,
        UsageGroup::Site,
        UsageGroup::Month,
        UsageGroup::Day,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UsageGroup::Operation => "operation",
            UsageGroup::Model => "model",
            UsageGroup::Site => "site",
            UsageGroup::Month => "month",
            UsageGroup::Day => "day",
        }
    }
}

impl fmt::Display for UsageGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UsageGroup {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UsageGroup::ALL
            .iter()
            .copied()
            .find(|g| g.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a usage grouping; use one of: operation, model, site, month, day"
                )
            })
    }
}

/// The totals of a group of ledger entries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRow {
    /// What the row groups by: an operation, a model name, a site id (empty: no site), a month
    /// or a day.
    pub key: String,
    /// The key for people: a site's name rather than its id.
    pub label: String,
    pub calls: u64,
    pub failed: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub images: u64,
    pub cost_usd: Decimal,
    pub credits: u64,
}

/// What one article's AI calls cost in a selection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentUsage {
    pub content_id: ContentId,
    /// The article's title; `None` when it is gone (the ledger keeps its entries).
    pub title: Option<String>,
    pub site_id: Option<SiteId>,
    pub usage: UsageRow,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub group_by: UsageGroup,
    pub filter: UsageFilter,
    pub rows: Vec<UsageRow>,
    pub totals: UsageRow,
}

/// One bar segment of the usage chart: one site's cost on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySiteUsage {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub site_id: Option<SiteId>,
    pub site_label: String,
    pub cost_usd: Decimal,
    pub credits: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groupings_parse_and_outcomes_serialise_flat() {
        assert_eq!("Month".parse::<UsageGroup>(), Ok(UsageGroup::Month));
        let err = "week".parse::<UsageGroup>().unwrap_err();
        assert!(err.contains("operation, model, site, month, day"), "{err}");
        let failed = CallOutcome::Failed {
            error_kind: "truncated".into(),
        };
        assert_eq!(
            serde_json::to_value(&failed).unwrap(),
            serde_json::json!({"outcome": "failed", "error_kind": "truncated"})
        );
        assert_eq!(
            (failed.as_str(), failed.error_kind()),
            ("failed", Some("truncated"))
        );
    }

    fn ts(t: DateTime<Utc>) -> String {
        t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    }

    #[test]
    fn usage_dates_are_days_or_instants() {
        let from = parse_usage_date("from", "2026-01-31", false).unwrap();
        let to = parse_usage_date("to", "2026-01-31", true).unwrap();
        assert_eq!(ts(from), "2026-01-31T00:00:00.000000Z");
        assert_eq!(
            ts(to),
            "2026-02-01T00:00:00.000000Z",
            "a whole day, inclusive"
        );
        let t = parse_usage_date("to", "2026-01-31T12:00:00+02:00", true).unwrap();
        assert_eq!(ts(t), "2026-01-31T10:00:00.000001Z");
        let err = parse_usage_date("from", "31/01/2026", false).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("from"));
        assert!(err.message.contains("YYYY-MM-DD"), "{err:?}");
    }

    #[test]
    fn a_filter_from_typed_dates_ignores_blanks_and_names_the_bad_field() {
        let f = UsageFilter::from_dates(None, Some(" 2026-01-31 "), Some("  ")).unwrap();
        assert_eq!(
            f.from.map(ts).as_deref(),
            Some("2026-01-31T00:00:00.000000Z")
        );
        assert_eq!(f.until, None);
        let err = UsageFilter::from_dates(None, None, Some("tomorrow")).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("to"));
    }

    #[test]
    fn dollars_round_half_away_from_zero() {
        assert_eq!(usd(Decimal::new(123_456, 7)), "0.0123");
        assert_eq!(usd(Decimal::new(5, 5)), "0.0001");
        assert_eq!(usd(Decimal::ZERO), "0.0000");
        assert_eq!(usd(Decimal::new(15, 1)), "1.5000");
    }
}
