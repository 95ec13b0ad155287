//! Settings → AI providers → Models: the registry's models with their prices, removing one you
//! added, and adding one (for example a local Ollama model at zero price). Every rule is core's;
//! its message appears under the field it names.

use crate::ipc;
use folio_model::{
    AiModel, ErrorDto, ErrorKind, ImageDimensions, ModelType, NewAiModel, ProviderInfo,
};
use rust_decimal::Decimal;
use std::rc::Rc;
use std::str::FromStr;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The add form as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelForm {
    pub name: String,
    pub provider: String,
    pub model_type: ModelType,
    pub display_name: String,
    pub cost_in: String,
    pub cost_out: String,
    pub cost_image: String,
    pub sizes: String,
}

impl Default for ModelForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            provider: "ollama".to_owned(),
            model_type: ModelType::Text,
            display_name: String::new(),
            cost_in: "0".to_owned(),
            cost_out: "0".to_owned(),
            cost_image: "0".to_owned(),
            sizes: "1024x1024".to_owned(),
        }
    }
}

fn price(field: &str, raw: &str) -> Result<Option<Decimal>, ErrorDto> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(raw.trim_start_matches('$'))
        .map(Some)
        .map_err(|_| {
            ErrorDto::new(
                ErrorKind::Validation,
                format!("{raw:?} is not a price in USD, e.g. 0 or 0.0015"),
            )
            .with_field(field)
        })
}

fn sizes(raw: &str) -> Result<Vec<ImageDimensions>, ErrorDto> {
    raw.split([',', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.parse::<ImageDimensions>()
                .map_err(|e| ErrorDto::new(ErrorKind::Validation, e).with_field("sizes"))
        })
        .collect()
}

