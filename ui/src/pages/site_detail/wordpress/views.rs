//! The WordPress panel's parts: the connection's status, the connect form, the one-click
//! authorization's paste form, the doctor's report and the site's structure.

use super::state::{field, Busy, WordPressAction, WordPressState};
use super::Dispatch;
use crate::components::BusyButton;
use crate::format::{error_text, when};
use crate::forms::{checked, input_value};
use folio_model::{
    CheckOutcome, ConnectionStatus, DoctorReport, RemoteItem, SiteIntegration, WpAuthorization,
};
use yew::prelude::*;

pub fn status(state: &WordPressState) -> Html {
    let Some(i) = &state.integration else {
        return html! {
            <p id="wp-status" class="muted" data-status="not_connected">{"Not connected"}</p>
        };
    };
    let label = match i.connection_status {
        ConnectionStatus::NotConnected => "not connected",
        ConnectionStatus::Configured => "configured (not checked yet)",
        ConnectionStatus::Connected => "connected",
        ConnectionStatus::Error => "error",
    };
    html! {
        <dl class="wp-status" id="wp-connection">
            <dt>{"Status"}</dt>
            <dd id="wp-status" data-status={i.connection_status.to_string()}>{label}</dd>
            <dt>{"Site"}</dt><dd id="wp-site-url">{&i.external_site_url}</dd>
            if let Some(user) = &i.username {
                <dt>{"User"}</dt>
                <dd id="wp-user-name">{user}<span class="hint">{" (application password in the system keychain)"}</span></dd>
            }
            if let Some(root) = &i.api_root {
                <dt>{"REST API"}</dt><dd id="wp-api-root">{root}</dd>
            }
            <dt>{"Last sync"}</dt>
            <dd id="wp-last-sync">
                { i.last_sync_at.map_or_else(|| "never".to_owned(), when) }
                { format!(" ({})", i.sync_status) }
            </dd>
            if let Some(e) = &i.sync_error {
                <dt>{"Error"}</dt><dd id="wp-sync-error" class="error">{e}</dd>
            }
        </dl>
    }
}

fn field_error(state: &WordPressState, name: &str) -> Html {
    match state.error_for(name) {
        Some(e) => html! {
            <div id={format!("wp-error-{name}")} class="error" role="alert">{error_text(e)}</div>
        },
        None => html! {},
    }
}

pub fn connect_form(
    state: &WordPressState,
    dispatch: &Dispatch,
    password_input: &NodeRef,
    on_connect: Callback<SubmitEvent>,
    on_authorize: Callback<MouseEvent>,
) -> Html {
    let busy = state.busy.is_some();
    let invalid = |f: &str| state.error_for(f).is_some();
    let on_url = dispatch
        .to_callback()
        .reform(|e: InputEvent| WordPressAction::UrlTyped(input_value(&e)));
    let on_user = dispatch
        .to_callback()
        .reform(|e: InputEvent| WordPressAction::UserTyped(input_value(&e)));
    let on_insecure = dispatch
        .to_callback()
        .reform(|e: Event| WordPressAction::InsecureToggled(checked(&e)));
    html! {
        <form id="wp-connect-form" class="wp-connect" onsubmit={on_connect} novalidate=true>
            <div class={classes!("field", invalid(field::URL).then_some("invalid"))}>
                <label for="wp-url">{"Site address"}</label>
                <input id="wp-url" type="url" autocomplete="url" spellcheck="false"
                    value={state.url.clone()} oninput={on_url}
                    aria-invalid={invalid(field::URL).to_string()} aria-describedby="wp-error-url" />
                <div class="help">{"The home page, /wp-admin/ or the REST address all work."}</div>
                { field_error(state, field::URL) }
            </div>
            <div class="field checkbox">
                <label for="wp-allow-insecure">
                    <input id="wp-allow-insecure" type="checkbox" checked={state.allow_insecure}
                        onchange={on_insecure} aria-describedby="wp-allow-insecure-help" />
                    {" Allow insecure http (a site on my own network)"}
                </label>
                <div class="help" id="wp-allow-insecure-help">
                    {"Only for a site without https on your local network: the password and posts then cross the network unencrypted. Remembered on this computer only."}
                </div>
            </div>
            <div class="action-row">
                <BusyButton id="wp-authorize" class="primary" label="Connect in one click"
                    busy_label="Opening the browser\u{2026}" busy={state.busy == Some(Busy::Authorizing)}
                    disabled={busy} onclick={on_authorize} />
                <span class="hint">{"Opens WordPress in your browser: log in and approve Folio."}</span>
            </div>
            <fieldset class="pub-group">
                <legend>{"Or paste an application password"}</legend>
                <div class={classes!("field", invalid(field::USER).then_some("invalid"))}>
                    <label for="wp-user">{"WordPress user name"}</label>
                    <input id="wp-user" type="text" autocomplete="username" spellcheck="false"
                        value={state.user.clone()} oninput={on_user}
                        aria-invalid={invalid(field::USER).to_string()} aria-describedby="wp-error-user" />
                    { field_error(state, field::USER) }
                </div>
                <div class={classes!("field", invalid(field::APP_PASSWORD).then_some("invalid"))}>
                    <label for="wp-app-password">{"Application password"}</label>
                    <input id="wp-app-password" type="password" autocomplete="off" spellcheck="false"
                        ref={password_input.clone()}
                        aria-invalid={invalid(field::APP_PASSWORD).to_string()}
                        aria-describedby="wp-app-password-help wp-error-app_password" />
                    <div class="help" id="wp-app-password-help">
                        {"Create one in WordPress under Users \u{2192} Profile \u{2192} Application Passwords (not your login password). It is kept in this computer\u{2019}s keychain only."}
                    </div>
                    { field_error(state, field::APP_PASSWORD) }
                </div>
                <div class="action-row">
                    <BusyButton id="wp-connect" kind="submit" label="Connect" busy_label="Connecting\u{2026}"
                        busy={state.busy == Some(Busy::Connecting)} disabled={busy} />
                </div>
            </fieldset>
        </form>
    }
}

