//! `folio usage`: what AI calls cost, from the credit ledger.

use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::Args;
use folio_core::Folio;
use folio_model::{usd, SiteId, UsageFilter, UsageGroup, UsageRow};

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
    let filter = UsageFilter::from_dates(args.site, args.from.as_deref(), args.to.as_deref())?;
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
