//! The credit ledger as the UI and the CLI see it: one entry per provider call, reports over the
//! entries, and what a call is estimated to cost. How credits are computed and balances derived
//! is core's business (docs/credits.md); these are the shapes that cross to the screen.

use crate::account::record_id;
use crate::ai_config::AiOperation;
use crate::ids::{AccountId, ContentId, SiteId};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

record_id!(
    /// One ledger entry (one provider call).
    LedgerEntryId
);

record_id!(
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
}
