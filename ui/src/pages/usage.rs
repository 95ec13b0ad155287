//! Usage: what AI calls cost, from core's credit ledger — totals, the credits left, a table by
//! operation, model, site, month or day, cost per day and site as stacked SVG bars, and the most
//! expensive articles. Every number is core's; this page only lays it out.

//! State: `usage/state.rs`; the chart: `usage/chart.rs`.

mod chart;
mod state;

use crate::components::{Column, Table, TextField};
use crate::format::{count, usd};
use crate::forms::{input_value, select_value};
use crate::hooks::invoke;
use chart::chart;
use folio_model::ipc::{self, NoArgs};
use folio_model::{ContentUsage, ErrorDto, UsageGroup, UsageReport, UsageRow};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use state::{UsageAction, UsageData, UsageSelection, UsageState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// How many articles the "most expensive" list shows.
const TOP_ARTICLES: u32 = 10;

async fn load(selection: &UsageSelection, group: UsageGroup) -> Result<Box<UsageData>, ErrorDto> {
    Ok(Box::new(UsageData {
        report: invoke::<ipc::UsageReport>(&selection.report(group)).await?,
        chart: invoke::<ipc::UsageByDay>(&selection.by_day()).await?,
        top: invoke::<ipc::UsageTopContent>(&selection.top_content(TOP_ARTICLES)).await?,
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
                if let Ok(list) = invoke::<ipc::SiteList>(&NoArgs {}).await {
                    dispatcher.dispatch(UsageAction::SitesLoaded(list.items));
                }
                let balance = invoke::<ipc::CreditBalance>(&NoArgs {}).await;
                dispatcher.dispatch(UsageAction::Balance(balance));
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
            dispatcher.dispatch(UsageAction::EditSite(select_value(&e).parse().ok()));
        })
    };
    let edit = |make: fn(String) -> UsageAction| {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| dispatcher.dispatch(make(input_value(&e))))
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
            if let Ok(g) = select_value(&e).parse() {
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
    html! {
        <TextField id={format!("usage-{id}")} {label} placeholder="YYYY-MM-DD" value={value.to_owned()}
            error={error.map(str::to_owned)} {oninput} inputmode="numeric" no_spellcheck=true size="11" />
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
    let mut columns = vec![Column::text(group_label(report.group_by))];
    columns.extend(
        [
            "Calls",
            "Failed",
            "Tokens in",
            "Tokens out",
            "Images",
            "Cost USD",
            "Credits",
        ]
        .map(Column::num),
    );
    html! {
        <div class="table-wrap">
            <Table id="usage-table" class="kw-table usage-table" {columns}
                footer={row(&report.totals, true)}>
                { for report.rows.iter().map(|r| row(r, false)) }
            </Table>
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
                <Table class="kw-table usage-table" columns={vec![
                    Column::text("Article"), Column::text("Site"), Column::num("Calls"),
                    Column::num("Cost USD"), Column::num("Credits"),
                ]}>
                    { for top.iter().map(|c| html! {
                        <tr class="content-cost-row" data-content-id={c.content_id.to_string()}>
                            <td class="content-title">{ c.title.clone().unwrap_or_else(|| c.usage.label.clone()) }</td>
                            <td>{ s.site_name(c.site_id) }</td>
                            <td class="num">{ count(c.usage.calls) }</td>
                            <td class="num content-cost">{ usd(c.usage.cost_usd) }</td>
                            <td class="num">{ count(c.usage.credits) }</td>
                        </tr>
                    }) }
                </Table>
            }
        </div>
    }
}
