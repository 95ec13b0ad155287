//! The cost-per-day chart: stacked SVG bars by site, drawn by Yew (no chart library).

use super::state::UsageState;
use crate::format::{count, usd};
use chrono::NaiveDate;
use folio_model::DailySiteUsage;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use yew::prelude::*;

/// A chart spanning more days than this shows only the days with usage.
const MAX_FILLED_DAYS: i64 = 120;

/// The x axis: every day from the first to the last with usage when that span is short, else
/// only the days with usage.
pub fn chart_days(cells: &[DailySiteUsage]) -> Vec<String> {
    let mut days: Vec<String> = cells.iter().map(|c| c.day.clone()).collect();
    days.sort();
    days.dedup();
    let parse = |d: &String| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    if let (Some(first), Some(last)) = (days.first().and_then(parse), days.last().and_then(parse)) {
        let span = (last - first).num_days();
        if (0..MAX_FILLED_DAYS).contains(&span) {
            return first
                .iter_days()
                .take_while(|d| *d <= last)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .collect();
        }
    }
    days
}

/// Sites in the order their segments stack (most expensive at the bottom): (key, label).
pub fn chart_sites(cells: &[DailySiteUsage]) -> Vec<(String, String)> {
    let mut sites: Vec<(String, String, Decimal)> = Vec::new();
    for c in cells {
        let key = c.site_id.map(|s| s.to_string()).unwrap_or_default();
        match sites.iter_mut().find(|(k, _, _)| *k == key) {
            Some(s) => s.2 += c.cost_usd,
            None => sites.push((key, c.site_label.clone(), c.cost_usd)),
        }
    }
    sites.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    sites.into_iter().map(|(k, l, _)| (k, l)).collect()
}

const PALETTE: [&str; 8] = [
    "#1f6f5c", "#e0a03a", "#4c6ef5", "#c2410c", "#7c3aed", "#0e7490", "#be185d", "#65a30d",
];

pub fn chart(s: &UsageState, cells: &[DailySiteUsage]) -> Html {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 56.0;
    const BOTTOM: f64 = 24.0;
    const TOP: f64 = 10.0;
    let days = chart_days(cells);
    let sites = chart_sites(cells);
    let day_total = |day: &str| -> Decimal {
        cells
            .iter()
            .filter(|c| c.day == day)
            .map(|c| c.cost_usd)
            .sum()
    };
    let max = days
        .iter()
        .map(|d| day_total(d))
        .max()
        .unwrap_or(Decimal::ZERO);
    let body = if days.is_empty() || max <= Decimal::ZERO {
        html! { <p id="usage-chart-empty" class="muted">{"No cost in this selection."}</p> }
    } else {
        let max_f = max.to_f64().unwrap_or(1.0).max(f64::MIN_POSITIVE);
        let plot_w = W - LEFT - 8.0;
        let plot_h = H - BOTTOM - TOP;
        let slot = plot_w / days.len() as f64;
        let bar_w = (slot * 0.7).clamp(1.0, 48.0);
        let label_every = (days.len() / 8).max(1);
        let bars = days.iter().enumerate().map(|(i, day)| {
            let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
            let mut y = TOP + plot_h;
            let segments = sites.iter().enumerate().filter_map(|(si, (key, label))| {
                let cell = cells.iter().find(|c| {
                    &c.day == day && c.site_id.map(|s| s.to_string()).unwrap_or_default() == *key
                })?;
                let h = cell.cost_usd.to_f64().unwrap_or(0.0) / max_f * plot_h;
                y -= h;
                let name = if label.is_empty() { s.site_name(cell.site_id) } else { label.clone() };
                Some(html! {
                    <rect class="usage-seg" data-day={day.clone()} data-site={name.clone()}
                        data-cost={cell.cost_usd.to_string()}
                        x={format!("{x:.2}")} y={format!("{y:.2}")} width={format!("{bar_w:.2}")}
                        height={format!("{:.2}", h.max(0.5))} fill={PALETTE[si % PALETTE.len()]}>
                        <title>{ format!("{day} \u{2014} {name}: {} ({} credits)", usd(cell.cost_usd), count(cell.credits)) }</title>
                    </rect>
                })
            }).collect::<Html>();
            let label = (i % label_every == 0 || i + 1 == days.len()).then(|| html! {
                <text class="axis-label" x={format!("{:.2}", x + bar_w / 2.0)} y={format!("{:.2}", H - 6.0)} text-anchor="middle">
                    { day.get(5..).unwrap_or(day) }
                </text>
            });
            html! { <g class="usage-bar" data-day={day.clone()} data-total={day_total(day).to_string()}>{segments}{for label}</g> }
        }).collect::<Html>();
        html! {
            <>
                <svg id="usage-chart" class="usage-chart" viewBox={format!("0 0 {W} {H}")} role="img"
                    aria-label="Cost per day, stacked by site">
                    <line class="axis" x1={LEFT.to_string()} y1={TOP.to_string()} x2={LEFT.to_string()} y2={(TOP + plot_h).to_string()} />
                    <line class="axis" x1={LEFT.to_string()} y1={(TOP + plot_h).to_string()} x2={(W - 8.0).to_string()} y2={(TOP + plot_h).to_string()} />
                    <line class="grid" x1={LEFT.to_string()} y1={TOP.to_string()} x2={(W - 8.0).to_string()} y2={TOP.to_string()} />
                    <text class="axis-label" id="usage-chart-max" x={(LEFT - 6.0).to_string()} y={(TOP + 4.0).to_string()} text-anchor="end">{ usd(max) }</text>
                    <text class="axis-label" x={(LEFT - 6.0).to_string()} y={(TOP + plot_h).to_string()} text-anchor="end">{"$0"}</text>
                    { bars }
                </svg>
                <ul class="chart-legend" id="usage-chart-legend">
                    { for sites.iter().enumerate().map(|(i, (_, label))| html! {
                        <li><span class="swatch" style={format!("background:{}", PALETTE[i % PALETTE.len()])}></span>{label}</li>
                    }) }
                </ul>
            </>
        }
    };
    html! {
        <div class="panel usage-chart-panel">
            <h2>{"Cost per day"}</h2>
            { body }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(day: &str, site: Option<&str>, label: &str, cost: i64) -> DailySiteUsage {
        DailySiteUsage {
            day: day.into(),
            site_id: site.map(|s| s.parse().unwrap()),
            site_label: label.into(),
            cost_usd: Decimal::new(cost, 4),
            credits: 1,
        }
    }

    const A: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    const B: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c";

    #[test]
    fn short_spans_fill_every_day_and_sites_stack_most_expensive_first() {
        let cells = [
            cell("2026-01-30", Some(A), "Garden", 10),
            cell("2026-02-02", Some(B), "Kitchen", 50),
            cell("2026-02-02", Some(A), "Garden", 10),
        ];
        assert_eq!(
            chart_days(&cells),
            ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]
        );
        let sites: Vec<_> = chart_sites(&cells).into_iter().map(|(_, l)| l).collect();
        assert_eq!(sites, ["Kitchen", "Garden"]);
        let far = [
            cell("2025-01-01", None, "(no site)", 1),
            cell("2026-01-01", None, "(no site)", 1),
        ];
        assert_eq!(chart_days(&far), ["2025-01-01", "2026-01-01"]);
    }
}
