//! This month's spend, day by day: the usage report's per-day cells
//! ([`Folio::usage_by_day_and_site`]) from the 1st of the month (UTC), summed over sites, with
//! every day up to today present for the chart.

use crate::credits::balance::month_bounds;
use crate::store::db::now;
use crate::{CoreError, Folio};
use folio_model::{DaySpend, MonthSpend, SiteId, UsageFilter};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub(super) async fn this_month(
    folio: &Folio,
    site: Option<SiteId>,
) -> Result<MonthSpend, CoreError> {
    let today = now();
    let (from, until) = month_bounds(today);
    let cells = folio
        .usage_by_day_and_site(&UsageFilter {
            site,
            content: None,
            from: Some(from),
            until: Some(until),
        })
        .await?;
    let mut days: BTreeMap<String, DaySpend> = from
        .date_naive()
        .iter_days()
        .take_while(|d| *d <= today.date_naive())
        .map(|d| {
            let day = d.format("%Y-%m-%d").to_string();
            let spend = DaySpend {
                day: day.clone(),
                credits: 0,
                cost_usd: Decimal::ZERO,
            };
            (day, spend)
        })
        .collect();
    let mut month = MonthSpend {
        from: Some(from),
        ..Default::default()
    };
    for cell in cells {
        month.credits += cell.credits;
        month.cost_usd += cell.cost_usd;
        let day = days.entry(cell.day.clone()).or_insert_with(|| DaySpend {
            day: cell.day.clone(),
            credits: 0,
            cost_usd: Decimal::ZERO,
        });
        day.credits += cell.credits;
        day.cost_usd += cell.cost_usd;
    }
    month.cost_usd = month.cost_usd.normalize();
    month.days = days
        .into_values()
        .map(|mut d| {
            d.cost_usd = d.cost_usd.normalize();
            d
        })
        .collect();
    Ok(month)
}
