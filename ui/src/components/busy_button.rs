//! A button that says what it is doing while its action runs (and cannot be pressed again).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BusyButtonProps {
    #[prop_or_default]
    pub id: Option<AttrValue>,
    pub label: AttrValue,
    /// Shown while `busy`, e.g. "Saving…".
    pub busy_label: AttrValue,
    pub busy: bool,
    /// Disabled for other reasons too (another action runs, nothing to save).
    #[prop_or_default]
    pub disabled: bool,
    /// `button` or `submit`.
    #[prop_or(AttrValue::Static("button"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub onclick: Option<Callback<MouseEvent>>,
}

#[function_component(BusyButton)]
pub fn busy_button(props: &BusyButtonProps) -> Html {
    html! {
        <button id={props.id.clone()} type={props.kind.clone()} class={props.class.clone()}
            onclick={props.onclick.clone()} disabled={props.disabled || props.busy}>
            { if props.busy { &props.busy_label } else { &props.label } }
        </button>
    }
}
