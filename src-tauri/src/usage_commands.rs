//! Tauri commands for the Usage page: what AI calls cost, from core's credit ledger, and the
//! credits left. Dates arrive as the person typed them (`YYYY-MM-DD`, UTC) and are read by
//! core's own parser, so the page and `folio usage --from/--to` agree.

use crate::AppState;
use folio_core::ledger::parse_usage_date;
use folio_core::{CoreError, Folio};
use folio_model::{
    ContentId, CreditBalance, DailySiteUsage, ErrorDto, SiteId, UsageFilter, UsageGroup,
    UsageReport, UsageRow,
};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use tauri::State;

fn folio(state: &State<'_, AppState>) -> Result<Folio, ErrorDto> {
    state.folio()
}

fn filter(
    site: Option<SiteId>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<UsageFilter, ErrorDto> {
    let day = |field, raw: Option<&str>, end| {
        raw.map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| parse_usage_date(field, d, end))
            .transpose()
    };
    Ok(UsageFilter {
        site,
        content: None,
        from: day("from", from, false)?,
        until: day("to", to, true)?,
    })
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
    let filter = filter(site, from.as_deref(), to.as_deref())?;
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
    let filter = filter(site, from.as_deref(), to.as_deref())?;
    Ok(folio(&state)?.usage_by_day_and_site(&filter).await?)
}

/// Plan and bonus credits left, or a local account's monthly budget.
#[tauri::command]
pub async fn credit_balance(state: State<'_, AppState>) -> Result<CreditBalance, ErrorDto> {
    Ok(folio(&state)?.credit_balance().await?)
}

/// What one article's calls cost in the selection.
#[derive(Clone, Debug, Serialize)]
pub struct ContentUsage {
    pub content_id: ContentId,
    /// The article's title; `None` when it is gone.
    pub title: Option<String>,
    pub site_id: Option<SiteId>,
    pub usage: UsageRow,
}

/// The most expensive articles in the selection, most expensive first.
///
/// Core reports by operation, model, site, month and day but not by article, so the entries are
/// summed here (a `UsageGroup::Content` in core would replace this).
#[tauri::command]
pub async fn usage_top_content(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    from: Option<String>,
    to: Option<String>,
    limit: u32,
) -> Result<Vec<ContentUsage>, ErrorDto> {
    let filter = filter(site, from.as_deref(), to.as_deref())?;
    let folio = folio(&state)?;
    let entries = folio.ledger_entries(&filter, u32::MAX).await?;
    let mut by_content: HashMap<ContentId, ContentUsage> = HashMap::new();
    for e in entries {
        let Some(content) = e.content_id else {
            continue;
        };
        let item = by_content.entry(content).or_insert_with(|| ContentUsage {
            content_id: content,
            title: None,
            site_id: e.site_id,
            usage: UsageRow {
                key: content.to_string(),
                cost_usd: Decimal::ZERO,
                ..UsageRow::default()
            },
        });
        let u = &mut item.usage;
        u.calls += 1;
        u.failed += u64::from(e.outcome != "ok");
        u.tokens_in += e.tokens_in;
        u.tokens_out += e.tokens_out;
        u.images += u64::from(e.images);
        u.cost_usd += e.cost_usd;
        u.credits += e.credits;
    }
    let mut items: Vec<ContentUsage> = by_content.into_values().collect();
    items.sort_by(|a, b| {
        b.usage
            .cost_usd
            .cmp(&a.usage.cost_usd)
            .then(b.usage.credits.cmp(&a.usage.credits))
            .then(a.usage.key.cmp(&b.usage.key))
    });
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    for item in &mut items {
        item.usage.cost_usd = item.usage.cost_usd.normalize();
        match folio.get_content(item.content_id).await {
            Ok(c) => {
                item.usage.label = c.title.clone();
                item.title = Some(c.title);
            }
            Err(CoreError::NotFound { .. }) => item.usage.label = "(deleted article)".into(),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(items)
}
