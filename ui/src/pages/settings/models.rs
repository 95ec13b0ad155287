//! Settings → AI providers → Models: the registry's models with their prices, removing one you
//! added, and adding one (for example a local Ollama model at zero price). Every rule is core's;
//! its message appears under the field it names. State: `models/state.rs`.

mod state;

use crate::components::{BusyButton, Column, Table, TextField};
use crate::forms::{input_value, select_value};
use crate::hooks::invoke;
use folio_model::ipc::{self, ModelAddArgs, ModelRemoveArgs};
use folio_model::{AiModel, ModelType, ProviderInfo};
use rust_decimal::Decimal;
use state::{ModelForm, ModelsAction, ModelsState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

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
            state.dispatch(ModelsAction::Edit(set, field, input_value(&e)));
        })
    };
    let choose = |set: fn(&mut ModelForm, String), field: &'static str| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.dispatch(ModelsAction::Edit(set, field, select_value(&e)));
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
                    Ok(input) => invoke::<ipc::ModelAdd>(&ModelAddArgs { input }).await,
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
                let args = ModelRemoveArgs {
                    model: name.clone(),
                };
                let result = invoke::<ipc::ModelRemove>(&args).await;
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
    let form_error = state.form_error();
    let columns = ["Model", "Type", "Provider", "Price", ""]
        .map(Column::text)
        .to_vec();
    html! {
        <div id="models" class="panel models-panel">
            <h3>{"Models"}</h3>
            <Table id="models-table" class="kw-table models-table" {columns}>
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
                                    <BusyButton class="link model-remove" label="Remove" busy_label="Removing\u{2026}"
                                        busy={removing} disabled={state.removing.is_some()}
                                        onclick={on_remove(m.model_name.clone())} />
                                }
                            </td>
                        </tr>
                    }
                }) }
            </Table>
            <p class="help">{"Built-in models carry the shipped prices and cannot be removed."}</p>

            <form id="model-add-form" class="model-add" onsubmit={on_submit} novalidate=true>
                <h4>{"Add a model"}</h4>
                if let Some(e) = form_error {
                    <div id="model-add-error" class="error banner" role="alert">{&e.message}</div>
                }
                <div class="model-add-grid">
                    <TextField id="model-add-name" label="Model name (as the provider spells it)" placeholder="llama3.2:3b" no_spellcheck=true
                        value={f.name.clone()} error={state.error_for("model_name").map(str::to_owned)}
                        oninput={edit(|f, v| f.name = v, "model_name")} />
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
                    <TextField id="model-add-display" label="Display name (optional)" placeholder="Llama 3.2 3B (local)" no_spellcheck=true
                        value={f.display_name.clone()} error={state.error_for("display_name").map(str::to_owned)}
                        oninput={edit(|f, v| f.display_name = v, "display_name")} />
                    if text {
                        <TextField id="model-add-cost-in" label="USD per 1k input tokens" placeholder="0" no_spellcheck=true
                            value={f.cost_in.clone()} error={state.error_for("cost_per_1k_input").map(str::to_owned)}
                            oninput={edit(|f, v| f.cost_in = v, "cost_per_1k_input")} />
                        <TextField id="model-add-cost-out" label="USD per 1k output tokens" placeholder="0" no_spellcheck=true
                            value={f.cost_out.clone()} error={state.error_for("cost_per_1k_output").map(str::to_owned)}
                            oninput={edit(|f, v| f.cost_out = v, "cost_per_1k_output")} />
                    } else {
                        <TextField id="model-add-cost-image" label="USD per image" placeholder="0" no_spellcheck=true
                            value={f.cost_image.clone()} error={state.error_for("cost_per_image").map(str::to_owned)}
                            oninput={edit(|f, v| f.cost_image = v, "cost_per_image")} />
                        <TextField id="model-add-sizes" label="Sizes" placeholder="1024x1024, 1344x768" no_spellcheck=true
                            value={f.sizes.clone()} error={state.error_for("sizes").map(str::to_owned)}
                            oninput={edit(|f, v| f.sizes = v, "sizes")} />
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
