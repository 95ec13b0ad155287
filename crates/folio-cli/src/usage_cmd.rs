//! `folio usage`: what AI calls cost, from the credit ledger.

use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::Args;
use folio_core::ledger::parse_usage_date;
use folio_core::Folio;
use folio_model::{SiteId, UsageFilter, UsageGroup, UsageRow};
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Args)]
pub struct UsageArgs {
    /// Only calls for this site.
    #[arg(long)]
    site: Option<SiteId>,
    /// From this day (YYYY-MM-DD, UTC) or RFC 3339 time, inclusive.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Up to this day (YYYY-MM-DD, UTC, the whole day) or RFC 3339 time, inclusive.
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// One row per operation, model, site, month or day.
    #[arg(long, value_name = "GROUP", default_value = "operation")]
    by: UsageGroup,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub async fn run(folio: &Folio, args: UsageArgs) -> Result<(), Failure> {
    let filter = UsageFilter {
        site: args.site,
        content: None,
        from: args
            .from
            .as_deref()
            .map(|d| parse_usage_date("from", d, false))
            .transpose()?,
        until: args
            .to
            .as_deref()
            .map(|d| parse_usage_date("to", d, true))
            .transpose()?,
    };
    let report = folio.usage_report(&filter, args.by).await?;
    if args.json.json {
        return print_json(&report);
    }
    if report.rows.is_empty() {
        println!("No AI usage recorded for this selection.");
        return Ok(());
    }
    let cells = |r: &UsageRow, label: &str| {
        vec![
            label.to_string(),
            r.calls.to_string(),
            r.failed.to_string(),
            r.tokens_in.to_string(),
            r.tokens_out.to_string(),
            r.images.to_string(),
            usd(r.cost_usd),
            r.credits.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = report.rows.iter().map(|r| cells(r, &r.label)).collect();
    rows.push(cells(&report.totals, "TOTAL"));
    let group = report.group_by.as_str().to_uppercase();
    print_table(
        &[
            group.as_str(),
            "CALLS",
            "FAILED",
            "TOKENS IN",
            "TOKENS OUT",
            "IMAGES",
            "COST USD",
            "CREDITS",
        ],
        &rows,
    );
    Ok(())
}

/// Dollars to 4 places, half away from zero (Decimal's own `{:.4}` truncates).
pub fn usd(cost: Decimal) -> String {
    format!(
        "{:.4}",
        cost.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
    )
}
