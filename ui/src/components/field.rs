//! A labelled text input with its help and its error (`#<id>-error`, under the input, which
//! points at it with `aria-describedby`).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<InputEvent>,
    /// The message of the error about this field, if there is one.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// The input's `type`.
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub help: Option<AttrValue>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    /// Addresses, names and codes: the browser should not mark them as misspelled.
    #[prop_or_default]
    pub no_spellcheck: bool,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub size: Option<AttrValue>,
}

#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let error_id = format!("{}-error", props.id);
    let invalid = props.error.is_some();
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={props.id.clone()}>{&props.label}</label>
            <input id={props.id.clone()} type={props.kind.clone()} placeholder={props.placeholder.clone()}
                value={props.value.clone()} oninput={props.oninput.clone()}
                autocomplete={props.autocomplete.clone()} spellcheck={props.no_spellcheck.then_some("false")}
                inputmode={props.inputmode.clone()} size={props.size.clone()}
                aria-invalid={invalid.to_string()} aria-describedby={error_id.clone()} />
            if let Some(help) = &props.help { <div class="help">{help}</div> }
            if let Some(msg) = &props.error { <div id={error_id} class="error" role="alert">{msg}</div> }
        </div>
    }
}