impl ModelForm {
    /// What core is sent; only the format of numbers is checked here, every rule is core's.
    pub fn to_new_model(&self) -> Result<NewAiModel, ErrorDto> {
        let text = self.model_type == ModelType::Text;
        Ok(NewAiModel {
            model_name: self.name.trim().to_owned(),
            model_type: self.model_type,
            provider: self.provider.clone(),
            display_name: Some(self.display_name.trim().to_owned()).filter(|d| !d.is_empty()),
            cost_per_1k_input: if text {
                price("cost_per_1k_input", &self.cost_in)?
            } else {
                None
            },
            cost_per_1k_output: if text {
                price("cost_per_1k_output", &self.cost_out)?
            } else {
                None
            },
            tokens_per_credit: None,
            credits_per_image: None,
            cost_per_image: if text {
                None
            } else {
                price("cost_per_image", &self.cost_image)?
            },
            quality_tier: None,
            max_output_tokens: None,
            context_window: None,
            sizes: if text {
                Vec::new()
            } else {
                sizes(&self.sizes)?
            },
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelsState {
    pub form: ModelForm,
    pub adding: bool,
    pub error: Option<ErrorDto>,
    pub notice: Option<String>,
    /// The model being removed, and why a removal failed.
    pub removing: Option<String>,
    pub remove_error: Option<(String, String)>,
}

pub enum ModelsAction {
    Edit(fn(&mut ModelForm, String), &'static str, String),
    Submit,
    Added(Result<AiModel, ErrorDto>),
    Remove(String),
    Removed(String, Result<(), ErrorDto>),
}

impl Reducible for ModelsState {
    type Action = ModelsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ModelsAction::Edit(set, field, value) => {
                set(&mut s.form, value);
                s.notice = None;
                if s.error.as_ref().is_some_and(|e| e.is_about(field)) {
                    s.error = None;
                }
            }
            ModelsAction::Submit => {
                s.adding = true;
                s.error = None;
                s.notice = None;
            }
            ModelsAction::Added(Ok(model)) => {
                s.adding = false;
                s.notice = Some(format!("Added {}.", model.model_name));
                let provider = s.form.provider.clone();
                s.form = ModelForm {
                    provider,
                    model_type: s.form.model_type,
                    ..ModelForm::default()
                };
            }
            ModelsAction::Added(Err(e)) => {
                s.adding = false;
                s.error = Some(e);
            }
            ModelsAction::Remove(name) => {
                s.removing = Some(name);
                s.remove_error = None;
            }
            ModelsAction::Removed(_, Ok(())) => s.removing = None,
            ModelsAction::Removed(name, Err(e)) => {
                s.removing = None;
                s.remove_error = Some((name, e.message));
            }
        }
        Rc::new(s)
    }
}

impl ModelsState {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.is_about(field))
            .map(|e| e.message.as_str())
    }
}

/// The form's own fields; an error about anything else goes above it.
const FIELDS: [&str; 6] = [
    "model_name",
    "provider",
    "cost_per_1k_input",
    "cost_per_1k_output",
    "cost_per_image",
    "sizes",
];

fn model_price(m: &AiModel) -> String {
    let usd = |d: Option<Decimal>| d.map_or_else(|| "\u{2014}".to_owned(), |d| format!("${d}"));
    match m.model_type {
        ModelType::Text => format!(
            "{} in / {} out per 1k tokens",
            usd(m.cost_per_1k_input),
            usd(m.cost_per_1k_output)
        ),
        ModelType::Image => format!("{} per image", usd(m.cost_per_image)),
    }
}

#[derive(Properties, PartialEq)]
pub struct ModelsProps {
    pub providers: Vec<ProviderInfo>,
    pub models: Vec<AiModel>,
    /// The registry changed: load it again.
    pub on_changed: Callback<()>,
}

#[function_component(ModelsPanel)]
pub fn models_panel(props: &ModelsProps) -> Html {
    let state = use_reducer(ModelsState::default);
    let edit = |set: fn(&mut ModelForm, String), field: &'static str| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            state.dispatch(ModelsAction::Edit(set, field, value));
        })
    };
    let choose = |set: fn(&mut ModelForm, String), field: &'static str| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            state.dispatch(ModelsAction::Edit(set, field, value));
        })
    };
    let on_submit = {
        let state = state.clone();
        let on_changed = props.on_changed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.adding {
                return;
            }
            state.dispatch(ModelsAction::Submit);
            let input = state.form.to_new_model();
            let state = state.clone();
            let on_changed = on_changed.clone();
            spawn_local(async move {
                let result = match input {
                    Ok(input) => ipc::add_model(&input).await,
                    Err(e) => Err(e),
                };
                let ok = result.is_ok();
                state.dispatch(ModelsAction::Added(result));
                if ok {
                    on_changed.emit(());
                }
            });
        })
    };
    let on_remove = |name: String| {
        let state = state.clone();
        let on_changed = props.on_changed.clone();
        Callback::from(move |_: MouseEvent| {
            state.dispatch(ModelsAction::Remove(name.clone()));
            let state = state.clone();
            let on_changed = on_changed.clone();
            let name = name.clone();
            spawn_local(async move {
                let result = ipc::remove_model(&name).await;
                let ok = result.is_ok();
                state.dispatch(ModelsAction::Removed(name, result));
                if ok {
                    on_changed.emit(());
                }
            });
        })
    };

    let f = &state.form;
    let text = f.model_type == ModelType::Text;
    let form_error = state
        .error
        .as_ref()
        .filter(|e| !e.field.as_deref().is_some_and(|f| FIELDS.contains(&f)));
    html! {
        <div id="models" class="panel models-panel">
            <h3>{"Models"}</h3>
            <table id="models-table" class="kw-table models-table">
                <thead><tr><th>{"Model"}</th><th>{"Type"}</th><th>{"Provider"}</th><th>{"Price"}</th><th></th></tr></thead>
                <tbody>
                    { for props.models.iter().map(|m| {
                        let removing = state.removing.as_deref() == Some(m.model_name.as_str());
                        let error = state.remove_error.as_ref().filter(|(n, _)| n == &m.model_name).map(|(_, e)| e.clone());
                        html! {
                            <tr class="model-row" data-model={m.model_name.clone()}>
                                <td>
                                    <span class="mono">{&m.model_name}</span>
                                    if m.is_default { <span class="chip">{"default"}</span> }
                                    if !m.is_active { <span class="chip status new">{"off"}</span> }
                                    if let Some(e) = error { <div class="error model-remove-error" role="alert">{e}</div> }
                                </td>
                                <td>{m.model_type.as_str()}</td>
                                <td>{&m.provider}</td>
                                <td class="model-price">{model_price(m)}</td>
                                <td>
                                    if !m.is_default && !m.is_builtin {
                                        <button type="button" class="link model-remove" onclick={on_remove(m.model_name.clone())}
                                            disabled={state.removing.is_some()}>
                                            { if removing { "Removing\u{2026}" } else { "Remove" } }
                                        </button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <p class="help">{"Built-in models carry the shipped prices and cannot be removed."}</p>

            <form id="model-add-form" class="model-add" onsubmit={on_submit} novalidate=true>
                <h4>{"Add a model"}</h4>
                if let Some(e) = form_error {
                    <div id="model-add-error" class="error banner" role="alert">{&e.message}</div>
                }
                <div class="model-add-grid">
                    { input_field("model-add-name", "Model name (as the provider spells it)", "llama3.2:3b", &f.name, state.error_for("model_name"), edit(|f, v| f.name = v, "model_name")) }
                    <div class="field">
                        <label for="model-add-provider">{"Provider"}</label>
                        <select id="model-add-provider" onchange={choose(|f, v| f.provider = v, "provider")}>
                            { for props.providers.iter().map(|p| html! {
                                <option value={p.name.clone()} selected={p.name == f.provider}>{&p.display_name}</option>
                            }) }
                        </select>
                        if let Some(e) = state.error_for("provider") { <div class="error" role="alert">{e}</div> }
                    </div>
                    <div class="field">
                        <label for="model-add-type">{"Type"}</label>
                        <select id="model-add-type" onchange={choose(|f, v| f.model_type = if v == "image" { ModelType::Image } else { ModelType::Text }, "model_type")}>
                            <option value="text" selected={text}>{"text"}</option>
                            <option value="image" selected={!text}>{"image"}</option>
                        </select>
                    </div>
                    { input_field("model-add-display", "Display name (optional)", "Llama 3.2 3B (local)", &f.display_name, state.error_for("display_name"), edit(|f, v| f.display_name = v, "display_name")) }
                    if text {
                        { input_field("model-add-cost-in", "USD per 1k input tokens", "0", &f.cost_in, state.error_for("cost_per_1k_input"), edit(|f, v| f.cost_in = v, "cost_per_1k_input")) }
                        { input_field("model-add-cost-out", "USD per 1k output tokens", "0", &f.cost_out, state.error_for("cost_per_1k_output"), edit(|f, v| f.cost_out = v, "cost_per_1k_output")) }
                    } else {
                        { input_field("model-add-cost-image", "USD per image", "0", &f.cost_image, state.error_for("cost_per_image"), edit(|f, v| f.cost_image = v, "cost_per_image")) }
                        { input_field("model-add-sizes", "Sizes", "1024x1024, 1344x768", &f.sizes, state.error_for("sizes"), edit(|f, v| f.sizes = v, "sizes")) }
                    }
                </div>
                <div class="account-buttons">
                    <button id="model-add-submit" type="submit" class="primary" disabled={state.adding}>
                        { if state.adding { "Adding\u{2026}" } else { "Add model" } }
                    </button>
                    if let Some(msg) = &state.notice {
                        <span id="model-add-notice" class="notice-inline">{msg}</span>
                    }
                </div>
            </form>
        </div>
    }
}

fn input_field(
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    value: &str,
    error: Option<&str>,
    oninput: Callback<InputEvent>,
) -> Html {
    let error_id = format!("{id}-error");
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={id}>{label}</label>
            <input {id} type="text" {placeholder} value={value.to_owned()} {oninput} spellcheck="false"
                aria-invalid={error.is_some().to_string()} aria-describedby={error_id.clone()} />
            if let Some(msg) = error { <div id={error_id} class="error" role="alert">{msg}</div> }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_text_model_is_sent_at_zero_price() {
        let form = ModelForm {
            name: " llama3.2:3b ".into(),
            ..ModelForm::default()
        };
        let m = form.to_new_model().unwrap();
        assert_eq!(m.model_name, "llama3.2:3b");
        assert_eq!(m.provider, "ollama");
        assert_eq!(m.cost_per_1k_input, Some(Decimal::ZERO));
        assert!(m.sizes.is_empty());
        assert_eq!(m.display_name, None);
    }

    #[test]
    fn image_sizes_and_prices_are_read_and_bad_ones_name_their_field() {
        let form = ModelForm {
            name: "sdxl".into(),
            model_type: ModelType::Image,
            cost_image: "$0.004".into(),
            sizes: "1024x1024, 1344X768".into(),
            ..ModelForm::default()
        };
        let m = form.to_new_model().unwrap();
        assert_eq!(m.cost_per_image, Some(Decimal::new(4, 3)));
        assert_eq!(m.sizes.len(), 2);
        assert_eq!(m.sizes[1].height, 768);
        assert_eq!(m.cost_per_1k_input, None);

        let bad = ModelForm {
            sizes: "big".into(),
            ..form.clone()
        };
        let e = bad.to_new_model().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("sizes"));
        let bad = ModelForm {
            cost_image: "free".into(),
            ..form
        };
        assert_eq!(
            bad.to_new_model().unwrap_err().field.as_deref(),
            Some("cost_per_image")
        );
    }

    #[test]
    fn an_added_model_clears_the_form_but_keeps_provider_and_type() {
        let s = Rc::new(ModelsState::default());
        let s = s.reduce(ModelsAction::Edit(
            |f, v| f.name = v,
            "model_name",
            "x".into(),
        ));
        let s = s.reduce(ModelsAction::Edit(
            |f, v| f.provider = v,
            "provider",
            "lmstudio".into(),
        ));
        let s = s.reduce(ModelsAction::Submit);
        let s = s.reduce(ModelsAction::Added(Err(ErrorDto::new(
            ErrorKind::Conflict,
            "taken",
        )
        .with_field("model_name"))));
        assert_eq!(s.error_for("model_name"), Some("taken"));
        let s = s.reduce(ModelsAction::Edit(
            |f, v| f.name = v,
            "model_name",
            "y".into(),
        ));
        assert_eq!(s.error_for("model_name"), None);
    }
}
