//! A plain data table: a header from its columns (numbers right-aligned), the rows the page
//! renders, and an optional total row.

use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub label: AttrValue,
    pub numeric: bool,
}

impl Column {
    pub fn text(label: impl Into<AttrValue>) -> Self {
        Self {
            label: label.into(),
            numeric: false,
        }
    }

    pub fn num(label: impl Into<AttrValue>) -> Self {
        Self {
            label: label.into(),
            numeric: true,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TableProps {
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub caption: Option<AttrValue>,
    pub columns: Vec<Column>,
    /// The body's rows.
    #[prop_or_default]
    pub children: Html,
    /// A total row, in the table's footer.
    #[prop_or_default]
    pub footer: Option<Html>,
}

#[function_component(Table)]
pub fn table(props: &TableProps) -> Html {
    html! {
        <table id={props.id.clone()} class={props.class.clone()}>
            if let Some(caption) = &props.caption { <caption>{caption}</caption> }
            <thead><tr>
                { for props.columns.iter().map(|c| html! {
                    <th class={c.numeric.then_some("num")}>{&c.label}</th>
                }) }
            </tr></thead>
            <tbody>{ props.children.clone() }</tbody>
            if let Some(footer) = &props.footer { <tfoot>{ footer.clone() }</tfoot> }
        </table>
    }
}
