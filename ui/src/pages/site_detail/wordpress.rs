//! Site → WordPress: the connection (status, connect with an application password or in one
//! click through the browser, disconnect), the site doctor and the cached structure.
//!
//! Secrets never enter this panel's state: the application password and the address WordPress
//! sends back (which carries one) are read from their fields when the button is pressed, sent to
//! the shell once, and the fields are emptied as soon as the call returns, whatever it answered.

use crate::ipc;
use chrono::{DateTime, Utc};
use folio_model::{
    CheckOutcome, ConnectionStatus, DoctorReport, ErrorDto, RemoteItem, SiteId, SiteIntegration,
    WpAuthorization, WpConnect,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Core's field names, as its errors carry them.
pub mod field {
    pub const URL: &str = "url";
    pub const USER: &str = "user";
    pub const APP_PASSWORD: &str = "app_password";
    pub const RETURNED_URL: &str = "returned_url";
    pub const ALL: [&str; 4] = [URL, USER, APP_PASSWORD, RETURNED_URL];
}

/// What the panel is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    Connecting,
    Authorizing,
    Completing,
    Doctor,
    Syncing,
    Disconnecting,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WordPressState {
    pub loading: bool,
    pub load_error: Option<ErrorDto>,
    /// What core last said the connection is; `None` when the site was never connected.
    pub integration: Option<SiteIntegration>,
    pub url: String,
    pub user: String,
    pub busy: Option<Busy>,
    /// The one-click connection was started: the browser should come back with a link.
    pub authorization: Option<WpAuthorization>,
    pub doctor: Option<DoctorReport>,
    pub errors: Vec<ErrorDto>,
    pub notice: Option<&'static str>,
}

pub enum WordPressAction {
    Loaded(Result<Option<SiteIntegration>, ErrorDto>),
    UrlTyped(String),
    UserTyped(String),
    Started(Busy),
    /// Connected (by password or in one click), refreshed or disconnected.
    Updated(SiteIntegration, &'static str),
    AuthorizationOpened(WpAuthorization),
    AuthorizationDropped,
    DoctorReported(DoctorReport),
    Failed(ErrorDto),
}

impl Reducible for WordPressState {
    type Action = WordPressAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl WordPressState {
    pub fn new(domain: &str) -> Self {
        Self {
            loading: true,
            url: format!("https://{domain}"),
            ..Default::default()
        }
    }

    fn apply(&mut self, action: WordPressAction) {
        use WordPressAction as A;
        match action {
            A::Loaded(Ok(integration)) => {
                self.loading = false;
                self.load_error = None;
                self.take_form_from(integration.as_ref());
                self.integration = integration;
            }
            A::Loaded(Err(e)) => {
                self.loading = false;
                self.load_error = Some(e);
            }
            A::UrlTyped(url) => {
                self.url = url;
                self.clear_errors(field::URL);
            }
            A::UserTyped(user) => {
                self.user = user;
                self.clear_errors(field::USER);
            }
            A::Started(busy) => {
                self.busy = Some(busy);
                self.errors.clear();
                self.notice = None;
                if busy == Busy::Doctor {
                    self.doctor = None;
                }
            }
            A::Updated(integration, notice) => {
                if matches!(self.busy, Some(Busy::Connecting | Busy::Completing)) {
                    self.authorization = None;
                }
                self.busy = None;
                self.errors.clear();
                self.notice = Some(notice);
                self.take_form_from(Some(&integration));
                self.integration = Some(integration);
            }
            A::AuthorizationOpened(authorization) => {
                self.busy = None;
                self.authorization = Some(authorization);
            }
            A::AuthorizationDropped => self.authorization = None,
            A::DoctorReported(report) => {
                self.busy = None;
                self.doctor = Some(report);
            }
            A::Failed(e) => {
                self.busy = None;
                self.errors = vec![e];
            }
        }
    }

    /// The form starts from the connection core knows, so reconnecting is one password away.
    fn take_form_from(&mut self, integration: Option<&SiteIntegration>) {
        if let Some(i) = integration {
            self.url.clone_from(&i.external_site_url);
            if let Some(user) = &i.username {
                self.user.clone_from(user);
            }
        }
    }

    fn clear_errors(&mut self, field: &str) {
        self.errors.retain(|e| !e.is_about(field));
    }

    pub fn connected(&self) -> bool {
        self.integration.as_ref().is_some_and(|i| {
            i.connection_status != ConnectionStatus::NotConnected && i.username.is_some()
        })
    }

    pub fn error_for(&self, field: &str) -> Option<&ErrorDto> {
        self.errors.iter().find(|e| e.is_about(field))
    }

    /// Errors that name no field of the form.
    pub fn general_error(&self) -> Option<&ErrorDto> {
        self.errors
            .iter()
            .find(|e| !e.field.as_deref().is_some_and(|f| field::ALL.contains(&f)))
    }
}

/// `wordpress: The site refused the login (auth)`: the code tells support and the person which
/// kind of failure it was.
pub fn error_text(e: &ErrorDto) -> String {
    match &e.code {
        Some(code) => format!("{} ({code})", e.message),
        None => e.message.clone(),
    }
}

pub fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[derive(Properties, PartialEq)]
pub struct WordPressPanelProps {
    pub site: SiteId,
    /// The site's domain, the connect form's first guess at its address.
    pub domain: String,
}

type Dispatch = UseReducerDispatcher<WordPressState>;

/// Run `call` and dispatch what it answered.
fn run<T, F>(
    dispatch: &Dispatch,
    busy: Busy,
    call: F,
    done: impl FnOnce(T) -> WordPressAction + 'static,
) where
    F: std::future::Future<Output = Result<T, ErrorDto>> + 'static,
{
    dispatch.dispatch(WordPressAction::Started(busy));
    let dispatch = dispatch.clone();
    spawn_local(async move {
        dispatch.dispatch(match call.await {
            Ok(v) => done(v),
            Err(e) => WordPressAction::Failed(e),
        });
    });
}

/// Finish the one-click connection with `link`, which is passed straight on and not kept.
fn complete(dispatch: &Dispatch, site: SiteId, link: String) {
    run(
        dispatch,
        Busy::Completing,
        async move { ipc::wp_authorize_complete(site, &link).await },
        |i| WordPressAction::Updated(i, "Connected."),
    );
}

#[function_component(WordPressPanel)]
pub fn wordpress_panel(props: &WordPressPanelProps) -> Html {
    let site = props.site;
    let state = {
        let domain = props.domain.clone();
        use_reducer(move || WordPressState::new(&domain))
    };
    let dispatch = state.dispatcher();
    let password_input = use_node_ref();
    let returned_input = use_node_ref();
    // Read by the deep-link listener, which outlives any one render.
    let awaiting_link = use_mut_ref(|| false);
    *awaiting_link.borrow_mut() = state.authorization.is_some() && state.busy.is_none();

    {
        let dispatch = dispatch.clone();
        use_effect_with(site, move |&site| {
            let d = dispatch.clone();
            spawn_local(async move {
                d.dispatch(WordPressAction::Loaded(ipc::wp_integration(site).await))
            });
        });
    }
    {
        let dispatch = dispatch.clone();
        let awaiting = awaiting_link.clone();
        use_effect_with(site, move |&site| {
            let subscription = Rc::new(RefCell::new(None::<ipc::WpAuthorizedEvents>));
            let alive = Rc::new(Cell::new(true));
            {
                let subscription = subscription.clone();
                let alive = alive.clone();
                spawn_local(async move {
                    let on_link = Callback::from(move |link: String| {
                        // A link for an authorization this panel did not start is someone
                        // else's (another site's page was open when it was started).
                        if awaiting.replace(false) {
                            complete(&dispatch, site, link);
                        }
                    });
                    match ipc::wp_authorized_events(on_link).await {
                        Ok(sub) if alive.get() => *subscription.borrow_mut() = Some(sub),
                        Ok(_) => {}
                        Err(e) => web_sys::console::warn_1(&e.message.into()),
                    }
                });
            }
            move || {
                alive.set(false);
                subscription.borrow_mut().take();
            }
        });
    }

    let head = html! {
        <div class="panel-head">
            <h2 id="wordpress-title">{"WordPress"}</h2>
        </div>
    };
    if state.loading {
        return html! {
            <section class="panel wordpress-panel" id="wordpress-panel" aria-labelledby="wordpress-title">
                { head }<p class="muted">{"Loading\u{2026}"}</p>
            </section>
        };
    }
    if let Some(e) = &state.load_error {
        return html! {
            <section class="panel wordpress-panel" id="wordpress-panel" aria-labelledby="wordpress-title">
                { head }<div id="wp-load-error" class="error banner" role="alert">{&e.message}</div>
            </section>
        };
    }

    let on_connect = {
        let dispatch = dispatch.clone();
        let state = state.clone();
        let password_input = password_input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.busy.is_some() {
                return;
            }
            let Some(input) = password_input.cast::<HtmlInputElement>() else {
                return;
            };
            let request = WpConnect {
                site,
                url: state.url.clone(),
                user: state.user.clone(),
                app_password: input.value(),
            };
            run(
                &dispatch,
                Busy::Connecting,
                async move {
                    let result = ipc::wp_connect(&request).await;
                    drop(request);
                    input.set_value("");
                    result
                },
                |i| WordPressAction::Updated(i, "Connected."),
            );
        })
    };
    let on_authorize = {
        let dispatch = dispatch.clone();
        let url = state.url.clone();
        Callback::from(move |_: MouseEvent| {
            let url = url.clone();
            run(
                &dispatch,
                Busy::Authorizing,
                async move { ipc::wp_authorize_start(site, &url).await },
                WordPressAction::AuthorizationOpened,
            );
        })
    };
    let on_finish = {
        let dispatch = dispatch.clone();
        let returned_input = returned_input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = returned_input.cast::<HtmlInputElement>() else {
                return;
            };
            let link = input.value();
            input.set_value("");
            complete(&dispatch, site, link);
        })
    };
    let on_doctor = {
        let dispatch = dispatch.clone();
        // Before connecting, the doctor checks the typed address (without a login).
        let url = (!state.connected()).then(|| state.url.clone());
        Callback::from(move |_: MouseEvent| {
            let url = url.clone();
            run(
                &dispatch,
                Busy::Doctor,
                async move { ipc::wp_doctor(site, url.as_deref()).await },
                WordPressAction::DoctorReported,
            );
        })
    };
    let on_sync = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            run(&dispatch, Busy::Syncing, ipc::wp_sync(site), |i| {
                WordPressAction::Updated(i, "Structure refreshed.")
            });
        })
    };
    let on_disconnect = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            run(
                &dispatch,
                Busy::Disconnecting,
                ipc::wp_disconnect(site),
                |i| {
                    WordPressAction::Updated(
                        i,
                        "Disconnected; the password was removed from this computer.",
                    )
                },
            );
        })
    };

    let busy = state.busy.is_some();
    html! {
        <section class="panel wordpress-panel" id="wordpress-panel" aria-labelledby="wordpress-title"
            aria-busy={busy.to_string()}>
            { head }
            { status(&state) }
            if let Some(e) = state.general_error() {
                <div id="wp-error" class="error banner" role="alert"
                    data-code={e.code.clone().unwrap_or_default()}>
                    {error_text(e)}
                </div>
            }
            if let Some(msg) = state.notice {
                <p id="wp-notice" class="notice-inline" role="status">{msg}</p>
            }
            <div class="action-row wp-actions">
                <button id="wp-doctor-run" type="button" onclick={on_doctor} disabled={busy}>
                    { if state.busy == Some(Busy::Doctor) { "Checking\u{2026}" } else { "Run site doctor" } }
                </button>
                if state.connected() {
                    <button id="wp-sync" type="button" onclick={on_sync} disabled={busy}>
                        { if state.busy == Some(Busy::Syncing) { "Refreshing\u{2026}" } else { "Refresh structure" } }
                    </button>
                    <button id="wp-disconnect" type="button" onclick={on_disconnect} disabled={busy}>{"Disconnect"}</button>
                }
            </div>
            if let Some(report) = &state.doctor {
                { doctor(report) }
            }
            if !state.connected() {
                { connect_form(&state, &dispatch, &password_input, on_connect, on_authorize) }
            }
            if let Some(auth) = &state.authorization {
                { authorization(&state, &dispatch, auth, &returned_input, on_finish) }
            }
            if let Some(i) = &state.integration {
                { structure(i) }
            }
        </section>
    }
}

