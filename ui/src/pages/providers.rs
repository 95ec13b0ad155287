//! Settings → Providers: the AI providers this device calls (address, API key, a connection
//! test) and the default text and image models.
//!
//! An API key is read from its password field when Save is pressed, sent to the shell once and
//! the field cleared when core has stored it: it is never part of this page's state, and the page
//! only ever shows core's masked form (`sk-…a1b2`).

use crate::ipc;
use crate::pages::models::ModelsPanel;
use folio_model::{AiModel, ErrorDto, ErrorKind, KeyState, ModelType, ProviderCheck, ProviderInfo};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// What a provider's row is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    SavingKey,
    RemovingKey,
    SavingUrl,
}

/// The page's own state of one provider (the provider itself is core's `ProviderInfo`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowState {
    pub busy: Option<Busy>,
    pub testing: bool,
    pub test: Option<Result<ProviderCheck, ErrorDto>>,
    /// The address being edited; `None` shows the stored one.
    pub url_draft: Option<String>,
    pub error: Option<ErrorDto>,
    pub notice: Option<&'static str>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProvidersState {
    pub loaded: bool,
    pub load_error: Option<String>,
    pub providers: Vec<ProviderInfo>,
    pub models: Vec<AiModel>,
    pub rows: BTreeMap<String, RowState>,
    pub default_busy: bool,
    pub default_error: Option<String>,
    pub default_notice: Option<String>,
}

pub enum ProvidersAction {
    Loaded(Result<(Vec<ProviderInfo>, Vec<AiModel>), ErrorDto>),
    EditUrl(String, String),
    Started(String, Busy),
    /// Core's view of the provider after a change, and what to say about it.
    Updated(ProviderInfo, &'static str),
    Failed(String, ErrorDto),
    TestStarted(String),
    TestFinished(String, Result<ProviderCheck, ErrorDto>),
    ChangeDefault,
    DefaultChanged(Result<AiModel, ErrorDto>),
}

impl Reducible for ProvidersState {
    type Action = ProvidersAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ProvidersAction::Loaded(Ok((providers, models))) => {
                s.loaded = true;
                s.load_error = None;
                s.providers = providers;
                s.models = models;
            }
            ProvidersAction::Loaded(Err(e)) => {
                s.loaded = true;
                s.load_error = Some(e.message);
            }
            ProvidersAction::EditUrl(name, url) => {
                let row = s.rows.entry(name).or_default();
                row.url_draft = Some(url);
                row.notice = None;
                if row
                    .error
                    .as_ref()
                    .is_some_and(|e| e.field.as_deref() == Some("base_url"))
                {
                    row.error = None;
                }
            }
            ProvidersAction::Started(name, busy) => {
                let row = s.rows.entry(name).or_default();
                row.busy = Some(busy);
                row.error = None;
                row.notice = None;
            }
            ProvidersAction::Updated(info, notice) => {
                let row = s.rows.entry(info.name.clone()).or_default();
                if row.busy == Some(Busy::SavingUrl) {
                    row.url_draft = None;
                }
                row.busy = None;
                row.error = None;
                row.notice = Some(notice);
                // The last test was of the old key or address.
                row.test = None;
                match s.providers.iter_mut().find(|p| p.name == info.name) {
                    Some(p) => *p = info,
                    None => s.providers.push(info),
                }
            }
            ProvidersAction::Failed(name, e) => {
                let row = s.rows.entry(name).or_default();
                row.busy = None;
                row.error = Some(e);
            }
            ProvidersAction::TestStarted(name) => {
                let row = s.rows.entry(name).or_default();
                row.testing = true;
                row.test = None;
            }
            ProvidersAction::TestFinished(name, result) => {
                let row = s.rows.entry(name).or_default();
                row.testing = false;
                row.test = Some(result);
            }
            ProvidersAction::ChangeDefault => {
                s.default_busy = true;
                s.default_error = None;
                s.default_notice = None;
            }
            ProvidersAction::DefaultChanged(Ok(model)) => {
                s.default_busy = false;
                for m in s
                    .models
                    .iter_mut()
                    .filter(|m| m.model_type == model.model_type)
                {
                    m.is_default = m.model_name == model.model_name;
                }
                s.default_notice = Some(format!(
                    "{} is now the default {} model.",
                    model.display_name, model.model_type
                ));
            }
            ProvidersAction::DefaultChanged(Err(e)) => {
                s.default_busy = false;
                s.default_error = Some(e.message);
            }
        }
        Rc::new(s)
    }
}

