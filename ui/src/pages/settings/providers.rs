//! Settings → Providers: the AI providers this device calls (address, API key, a connection
//! test) and the default text and image models.
//!
//! An API key is read from its password field when Save is pressed, sent to the shell once and
//! the field cleared when core has stored it: it is never part of this page's state, and the page
//! only ever shows core's masked form (`sk-…a1b2`). State: `providers/state.rs`.

mod state;

use super::models::ModelsPanel;
use crate::components::BusyButton;
use crate::forms::{input_value, select_value};
use crate::hooks::{invoke, use_event};
use folio_model::ipc::{
    self, JobsCancelArgs, ModelSetDefaultArgs, NoArgs, ProviderRemoveKeyArgs, ProviderSetKeyArgs,
    ProviderSetUrlArgs, ProviderTestArgs, Secret,
};
use folio_model::{AiModel, ErrorDto, KeyState, ModelType, ProviderInfo};
use state::{key_state, key_text, test_text, Busy, ProvidersAction, ProvidersState, RowState};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

async fn load() -> Result<(Vec<ProviderInfo>, Vec<AiModel>), ErrorDto> {
    let providers = invoke::<ipc::ProvidersList>(&NoArgs {}).await?;
    Ok((providers, invoke::<ipc::ModelsList>(&NoArgs {}).await?))
}

#[function_component(ProvidersSection)]
pub fn providers_section() -> Html {
    let state = use_reducer(ProvidersState::default);
    let reload = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            let dispatcher = dispatcher.clone();
            spawn_local(async move { dispatcher.dispatch(ProvidersAction::Loaded(load().await)) });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    {
        // Tests run as jobs: their ids come with their steps on the app's one job stream.
        let dispatcher = state.dispatcher();
        let on_step =
            Callback::from(move |p| dispatcher.dispatch(ProvidersAction::JobProgressed(p)));
        use_event::<ipc::JobProgressed, _>((), on_step, Callback::noop());
    }

    let on_default = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let model = select_value(&e);
            if model.is_empty() || state.default_busy {
                return;
            }
            state.dispatch(ProvidersAction::ChangeDefault);
            let state = state.clone();
            spawn_local(async move {
                let result = invoke::<ipc::ModelSetDefault>(&ModelSetDefaultArgs { model }).await;
                state.dispatch(ProvidersAction::DefaultChanged(result));
            });
        })
    };

    let body = if !state.loaded {
        html! { <p class="muted" id="providers-loading">{"Loading\u{2026}"}</p> }
    } else if let Some(err) = &state.load_error {
        html! { <div id="providers-load-error" class="error banner" role="alert">{err}</div> }
    } else {
        html! {
            <>
                <div class="provider-list">
                    { for state.providers.iter().map(|p| html! {
                        <ProviderRow key={p.name.clone()} provider={p.clone()}
                            row={state.row(&p.name)} dispatcher={state.dispatcher()} />
                    }) }
                </div>
                { default_models(&state, on_default) }
                <ModelsPanel providers={state.providers.clone()} models={state.models.clone()}
                    on_changed={reload} />
            </>
        }
    };

    html! {
        <section id="providers" class="settings-section" aria-labelledby="providers-title">
            <h2 id="providers-title">{"AI providers"}</h2>
            <p class="help section-help">
                {"The AI services this device calls. API keys are kept in the operating system's keychain for this account and shown only by their last characters."}
            </p>
            { body }
        </section>
    }
}