fn status(state: &WordPressState) -> Html {
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

fn connect_form(
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
            <div class="action-row">
                <button id="wp-authorize" type="button" class="primary" onclick={on_authorize} disabled={busy}>
                    { if state.busy == Some(Busy::Authorizing) { "Opening the browser\u{2026}" } else { "Connect in one click" } }
                </button>
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
                    <button id="wp-connect" type="submit" disabled={busy}>
                        { if state.busy == Some(Busy::Connecting) { "Connecting\u{2026}" } else { "Connect" } }
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

fn authorization(
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
                <button id="wp-authorize-finish" type="submit" disabled={busy}>
                    { if state.busy == Some(Busy::Completing) { "Connecting\u{2026}" } else { "Finish connecting" } }
                </button>
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

fn doctor(report: &DoctorReport) -> Html {
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

fn structure(i: &SiteIntegration) -> Html {
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

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;
    use WordPressAction as A;

    fn step(mut s: WordPressState, a: WordPressAction) -> WordPressState {
        s.apply(a);
        s
    }

    fn integration(json: serde_json::Value) -> SiteIntegration {
        let mut base = serde_json::json!({
            "id": "00000000-0000-7000-8000-0000000000aa",
            "site_id": "00000000-0000-7000-8000-000000000001",
            "platform": "wordpress",
            "external_site_url": "http://127.0.0.1:8080",
            "sync_enabled": true,
            "sync_status": "completed",
            "last_sync_at": null,
            "sync_error": null,
            "connection_status": "connected",
            "structure": {},
            "structure_updated_at": null,
            "created_at": "2026-11-29T08:00:00Z",
            "username": "author",
            "api_root": "http://127.0.0.1:8080/wp-json/"
        });
        if let (Some(b), Some(extra)) = (base.as_object_mut(), json.as_object()) {
            for (k, v) in extra {
                b.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn the_form_starts_from_the_domain_then_from_the_connection() {
        let s = step(WordPressState::new("garden.example"), A::Loaded(Ok(None)));
        assert_eq!(s.url, "https://garden.example");
        assert!(!s.connected());
        let s = step(s, A::Loaded(Ok(Some(integration(serde_json::json!({}))))));
        assert!(s.connected());
        assert_eq!(
            (s.url.as_str(), s.user.as_str()),
            ("http://127.0.0.1:8080", "author")
        );
        let gone = integration(
            serde_json::json!({"connection_status": "not_connected", "username": null}),
        );
        let s = step(s, A::Updated(gone, "Disconnected"));
        assert!(!s.connected());
        assert_eq!(s.user, "author", "reconnecting needs only the password");
    }

    #[test]
    fn errors_sit_by_their_field_and_typing_clears_them() {
        let s = step(WordPressState::new("garden.example"), A::Loaded(Ok(None)));
        let s = step(s, A::Started(Busy::Connecting));
        let e = ErrorDto::new(ErrorKind::Validation, "Enter the WordPress user name")
            .with_field("user");
        let s = step(s, A::Failed(e));
        assert!(s.busy.is_none());
        assert!(s.error_for(field::USER).is_some());
        assert!(s.general_error().is_none());
        let s = step(s, A::UrlTyped("x".into()));
        assert!(s.error_for(field::USER).is_some());
        let s = step(s, A::UserTyped("author".into()));
        assert!(s.errors.is_empty());

        let auth =
            ErrorDto::new(ErrorKind::Wordpress, "The site refused the login").with_code("auth");
        let s = step(s, A::Failed(auth));
        assert_eq!(
            s.general_error().map(error_text).as_deref(),
            Some("The site refused the login (auth)")
        );
    }

    #[test]
    fn a_one_click_connection_ends_when_core_connects() {
        let s = step(WordPressState::new("garden.example"), A::Loaded(Ok(None)));
        let site = "00000000-0000-7000-8000-000000000001".parse().unwrap();
        let s = step(s, A::Started(Busy::Authorizing));
        let s = step(
            s,
            A::AuthorizationOpened(WpAuthorization {
                site,
                url: "https://garden.example/wp-admin/authorize-application.php?app_name=Folio"
                    .into(),
                success_url: "folio://wordpress/authorized".into(),
            }),
        );
        assert!(s.authorization.is_some() && s.busy.is_none());
        let s = step(s, A::Started(Busy::Completing));
        let s = step(
            s,
            A::Updated(integration(serde_json::json!({})), "Connected."),
        );
        assert!(s.authorization.is_none() && s.connected());
        assert_eq!(s.notice, Some("Connected."));
    }
}
