//! An on/off setting: a checkbox with the switch role and its label beside it.

use crate::forms::checked;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SwitchProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub on: bool,
    /// Told the new value when the person flips it.
    pub ontoggle: Callback<bool>,
}

#[function_component(Switch)]
pub fn switch(props: &SwitchProps) -> Html {
    let onchange = {
        let toggled = props.ontoggle.clone();
        Callback::from(move |e: Event| toggled.emit(checked(&e)))
    };
    html! {
        <label class="switch" for={props.id.clone()}>
            <input id={props.id.clone()} type="checkbox" role="switch" checked={props.on} {onchange} />
            <span>{&props.label}</span>
        </label>
    }
}