impl ProvidersState {
    pub fn row(&self, name: &str) -> RowState {
        self.rows.get(name).cloned().unwrap_or_default()
    }

    /// Active models of a type, the choices of its default picker.
    pub fn choices(&self, model_type: ModelType) -> impl Iterator<Item = &AiModel> {
        self.models
            .iter()
            .filter(move |m| m.model_type == model_type && m.is_active)
    }
}

/// How a key's state reads: the masked key, "missing" or "not needed".
pub fn key_text(key: &KeyState) -> String {
    match key {
        KeyState::Set { masked } => masked.clone(),
        KeyState::Missing => "missing".to_owned(),
        KeyState::NotNeeded => "not needed".to_owned(),
    }
}

fn key_state(key: &KeyState) -> &'static str {
    match key {
        KeyState::Set { .. } => "set",
        KeyState::Missing => "missing",
        KeyState::NotNeeded => "not_needed",
    }
}

/// A test's outcome as shown, with its `data-state` (`ok`, `error`, `cancelled`).
pub fn test_text(result: &Result<ProviderCheck, ErrorDto>) -> (&'static str, String) {
    match result {
        Ok(c) if c.ok => (
            "ok",
            match c.models {
                Some(1) => "Works (1 model)".to_owned(),
                Some(n) => format!("Works ({n} models)"),
                None => "Works".to_owned(),
            },
        ),
        Ok(c) => (
            "error",
            format!(
                "{}: {}",
                c.error_kind.as_deref().unwrap_or("error"),
                c.message
                    .as_deref()
                    .unwrap_or("the provider did not answer as expected")
            ),
        ),
        Err(e) if e.kind == ErrorKind::Cancelled => ("cancelled", "Test cancelled".to_owned()),
        Err(e) => ("error", e.message.clone()),
    }
}

