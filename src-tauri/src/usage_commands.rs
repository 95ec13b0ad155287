//! Tauri commands for the Usage page: what AI calls cost, from core's credit ledger, and the
//! credits left. Dates arrive as the person typed them (`YYYY-MM-DD`, UTC) and are read by
//! core's own parser, so the page and `folio usage --from/--to` agree.

use crate::AppState;
use folio_core::Folio;
use folio_model::{
    ContentUsage, CreditBalance, DailySiteUsage, ErrorDto, SiteId, UsageFilter, UsageGroup,
    UsageReport,
};
use tauri::State;

fn folio(state: &State<'_, AppState>) -> Result<Folio, ErrorDto> {
    state.folio()
}

/// Usage totals grouped by operation, model, site, month or day.
#[tauri::command]
pub async fn usage_report(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    from: Option<String>,
    to: Option<String>,
    group_by: UsageGroup,
) -> Result<UsageReport, ErrorDto> {
    let filter = UsageFilter::from_dates(site, from.as_deref(), to.as_deref())?;
    Ok(folio(&state)?.usage_report(&filter, group_by).await?)
}

/// Cost per day and site, for the chart.
#[tauri::command]
pub async fn usage_by_day(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Vec<DailySiteUsage>, ErrorDto> {
    let filter = UsageFilter::from_dates(site, from.as_deref(), to.as_deref())?;
    Ok(folio(&state)?.usage_by_day_and_site(&filter).await?)
}

/// Plan and bonus credits left, or a local account's monthly budget.
#[tauri::command]
pub async fn credit_balance(state: State<'_, AppState>) -> Result<CreditBalance, ErrorDto> {
    Ok(folio(&state)?.credit_balance().await?)
}

/// The most expensive articles in the selection, most expensive first.
#[tauri::command]
pub async fn usage_top_content(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    from: Option<String>,
    to: Option<String>,
    limit: u32,
) -> Result<Vec<ContentUsage>, ErrorDto> {
    let filter = UsageFilter::from_dates(site, from.as_deref(), to.as_deref())?;
    Ok(folio(&state)?.usage_by_content(&filter, limit).await?)
}
