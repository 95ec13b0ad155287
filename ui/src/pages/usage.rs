//! Usage: what AI calls cost, from core's credit ledger — totals, the credits left, a table by
//! operation, model, site, month or day, cost per day and site as stacked SVG bars, and the most
//! expensive articles. Every number is core's; this page only lays it out.

use crate::format::{count, usd};
use crate::ipc::{self, UsageSelection};
use chrono::NaiveDate;
use folio_model::{
    ContentUsage, CreditBalance, DailySiteUsage, ErrorDto, Site, SiteId, UsageGroup, UsageReport,
    UsageRow,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// How many articles the "most expensive" list shows.
const TOP_ARTICLES: u32 = 10;
/// A chart spanning more days than this shows only the days with usage.
const MAX_FILLED_DAYS: i64 = 120;

/// The data shown for one selection and grouping.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageData {
    pub report: UsageReport,
    pub chart: Vec<DailySiteUsage>,
    pub top: Vec<ContentUsage>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UsageState {
    pub sites: Vec<Site>,
    /// The filter form as typed.
    pub draft: UsageSelection,
    /// The selection the data is (being) loaded for.
    pub applied: UsageSelection,
    pub group: UsageGroup,
    pub loading: bool,
    pub data: Option<UsageData>,
    pub error: Option<ErrorDto>,
    pub balance: Option<Result<CreditBalance, String>>,
}

impl Default for UsageState {
    fn default() -> Self {
        Self {
            sites: Vec::new(),
            draft: UsageSelection::default(),
            applied: UsageSelection::default(),
            group: UsageGroup::Operation,
            loading: true,
            data: None,
            error: None,
            balance: None,
        }
    }
}

pub enum UsageAction {
    SitesLoaded(Vec<Site>),
    EditSite(Option<SiteId>),
    EditFrom(String),
    EditTo(String),
    Apply,
    Group(UsageGroup),
    /// A reply for a selection and grouping; stale ones (the person moved on) are dropped.
    Loaded(UsageSelection, UsageGroup, Result<Box<UsageData>, ErrorDto>),
    Balance(Result<CreditBalance, ErrorDto>),
}

impl Reducible for UsageState {
    type Action = UsageAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            UsageAction::SitesLoaded(sites) => s.sites = sites,
            UsageAction::EditSite(site) => s.draft.site = site,
            UsageAction::EditFrom(v) => {
                s.draft.from = v;
                s.clear_error_for("from");
            }
            UsageAction::EditTo(v) => {
                s.draft.to = v;
                s.clear_error_for("to");
            }
            UsageAction::Apply => {
                if s.applied != s.draft {
                    s.applied = s.draft.clone();
                    s.loading = true;
                    s.error = None;
                }
            }
            UsageAction::Group(g) => {
                if s.group != g {
                    s.group = g;
                    s.loading = true;
                }
            }
            UsageAction::Loaded(selection, group, result) => {
                if selection != s.applied || group != s.group {
                    return self;
                }
                s.loading = false;
                match result {
                    Ok(data) => {
                        s.data = Some(*data);
                        s.error = None;
                    }
                    Err(e) => s.error = Some(e),
                }
            }
            UsageAction::Balance(result) => s.balance = Some(result.map_err(|e| e.message)),
        }
        Rc::new(s)
    }
}

impl UsageState {
    fn clear_error_for(&mut self, field: &str) {
        if self.error_for(field).is_some() {
            self.error = None;
        }
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.is_about(field))
            .map(|e| e.message.as_str())
    }

    pub fn page_error(&self) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| !matches!(e.field.as_deref(), Some("from" | "to")))
            .map(|e| e.message.as_str())
    }

    fn site_name(&self, site: Option<SiteId>) -> String {
        site.and_then(|id| self.sites.iter().find(|s| s.id == id))
            .map_or_else(String::new, |s| s.name.clone())
    }
}

