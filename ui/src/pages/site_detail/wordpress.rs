//! Site → WordPress: the connection (status, connect with an application password or in one
//! click through the browser, disconnect), the site doctor and the cached structure. State:
//! `wordpress/state.rs`; the panel's parts: `wordpress/views.rs`.
//!
//! Secrets never enter this panel's state: the application password and the address WordPress
//! sends back (which carries one) are read from their fields when the button is pressed, sent to
//! the shell once, and the fields are emptied as soon as the call returns, whatever it answered.

mod state;
mod views;

use crate::components::BusyButton;
use crate::format::error_text;
use crate::hooks::{invoke, use_event};
use folio_model::ipc::{
    self, Secret, WpAuthorizeCompleteArgs, WpAuthorizeStartArgs, WpConnectArgs, WpDisconnectArgs,
    WpDoctorArgs, WpIntegrationArgs, WpSyncArgs,
};
use folio_model::{ErrorDto, SiteId, WpConnect};
use state::{Busy, WordPressAction, WordPressState};
use views::{authorization, connect_form, doctor, status, structure};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

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
fn complete(dispatch: &Dispatch, site: SiteId, link: Secret) {
    let args = WpAuthorizeCompleteArgs {
        site,
        returned_url: link,
    };
    run(
        dispatch,
        Busy::Completing,
        async move { invoke::<ipc::WpAuthorizeComplete>(&args).await },
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
                let loaded = invoke::<ipc::WpIntegration>(&WpIntegrationArgs { site }).await;
                d.dispatch(WordPressAction::Loaded(loaded))
            });
        });
    }
    {
        let dispatch = dispatch.clone();
        let awaiting = awaiting_link.clone();
        let on_link = Callback::from(move |link: Secret| {
            // A link for an authorization this panel did not start is someone else's (another
            // site's page was open when it was started).
            if awaiting.replace(false) {
                complete(&dispatch, site, link);
            }
        });
        use_event::<ipc::WpAuthorized, _>(site, on_link, Callback::noop());
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
            let args = WpConnectArgs {
                input: WpConnect {
                    site,
                    url: state.url.clone(),
                    user: state.user.clone(),
                    app_password: input.value(),
                    allow_insecure: state.allow_insecure,
                },
            };
            run(
                &dispatch,
                Busy::Connecting,
                async move {
                    let result = invoke::<ipc::WpConnect>(&args).await;
                    drop(args);
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
        let allow_insecure = state.allow_insecure;
        Callback::from(move |_: MouseEvent| {
            let args = WpAuthorizeStartArgs {
                site,
                url: url.clone(),
                allow_insecure,
            };
            run(
                &dispatch,
                Busy::Authorizing,
                async move { invoke::<ipc::WpAuthorizeStart>(&args).await },
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
            let link = Secret::new(input.value());
            input.set_value("");
            complete(&dispatch, site, link);
        })
    };
    let on_doctor = {
        let dispatch = dispatch.clone();
        // Before connecting, the doctor checks the typed address (without a login).
        let url = (!state.connected()).then(|| state.url.clone());
        Callback::from(move |_: MouseEvent| {
            let args = WpDoctorArgs {
                site,
                url: url.clone(),
            };
            run(
                &dispatch,
                Busy::Doctor,
                async move { invoke::<ipc::WpDoctor>(&args).await },
                WordPressAction::DoctorReported,
            );
        })
    };
    let on_sync = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let call = async move { invoke::<ipc::WpSync>(&WpSyncArgs { site }).await };
            run(&dispatch, Busy::Syncing, call, |i| {
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
                async move { invoke::<ipc::WpDisconnect>(&WpDisconnectArgs { site }).await },
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
                <BusyButton id="wp-doctor-run" label="Run site doctor" busy_label="Checking\u{2026}"
                    busy={state.busy == Some(Busy::Doctor)} disabled={busy} onclick={on_doctor} />
                if state.connected() {
                    <BusyButton id="wp-sync" label="Refresh structure" busy_label="Refreshing\u{2026}"
                        busy={state.busy == Some(Busy::Syncing)} disabled={busy} onclick={on_sync} />
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