async fn load() -> Result<(Vec<ProviderInfo>, Vec<AiModel>), ErrorDto> {
    Ok((ipc::providers().await?, ipc::models().await?))
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

    let on_default = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let model = e.target_unchecked_into::<HtmlSelectElement>().value();
            if model.is_empty() || state.default_busy {
                return;
            }
            state.dispatch(ProvidersAction::ChangeDefault);
            let state = state.clone();
            spawn_local(async move {
                let result = ipc::set_default_model(&model).await;
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
                let result = ipc::set_provider_key(&name, &input.value()).await;
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
                match ipc::remove_provider_key(&name).await {
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
                match ipc::set_provider_url(&name, url.as_deref()).await {
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
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            dispatcher.dispatch(ProvidersAction::EditUrl(name.clone(), value));
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
                let result = ipc::test_provider(&name).await;
                dispatcher.dispatch(ProvidersAction::TestFinished(name, result));
            });
        })
    };
    let on_cancel_test = {
        let name = name.clone();
        Callback::from(move |_: MouseEvent| {
            let name = name.clone();
            spawn_local(async move {
                let _ = ipc::cancel_provider_test(&name).await;
            });
        })
    };

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
                    <button id={id("save-key")} type="submit" class="primary" disabled={busy}>
                        { if row.busy == Some(Busy::SavingKey) { "Saving\u{2026}" } else { "Save key" } }
                    </button>
                    if matches!(p.key, KeyState::Set { .. }) {
                        <button id={id("remove-key")} type="button" onclick={on_remove_key} disabled={busy}>{"Remove key"}</button>
                    }
                </form>
            }
            if let Some(e) = other_error {
                <div id={id("error")} class="error" role="alert">{&e.message}</div>
            }
            <div class="provider-line provider-test">
                <button id={id("test")} type="button" onclick={on_test} disabled={row.testing || busy}>
                    { if row.testing { "Testing\u{2026}" } else { "Test connection" } }
                </button>
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

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, key: KeyState) -> ProviderInfo {
        ProviderInfo {
            name: name.into(),
            kind: "openai".into(),
            display_name: "OpenAI".into(),
            base_url: "https://api.openai.com/v1".into(),
            default_base_url: Some("https://api.openai.com/v1".into()),
            needs_key: true,
            key,
            structured_mode: None,
            is_builtin: true,
            models: vec![],
        }
    }

    fn model(name: &str, model_type: ModelType, is_default: bool) -> AiModel {
        AiModel {
            model_name: name.into(),
            model_type,
            provider: "openai".into(),
            display_name: name.into(),
            is_default,
            is_active: true,
            is_builtin: true,
            cost_per_1k_input: None,
            cost_per_1k_output: None,
            tokens_per_credit: None,
            credits_per_image: None,
            cost_per_image: None,
            quality_tier: None,
            max_output_tokens: None,
            context_window: None,
            sizes: vec![],
        }
    }

    #[test]
    fn a_saved_key_replaces_the_provider_and_drops_the_old_test() {
        let s = Rc::new(ProvidersState::default());
        let s = s.reduce(ProvidersAction::Loaded(Ok((
            vec![info("openai", KeyState::Missing)],
            vec![],
        ))));
        let s = s.reduce(ProvidersAction::TestFinished(
            "openai".into(),
            Err(ErrorDto::new(ErrorKind::Validation, "no key").with_field("key")),
        ));
        let s = s.reduce(ProvidersAction::Started("openai".into(), Busy::SavingKey));
        assert_eq!(s.row("openai").busy, Some(Busy::SavingKey));
        let s = s.reduce(ProvidersAction::Updated(
            info(
                "openai",
                KeyState::Set {
                    masked: "sk-…a1b2".into(),
                },
            ),
            "Key saved.",
        ));
        let row = s.row("openai");
        assert_eq!(row.busy, None);
        assert_eq!(row.test, None);
        assert_eq!(key_text(&s.providers[0].key), "sk-…a1b2");
        assert_eq!(s.providers.len(), 1);
    }

    #[test]
    fn an_address_error_clears_when_the_address_is_edited_and_a_save_ends_the_draft() {
        let s = Rc::new(ProvidersState::default());
        let s = s.reduce(ProvidersAction::EditUrl("openai".into(), "ftp://x".into()));
        let s = s.reduce(ProvidersAction::Started("openai".into(), Busy::SavingUrl));
        let s = s.reduce(ProvidersAction::Failed(
            "openai".into(),
            ErrorDto::new(ErrorKind::Validation, "bad").with_field("base_url"),
        ));
        assert!(s.row("openai").error.is_some());
        assert_eq!(s.row("openai").url_draft.as_deref(), Some("ftp://x"));
        let s = s.reduce(ProvidersAction::EditUrl(
            "openai".into(),
            "http://127.0.0.1:9/v1".into(),
        ));
        assert_eq!(s.row("openai").error, None);
        let s = s.reduce(ProvidersAction::Started("openai".into(), Busy::SavingUrl));
        let s = s.reduce(ProvidersAction::Updated(
            info("openai", KeyState::Missing),
            "Address saved.",
        ));
        assert_eq!(s.row("openai").url_draft, None);
    }

    #[test]
    fn test_results_read_as_works_or_the_error_kind() {
        let check = |ok: bool, models, kind: Option<&str>| ProviderCheck {
            provider: "openai".into(),
            base_url: "http://x/v1".into(),
            ok,
            models,
            error_kind: kind.map(str::to_owned),
            message: kind.map(|_| "openai rejected the API key (HTTP 401)".to_owned()),
            request_id: None,
        };
        assert_eq!(
            test_text(&Ok(check(true, Some(3), None))),
            ("ok", "Works (3 models)".to_owned())
        );
        let (state, text) = test_text(&Ok(check(false, None, Some("auth"))));
        assert_eq!(state, "error");
        assert!(text.starts_with("auth: openai rejected"), "{text}");
        assert_eq!(
            test_text(&Err(ErrorDto::new(ErrorKind::Cancelled, "cancelled"))).0,
            "cancelled"
        );
    }

    #[test]
    fn a_new_default_moves_the_flag_within_its_type() {
        let s = Rc::new(ProvidersState::default());
        let s = s.reduce(ProvidersAction::Loaded(Ok((
            vec![],
            vec![
                model("a", ModelType::Text, true),
                model("b", ModelType::Text, false),
                model("img", ModelType::Image, true),
            ],
        ))));
        let s = s.reduce(ProvidersAction::ChangeDefault);
        assert!(s.default_busy);
        let s = s.reduce(ProvidersAction::DefaultChanged(Ok(model(
            "b",
            ModelType::Text,
            true,
        ))));
        let defaults: Vec<_> = s
            .models
            .iter()
            .filter(|m| m.is_default)
            .map(|m| m.model_name.as_str())
            .collect();
        assert_eq!(defaults, ["b", "img"]);
        assert_eq!(s.choices(ModelType::Text).count(), 2);
    }
}
