//! The command palette: Ctrl-K (⌘K) anywhere opens a box to jump to any page, site or article
//! and run the main actions, by typing a few words and pressing Enter (arrows move, Escape
//! closes). Pages and actions are there at once; sites and articles load when it opens.
//!
//! State: `palette/state.rs`.

pub mod state;

use crate::hooks::invoke;
use folio_model::ipc::{self, ContentListArgs, NoArgs};
use state::{data_entries, Entry, PaletteAction as A, PaletteState, Target};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    /// The pages to offer (the app's routes) and the actions.
    pub fixed: Vec<Entry>,
}

/// Every site and its articles, read when the palette opens.
async fn load() -> Result<Vec<Entry>, folio_model::ErrorDto> {
    let sites = invoke::<ipc::SiteList>(&NoArgs {}).await?.items;
    let mut articles = Vec::new();
    for site in &sites {
        articles.extend(invoke::<ipc::ContentList>(&ContentListArgs { site: site.id }).await?);
    }
    Ok(data_entries(&sites, &articles))
}

#[function_component(Palette)]
pub fn palette(props: &PaletteProps) -> Html {
    let state = use_reducer(PaletteState::default);
    let input = use_node_ref();
    {
        // Ctrl-K / ⌘K toggles it from anywhere (the editor leaves the key to the app).
        let dispatch = state.dispatcher();
        let fixed = props.fixed.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("k") {
                    e.prevent_default();
                    dispatch.dispatch(A::Toggled(fixed.clone()));
                }
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    {
        let dispatch = state.dispatcher();
        let input = input.clone();
        use_effect_with((state.open, state.opening), move |&(open, opening)| {
            if open {
                if let Some(el) = input.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
                spawn_local(async move {
                    let result = load().await;
                    dispatch.dispatch(A::Loaded { opening, result });
                });
            }
        });
    }
    {
        use_effect_with(state.chosen.clone(), move |chosen| {
            match chosen {
                Some(Target::Go(hash)) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().set_hash(hash);
                    }
                }
                Some(Target::SyncNow) => spawn_local(async {
                    // The sidebar's sync indicator shows how it went.
                    let _ = invoke::<ipc::SyncNow>(&NoArgs {}).await;
                }),
                None => {}
            }
        });
    }
    if !state.open {
        return html! {};
    }
    let on_input = {
        let d = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                d.dispatch(A::Typed(el.value()));
            }
        })
    };
    let on_key = {
        let d = state.dispatcher();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                d.dispatch(A::Moved(1));
            }
            "ArrowUp" => {
                e.prevent_default();
                d.dispatch(A::Moved(-1));
            }
            "Enter" => {
                e.prevent_default();
                d.dispatch(A::Chose(None));
            }
            "Escape" => d.dispatch(A::Closed),
            _ => {}
        })
    };
    let on_backdrop = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(A::Closed))
    };
    let shown = state.shown();
    html! {
        <div class="palette-backdrop" onclick={on_backdrop}>
            <div id="palette" class="palette" role="dialog" aria-label="Go to or do"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <input id="palette-input" ref={input} type="text" autocomplete="off"
                    placeholder="Go to a page, site or article, or run an action…"
                    value={state.query.clone()} oninput={on_input} onkeydown={on_key}
                    aria-controls="palette-results" />
                <ul id="palette-results" role="listbox">
                    { for shown.iter().enumerate().map(|(i, e)| {
                        let d = state.dispatcher();
                        let selected = i == state.selected;
                        html! {
                            <li class={classes!("palette-item", selected.then_some("selected"))}
                                role="option" aria-selected={selected.to_string()}
                                onclick={Callback::from(move |_: MouseEvent| d.dispatch(A::Chose(Some(i))))}>
                                <span class="palette-label">{&e.label}</span>
                                <span class="palette-kind">{e.kind.label()}</span>
                            </li>
                        }
                    }) }
                </ul>
                if state.loading {
                    <p class="muted palette-note">{"Loading sites and articles…"}</p>
                } else if let Some(err) = &state.error {
                    <p class="error palette-note">{format!("Sites and articles could not be loaded: {err}")}</p>
                } else if shown.is_empty() {
                    <p class="muted palette-note">{"Nothing matches; try fewer words."}</p>
                }
            </div>
        </div>
    }
}