pub fn authorization(
    state: &WordPressState,
    dispatch: &Dispatch,
    auth: &WpAuthorization,
    returned_input: &NodeRef,
    on_finish: Callback<SubmitEvent>,
) -> Html {
    let busy = state.busy.is_some();
    let invalid = state.error_for(field::RETURNED_URL).is_some();
    let cancel = dispatch
        .to_callback()
        .reform(|_: MouseEvent| WordPressAction::AuthorizationDropped);
    html! {
        <form id="wp-authorize-form" class="wp-authorize" onsubmit={on_finish} novalidate=true>
            <p>{"Approve Folio in the browser; Folio finishes by itself when WordPress sends you back. If the browser did not open, open this address:"}</p>
            <p class="wp-authorize-url"><code id="wp-authorize-url">{&auth.url}</code></p>
            <div class={classes!("field", invalid.then_some("invalid"))}>
                <label for="wp-returned-url">{"Paste the address WordPress sent you to"}</label>
                <input id="wp-returned-url" type="text" autocomplete="off" spellcheck="false"
                    ref={returned_input.clone()} placeholder="folio://wordpress/authorized?site_url=\u{2026}"
                    aria-invalid={invalid.to_string()} aria-describedby="wp-error-returned_url" />
                { field_error(state, field::RETURNED_URL) }
            </div>
            <div class="action-row">
                <BusyButton id="wp-authorize-finish" kind="submit" label="Finish connecting"
                    busy_label="Connecting\u{2026}" busy={state.busy == Some(Busy::Completing)}
                    disabled={busy} />
                <button id="wp-authorize-cancel" type="button" class="link" onclick={cancel} disabled={busy}>{"Cancel"}</button>
            </div>
        </form>
    }
}

fn outcome_badge(outcome: CheckOutcome) -> (&'static str, &'static str) {
    match outcome {
        CheckOutcome::Pass => ("pass", "ok"),
        CheckOutcome::Warn => ("warn", "warning"),
        CheckOutcome::Fail => ("fail", "failed"),
        CheckOutcome::Skipped => ("skipped", "skipped"),
    }
}

pub fn doctor(report: &DoctorReport) -> Html {
    let healthy = report.healthy();
    html! {
        <div id="wp-doctor" class="wp-doctor" data-healthy={healthy.to_string()}>
            <h3>{"Site doctor: "}{&report.site_url}</h3>
            <ul class="wp-checks">
                { for report.checks.iter().map(|c| {
                    let (class, label) = outcome_badge(c.outcome);
                    html! {
                        <li id={format!("wp-check-{}", c.id)} class="wp-check" data-outcome={c.outcome.to_string()}>
                            <span class={classes!("badge", format!("badge-{class}"))}>{label}</span>
                            <strong class="wp-check-title">{&c.title}</strong>
                            <div class="wp-check-explanation">{&c.explanation}</div>
                            if let Some(fix) = &c.fix {
                                <div class="help wp-check-fix">{"Fix: "}{fix}</div>
                            }
                        </li>
                    }
                }) }
            </ul>
            <p id="wp-doctor-verdict" class={if healthy { "notice-inline" } else { "error" }}>
                { if healthy { "Folio can publish to this site." } else { "Not ready: fix the failed checks, then run the doctor again." } }
            </p>
        </div>
    }
}

fn names(id: &'static str, what: &str, items: &[RemoteItem]) -> Html {
    html! {
        <details id={id} class="wp-names">
            <summary><span class="wp-count">{items.len()}</span>{format!(" {what}")}</summary>
            <ul>{ for items.iter().map(|i| html! { <li>{&i.name}</li> }) }</ul>
        </details>
    }
}

pub fn structure(i: &SiteIntegration) -> Html {
    let s = &i.structure;
    if i.structure_updated_at.is_none() && s.post_types.is_empty() {
        return html! {};
    }
    html! {
        <div id="wp-structure" class="wp-structure">
            <h3>
                {"Site structure"}
                if let Some(at) = i.structure_updated_at {
                    <span class="hint">{format!(" (fetched {})", when(at))}</span>
                }
            </h3>
            { names("wp-categories", "categories", &s.categories) }
            { names("wp-tags", "tags", &s.tags) }
            { names("wp-authors", "authors", &s.authors) }
            <p id="wp-post-types">{"Post types: "}{s.post_types.join(", ")}</p>
            <p id="wp-seo-keys">
                {"SEO meta keys: "}
                { if s.seo_meta_keys.is_empty() { "none exposed over REST".to_owned() } else { s.seo_meta_keys.join(", ") } }
            </p>
        </div>
    }
}
