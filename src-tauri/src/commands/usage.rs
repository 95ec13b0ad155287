//! Usage: what AI calls cost, from core's credit ledger, and the credits left. Dates arrive as
//! the person typed them (`YYYY-MM-DD`, UTC) and are read by core's own parser, so the page and
//! `folio usage --from/--to` agree.

use super::folio;
use folio_model::ipc::{NoArgs, UsageByDayArgs, UsageReportArgs, UsageTopContentArgs};
use folio_model::{
    ContentUsage, CreditBalance, DailySiteUsage, ErrorDto, UsageFilter, UsageReport,
};
use tauri::AppHandle;

/// Usage totals grouped by operation, model, site, month or day.
pub async fn usage_report(app: AppHandle, args: UsageReportArgs) -> Result<UsageReport, ErrorDto> {
    let filter = UsageFilter::from_dates(args.site, args.from.as_deref(), args.to.as_deref())?;
    Ok(folio(&app)?.usage_report(&filter, args.group_by).await?)
}

/// Cost per day and site, for the chart.
pub async fn usage_by_day(
    app: AppHandle,
    args: UsageByDayArgs,
) -> Result<Vec<DailySiteUsage>, ErrorDto> {
    let filter = UsageFilter::from_dates(args.site, args.from.as_deref(), args.to.as_deref())?;
    Ok(folio(&app)?.usage_by_day_and_site(&filter).await?)
}

/// The most expensive articles in the selection, most expensive first.
pub async fn usage_top_content(
    app: AppHandle,
    args: UsageTopContentArgs,
) -> Result<Vec<ContentUsage>, ErrorDto> {
    let filter = UsageFilter::from_dates(args.site, args.from.as_deref(), args.to.as_deref())?;
    Ok(folio(&app)?.usage_by_content(&filter, args.limit).await?)
}

/// Plan and bonus credits left, or a local account's monthly budget.
pub async fn credit_balance(app: AppHandle, _: NoArgs) -> Result<CreditBalance, ErrorDto> {
    Ok(folio(&app)?.credit_balance().await?)
}