async fn load(selection: &UsageSelection, group: UsageGroup) -> Result<Box<UsageData>, ErrorDto> {
    Ok(Box::new(UsageData {
        report: ipc::usage_report(selection, group).await?,
        chart: ipc::usage_by_day(selection).await?,
        top: ipc::usage_top_content(selection, TOP_ARTICLES).await?,
    }))
}

fn group_label(g: UsageGroup) -> &'static str {
    match g {
        UsageGroup::Operation => "Operation",
        UsageGroup::Model => "Model",
        UsageGroup::Site => "Site",
        UsageGroup::Month => "Month",
        UsageGroup::Day => "Day",
    }
}

#[function_component(UsagePage)]
pub fn usage_page() -> Html {
    let state = use_reducer(UsageState::default);
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(list) = ipc::list_sites().await {
                    dispatcher.dispatch(UsageAction::SitesLoaded(list.items));
                }
                dispatcher.dispatch(UsageAction::Balance(ipc::credit_balance().await));
            });
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (state.applied.clone(), state.group),
            move |(selection, group)| {
                let (selection, group) = (selection.clone(), *group);
                spawn_local(async move {
                    let result = load(&selection, group).await;
                    dispatcher.dispatch(UsageAction::Loaded(selection, group, result));
                });
            },
        );
    }

    let on_site = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatcher.dispatch(UsageAction::EditSite(value.parse().ok()));
        })
    };
    let edit = |make: fn(String) -> UsageAction| {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            dispatcher.dispatch(make(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_apply = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            dispatcher.dispatch(UsageAction::Apply);
        })
    };
    let on_group = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(g) = value.parse() {
                dispatcher.dispatch(UsageAction::Group(g));
            }
        })
    };

    let s = &*state;
    html! {
        <section class="page usage-page">
            <header class="page-header">
                <h1 id="page-title">{"Usage"}</h1>
                <p class="hint">{"What AI calls cost, from the credit ledger (every device of the account counts). Days are UTC."}</p>
            </header>
            { balance_panel(s) }
            <form id="usage-filter" class="panel usage-filter" onsubmit={on_apply} novalidate=true>
                <div class="field">
                    <label for="usage-site">{"Site"}</label>
                    <select id="usage-site" onchange={on_site}>
                        <option value="" selected={s.draft.site.is_none()}>{"All sites"}</option>
                        { for s.sites.iter().map(|site| html! {
                            <option value={site.id.to_string()} selected={s.draft.site == Some(site.id)}>{&site.name}</option>
                        }) }
                    </select>
                </div>
                { date_field("from", "From", &s.draft.from, s.error_for("from"), edit(UsageAction::EditFrom)) }
                { date_field("to", "To", &s.draft.to, s.error_for("to"), edit(UsageAction::EditTo)) }
                <button id="usage-apply" type="submit" class="primary">{"Show"}</button>
            </form>
            if let Some(msg) = s.page_error() {
                <div id="usage-error" class="error banner" role="alert">{msg}</div>
            }
            if let Some(data) = &s.data {
                <div class={classes!("usage-data", s.loading.then_some("stale"))} aria-busy={s.loading.to_string()}>
                    { totals(&data.report.totals) }
                    { chart(s, &data.chart) }
                    <div class="panel usage-table-panel">
                        <div class="panel-head">
                            <h2>{"Breakdown"}</h2>
                            <div class="field inline-select">
                                <label for="usage-group">{"By"}</label>
                                <select id="usage-group" onchange={on_group}>
                                    { for UsageGroup::ALL.iter().map(|&g| html! {
                                        <option value={g.as_str()} selected={g == s.group}>{group_label(g)}</option>
                                    }) }
                                </select>
                            </div>
                        </div>
                        { table(&data.report) }
                    </div>
                    { top_articles(s, &data.top) }
                </div>
            } else if s.loading {
                <p class="muted" id="usage-loading">{"Loading\u{2026}"}</p>
            }
        </section>
    }
}

