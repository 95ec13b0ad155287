//! What a list says when there is nothing in it: a title, a sentence, maybe a way forward.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmptyStateProps {
    pub id: AttrValue,
    #[prop_or_default]
    pub title: Option<AttrValue>,
    /// Extra classes (`panel` when it stands alone on the page).
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(EmptyState)]
pub fn empty_state(props: &EmptyStateProps) -> Html {
    html! {
        <div class={classes!(props.class.clone(), "empty-state")} id={props.id.clone()}>
            if let Some(title) = &props.title { <h2>{title}</h2> }
            { props.children.clone() }
        </div>
    }
}