fn default_models(state: &ProvidersState, on_change: Callback<Event>) -> Html {
    let picker = |model_type: ModelType, id: &'static str, label: &'static str| {
        let has_default = state.choices(model_type).any(|m| m.is_default);
        html! {
            <div class="field">
                <label for={id}>{label}</label>
                <select {id} onchange={on_change.clone()} disabled={state.default_busy}>
                    if !has_default {
                        <option value="" selected=true>{"Choose a model\u{2026}"}</option>
                    }
                    { for state.choices(model_type).map(|m| html! {
                        <option value={m.model_name.clone()} selected={m.is_default}>
                            { format!("{} \u{2014} {}", m.display_name, m.provider) }
                        </option>
                    }) }
                </select>
            </div>
        }
    };
    html! {
        <div id="default-models" class="panel default-models">
            <h3>{"Default models"}</h3>
            <div class="default-grid">
                { picker(ModelType::Text, "default-text-model", "Text (clusters, ideas, articles)") }
                { picker(ModelType::Image, "default-image-model", "Images") }
            </div>
            if let Some(msg) = &state.default_error {
                <div id="default-model-error" class="error banner" role="alert">{msg}</div>
            }
            if let Some(msg) = &state.default_notice {
                <p id="default-model-saved" class="notice-inline">{msg}</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    provider: ProviderInfo,
    row: RowState,
    dispatcher: UseReducerDispatcher<ProvidersState>,
}

#[function_component(ProviderRow)]
fn provider_row(props: &RowProps) -> Html {
    let p = &props.provider;
    let row = &props.row;
    let name = p.name.clone();
    let id = |what: &str| format!("provider-{name}-{what}");
    let key_input = use_node_ref();

    let on_save_key = {
        let dispatcher = props.dispatcher.clone();
        let key_input = key_input.clone();
        let name = name.clone();
        let busy = row.busy.is_some();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            let Some(input) = key_input.cast::<HtmlInputElement>() else {
                return;
            };
            dispatcher.dispatch(ProvidersAction::Started(name.clone(), Busy::SavingKey));
            let dispatcher = dispatcher.clone();
            let name = name.clone();
            spawn_local(async move {
                // The key lives only in the field and this call; neither outlives a success.
                let args = ProviderSetKeyArgs {
                    provider: name.clone(),
                    key: Secret::new(input.value()),
                };
                let result = invoke::<ipc::ProviderSetKey>(&args).await;
                drop(args);
                match result {
                    Ok(info) => {
                        input.set_value("");
                        dispatcher.dispatch(ProvidersAction::Updated(info, "Key saved."));
                    }
                    Err(e) => dispatcher.dispatch(ProvidersAction::Failed(name, e)),
                }
            });
        })
    };
    let on_remove_key = {
        let dispatcher = props.dispatcher.clone();
        let name = name.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(ProvidersAction::Started(name.clone(), Busy::RemovingKey));
            let dispatcher = dispatcher.clone();
            let name = name.clone();
            spawn_local(async move {
                let args = ProviderRemoveKeyArgs {
                    provider: name.clone(),
                };
                match invoke::<ipc::ProviderRemoveKey>(&args).await {
                    Ok(info) => dispatcher.dispatch(ProvidersAction::Updated(info, "Key removed.")),
                    Err(e) => dispatcher.dispatch(ProvidersAction::Failed(name, e)),
                }
            });
        })
    };
    let set_url = {
        let dispatcher = props.dispatcher.clone();
        let name = name.clone();
        move |url: Option<String>, notice: &'static str| {
            dispatcher.dispatch(ProvidersAction::Started(name.clone(), Busy::SavingUrl));
            let dispatcher = dispatcher.clone();
            let name = name.clone();
            spawn_local(async move {
                let args = ProviderSetUrlArgs {
                    provider: name.clone(),
                    url,
                };
                match invoke::<ipc::ProviderSetUrl>(&args).await {
                    Ok(info) => dispatcher.dispatch(ProvidersAction::Updated(info, notice)),
                    Err(e) => dispatcher.dispatch(ProvidersAction::Failed(name, e)),
                }
            });
        }
    };
    let url_value = row.url_draft.clone().unwrap_or_else(|| p.base_url.clone());
    let on_save_url = {
        let set_url = set_url.clone();
        let url = url_value.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            set_url(Some(url.clone()), "Address saved.");
        })
    };
    let on_reset_url =
        Callback::from(move |_: MouseEvent| set_url(None, "Back to the default address."));
    let on_edit_url = {
        let dispatcher = props.dispatcher.clone();
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            dispatcher.dispatch(ProvidersAction::EditUrl(name.clone(), input_value(&e)));
        })
    };
    let on_test = {
        let dispatcher = props.dispatcher.clone();
        let name = name.clone();
        let testing = row.testing;
        Callback::from(move |_: MouseEvent| {
            if testing {
                return;
            }
            dispatcher.dispatch(ProvidersAction::TestStarted(name.clone()));
            let dispatcher = dispatcher.clone();
            let name = name.clone();
            spawn_local(async move {
                let args = ProviderTestArgs {
                    provider: name.clone(),
                    base_url: None,
                };
                let result = invoke::<ipc::ProviderTest>(&args).await;
                dispatcher.dispatch(ProvidersAction::TestFinished(name, result));
            });
        })
    };
    let on_cancel_test = {
        let dispatcher = props.dispatcher.clone();
        let name = name.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(ProvidersAction::TestCancelRequested(name.clone()));
        })
    };
    // Cancel the test's job once asked and its id is known; the test's own reply says how it
    // ended.
    use_effect_with(row.job_to_cancel(), move |job| {
        if let Some(job) = *job {
            spawn_local(async move {
                let _ = invoke::<ipc::JobsCancel>(&JobsCancelArgs { job }).await;
            });
        }
    });

    let busy = row.busy.is_some();
    let url_changed = row.url_draft.as_ref().is_some_and(|d| d != &p.base_url);
    let custom_url = p
        .default_base_url
        .as_ref()
        .is_some_and(|d| d != &p.base_url);
    let url_error = row
        .error
        .as_ref()
        .filter(|e| e.field.as_deref() == Some("base_url"));
    let other_error = row
        .error
        .as_ref()
        .filter(|e| e.field.as_deref() != Some("base_url"));
    let test = row.test.as_ref().map(test_text);
    html! {
        <div id={format!("provider-{name}")} class="panel provider" data-provider={name.clone()}>
            <div class="provider-head">
                <h3>{&p.display_name}</h3>
                <span class="mono muted">{&p.name}</span>
                <span id={id("key-state")} class={classes!("chip", "key-state", key_state(&p.key))}
                    data-state={key_state(&p.key)} title="API key">
                    { format!("key: {}", key_text(&p.key)) }
                </span>
            </div>
            <form class="provider-line" onsubmit={on_save_url}>
                <label for={id("url")}>{"Address"}</label>
                <input id={id("url")} type="url" class="mono" value={url_value} oninput={on_edit_url}
                    spellcheck="false" disabled={busy}
                    aria-invalid={url_error.is_some().to_string()} />
                <button id={id("save-url")} type="submit" disabled={busy || !url_changed}>{"Save"}</button>
                if p.default_base_url.is_some() {
                    <button id={id("reset-url")} type="button" onclick={on_reset_url}
                        disabled={busy || !custom_url}
                        title={p.default_base_url.clone().unwrap_or_default()}>{"Reset to default"}</button>
                }
            </form>
            if let Some(e) = url_error {
                <div id={id("url-error")} class="error" role="alert">{&e.message}</div>
            }
            if p.needs_key || matches!(p.key, KeyState::Set { .. }) {
                <form class="provider-line" onsubmit={on_save_key}>
                    <label for={id("key")}>{"API key"}</label>
                    <input id={id("key")} ref={key_input} type="password" class="mono"
                        placeholder={if matches!(p.key, KeyState::Set { .. }) { "Paste a new key to replace it" } else { "Paste the API key" }}
                        autocomplete="off" spellcheck="false" disabled={busy} />
                    <BusyButton id={id("save-key")} kind="submit" class="primary" label="Save key"
                        busy_label="Saving\u{2026}" busy={row.busy == Some(Busy::SavingKey)} disabled={busy} />
                    if matches!(p.key, KeyState::Set { .. }) {
                        <button id={id("remove-key")} type="button" onclick={on_remove_key} disabled={busy}>{"Remove key"}</button>
                    }
                </form>
            }
            if let Some(e) = other_error {
                <div id={id("error")} class="error" role="alert">{&e.message}</div>
            }
            <div class="provider-line provider-test">
                <BusyButton id={id("test")} label="Test connection" busy_label="Testing\u{2026}"
                    busy={row.testing} disabled={busy} onclick={on_test} />
                if row.testing {
                    <button id={id("cancel-test")} type="button" class="link" onclick={on_cancel_test}>{"Cancel"}</button>
                }
                if let Some((state, text)) = test {
                    <span id={id("result")} class={classes!("test-result", state)} data-state={state}>{text}</span>
                }
                if let Some(notice) = row.notice {
                    <span id={id("notice")} class="notice-inline">{notice}</span>
                }
            </div>
            if !p.models.is_empty() {
                <p class="help provider-models">{ format!("Models: {}", p.models.join(", ")) }</p>
            }
        </div>
    }
}