fn date_field(
    id: &'static str,
    label: &'static str,
    value: &str,
    error: Option<&str>,
    oninput: Callback<InputEvent>,
) -> Html {
    let input_id = format!("usage-{id}");
    let error_id = format!("usage-{id}-error");
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={input_id.clone()}>{label}</label>
            <input id={input_id} type="text" placeholder="YYYY-MM-DD" value={value.to_owned()} {oninput}
                inputmode="numeric" spellcheck="false" size="11"
                aria-invalid={error.is_some().to_string()} aria-describedby={error_id.clone()} />
            if let Some(msg) = error { <div id={error_id} class="error" role="alert">{msg}</div> }
        </div>
    }
}

fn credits(d: Decimal) -> String {
    let n = d.round().to_u64().unwrap_or(0);
    count(n)
}

fn balance_panel(s: &UsageState) -> Html {
    let body = match &s.balance {
        None => html! { <p class="muted">{"Loading\u{2026}"}</p> },
        Some(Err(msg)) => html! { <div class="error" role="alert">{msg}</div> },
        Some(Ok(b)) if b.unlimited => html! {
            <p id="usage-available" data-state="unlimited">
                {"No limit: this local account has no monthly budget "}
                <span class="muted">{"(set one with "}<code>{"folio credits budget set N"}</code>{")."}</span>
            </p>
        },
        Some(Ok(b)) => {
            let available = b.available().map(credits).unwrap_or_default();
            let facts = match b.monthly_budget {
                Some(budget) => html! {
                    <>
                        <dt>{"Monthly budget"}</dt><dd id="usage-budget">{ format!("{} credits", count(u64::from(budget))) }</dd>
                        <dt>{"Spent this month"}</dt><dd id="usage-spent">{ credits(b.spent_this_period) }</dd>
                    </>
                },
                None => html! {
                    <>
                        <dt>{"Plan credits"}</dt>
                        <dd id="usage-plan-credits">{ format!("{} of {}", credits(b.plan_credits), credits(b.plan_allowance)) }</dd>
                        <dt>{"Bonus credits"}</dt><dd id="usage-bonus-credits">{ credits(b.bonus_credits) }</dd>
                        if let Some(end) = b.period_end {
                            <dt>{"Renews"}</dt><dd id="usage-renews">{ end.format("%Y-%m-%d").to_string() }</dd>
                        }
                    </>
                },
            };
            html! {
                <>
                    <p class="usage-left"><span id="usage-available" data-state="limited">{available}</span>{" credits left"}</p>
                    <dl class="account-facts">
                        { facts }
                        if b.held > Decimal::ZERO {
                            <dt>{"Held by calls in progress"}</dt><dd id="usage-held">{ credits(b.held) }</dd>
                        }
                    </dl>
                </>
            }
        }
    };
    html! {
        <div id="usage-balance" class="panel usage-balance">
            <h2>{"Credits"}</h2>
            { body }
        </div>
    }
}

fn totals(t: &UsageRow) -> Html {
    html! {
        <dl id="usage-totals" class="import-stats usage-totals">
            <div class="stat"><dt>{"Calls"}</dt><dd id="usage-calls">{ count(t.calls) }</dd>
                if t.failed > 0 { <span id="usage-failed" class="help">{ format!("{} failed", count(t.failed)) }</span> }
            </div>
            <div class="stat"><dt>{"Tokens"}</dt><dd id="usage-tokens">{ count(t.tokens_in + t.tokens_out) }</dd>
                <span class="help">{ format!("{} in, {} out", count(t.tokens_in), count(t.tokens_out)) }</span>
            </div>
            <div class="stat"><dt>{"Images"}</dt><dd id="usage-images">{ count(t.images) }</dd></div>
            <div class="stat"><dt>{"Cost"}</dt><dd id="usage-cost">{ usd(t.cost_usd) }</dd></div>
            <div class="stat"><dt>{"Credits"}</dt><dd id="usage-credits">{ count(t.credits) }</dd></div>
        </dl>
    }
}

fn table(report: &UsageReport) -> Html {
    if report.rows.is_empty() {
        return html! { <p id="usage-empty" class="muted">{"No AI usage recorded for this selection."}</p> };
    }
    let row = |r: &UsageRow, total: bool| {
        html! {
            <tr class={if total { "usage-total-row" } else { "usage-row" }} data-key={r.key.clone()}>
                <td class="usage-label">{ if total { "Total" } else { r.label.as_str() } }</td>
                <td class="num">{ count(r.calls) }</td>
                <td class="num">{ count(r.failed) }</td>
                <td class="num">{ count(r.tokens_in) }</td>
                <td class="num">{ count(r.tokens_out) }</td>
                <td class="num">{ count(r.images) }</td>
                <td class="num usage-row-cost">{ usd(r.cost_usd) }</td>
                <td class="num usage-row-credits">{ count(r.credits) }</td>
            </tr>
        }
    };
    html! {
        <div class="table-wrap">
            <table id="usage-table" class="kw-table usage-table">
                <thead><tr>
                    <th>{ group_label(report.group_by) }</th><th class="num">{"Calls"}</th><th class="num">{"Failed"}</th>
                    <th class="num">{"Tokens in"}</th><th class="num">{"Tokens out"}</th><th class="num">{"Images"}</th>
                    <th class="num">{"Cost USD"}</th><th class="num">{"Credits"}</th>
                </tr></thead>
                <tbody>{ for report.rows.iter().map(|r| row(r, false)) }</tbody>
                <tfoot>{ row(&report.totals, true) }</tfoot>
            </table>
        </div>
    }
}

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

fn chart(s: &UsageState, cells: &[DailySiteUsage]) -> Html {
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

fn top_articles(s: &UsageState, top: &[ContentUsage]) -> Html {
    html! {
        <div id="usage-top-content" class="panel">
            <h2>{"Most expensive articles"}</h2>
            if top.is_empty() {
                <p class="muted" id="usage-top-empty">{"No AI calls for articles in this selection."}</p>
            } else {
                <table class="kw-table usage-table">
                    <thead><tr>
                        <th>{"Article"}</th><th>{"Site"}</th><th class="num">{"Calls"}</th>
                        <th class="num">{"Cost USD"}</th><th class="num">{"Credits"}</th>
                    </tr></thead>
                    <tbody>
                        { for top.iter().map(|c| html! {
                            <tr class="content-cost-row" data-content-id={c.content_id.to_string()}>
                                <td class="content-title">{ c.title.clone().unwrap_or_else(|| c.usage.label.clone()) }</td>
                                <td>{ s.site_name(c.site_id) }</td>
                                <td class="num">{ count(c.usage.calls) }</td>
                                <td class="num content-cost">{ usd(c.usage.cost_usd) }</td>
                                <td class="num">{ count(c.usage.credits) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
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

    #[test]
    fn stale_replies_are_dropped_and_date_errors_clear_when_edited() {
        let s = Rc::new(UsageState::default());
        let s = s.reduce(UsageAction::EditFrom("2026-13-01".into()));
        let s = s.reduce(UsageAction::Apply);
        let old = UsageSelection::default();
        let s = s.reduce(UsageAction::Loaded(
            old,
            UsageGroup::Operation,
            Err(ErrorDto::new(folio_model::ErrorKind::Internal, "late")),
        ));
        assert!(s.loading, "a reply for the old selection is ignored");
        assert_eq!(s.error, None);
        let applied = s.applied.clone();
        let s = s.reduce(UsageAction::Loaded(
            applied,
            UsageGroup::Operation,
            Err(ErrorDto::new(folio_model::ErrorKind::Validation, "not a date").with_field("from")),
        ));
        assert_eq!(s.error_for("from"), Some("not a date"));
        assert_eq!(s.page_error(), None);
        let s = s.reduce(UsageAction::EditFrom("2026-01-01".into()));
        assert_eq!(s.error_for("from"), None);
        let s = s.reduce(UsageAction::Group(UsageGroup::Site));
        assert!(s.loading);
    }
}
