//! A site's sectors: rename in place, remove after a confirm step, add up to the limit. Every
//! rule (names unique, 1–5 sectors, no removal while clusters or articles use it) is core's; its
//! message appears next to the sector (or the add field) it concerns. State: `sectors/state.rs`.

mod state;

use super::focus;
use crate::forms::input_value;
use crate::hooks::invoke;
use folio_model::ipc::{self, KeywordsListArgs, SectorAddArgs, SectorRemoveArgs, SectorRenameArgs};
use folio_model::{Sector, SiteId, MAX_SECTORS_PER_SITE};
use state::{
    confirm_message, count_query, ErrorPlace, Removing, Renaming, SectorsAction, SectorsState,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SectorsPanelProps {
    pub site: SiteId,
    /// The sectors as loaded with the site; the panel keeps them current from then on.
    pub sectors: Vec<Sector>,
}

#[function_component(SectorsPanel)]
pub fn sectors_panel(props: &SectorsPanelProps) -> Html {
    let (site, initial) = (props.site, props.sectors.clone());
    let state = use_reducer(move || SectorsState::new(site, initial));
    {
        let (ticket, target) = state.focus;
        use_effect_with(ticket, move |_| {
            if let Some(target) = target {
                focus(&target.selector());
            }
        });
    }

    let dispatch = state.dispatcher();
    let on_add = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.busy || !state.can_add() {
                return;
            }
            let (site, name) = (state.site, state.new_name.clone());
            let dispatch = state.dispatcher();
            dispatch.dispatch(SectorsAction::AddSubmitted);
            spawn_local(async move {
                dispatch.dispatch(
                    match invoke::<ipc::SectorAdd>(&SectorAddArgs { site, name }).await {
                        Ok(sector) => SectorsAction::SectorAdded(sector),
                        Err(e) => SectorsAction::AddRejected(e),
                    },
                );
            });
        })
    };
    let on_new_name = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(SectorsAction::NewNameTyped(input_value(&e)))
        })
    };
    let can_add = state.can_add();
    html! {
        <section class="panel sectors-panel" id="sectors-panel" aria-labelledby="sectors-title">
            <div class="panel-head">
                <h2 id="sectors-title">{"Sectors"}</h2>
                <span class="muted" id="sector-count">{format!("{} of {MAX_SECTORS_PER_SITE}", state.sectors.len())}</span>
            </div>
            <p class="help section-help">{"Topic areas of the site. Keywords, clusters and articles each belong to one."}</p>
            if let Some(notice) = &state.notice {
                <div id="sector-notice" class="notice dismissable" role="status">
                    <span>{notice}</span>
                    <button type="button" class="icon" aria-label="Dismiss"
                        onclick={let d = dispatch.clone(); move |_: MouseEvent| d.dispatch(SectorsAction::NoticeDismissed)}>
                        {"\u{00d7}"}
                    </button>
                </div>
            }
            <ul id="sector-list" class="sector-list" aria-busy={state.busy.to_string()}>
                { for state.sectors.iter().map(|s| sector_row(&state, s)) }
            </ul>
            <form id="sector-add-form" class="sector-add" onsubmit={on_add} novalidate=true>
                <label for="sector-add-name">{"Add a sector"}</label>
                <div class="inline-field">
                    <input id="sector-add-name" type="text" placeholder="e.g. Soil" autocomplete="off"
                        value={state.new_name.clone()} oninput={on_new_name} disabled={!can_add}
                        aria-invalid={state.error_at(ErrorPlace::Add).is_some().to_string()}
                        aria-describedby="sector-add-hint" />
                    <button id="sector-add" type="submit" class="primary" disabled={!can_add || state.busy}>{"Add"}</button>
                </div>
                if !can_add {
                    <div id="sector-add-hint" class="help">
                        {format!("A site can have at most {MAX_SECTORS_PER_SITE} sectors. Remove one to add another.")}
                    </div>
                }
                if let Some(msg) = state.error_at(ErrorPlace::Add) {
                    <div id="sector-error" class="error" role="alert">{msg}</div>
                }
            </form>
        </section>
    }
}

fn sector_row(state: &UseReducerHandle<SectorsState>, sector: &Sector) -> Html {
    let id = sector.id;
    let error = state.error_at(ErrorPlace::Sector(id));
    let renaming = state.renaming.as_ref().filter(|r| r.sector == id);
    let removing = state.removing.filter(|r| r.sector == id);
    let main = match renaming {
        Some(r) => rename_editor(state, sector, r, error.is_some()),
        None => {
            let dispatch = state.dispatcher();
            let on_rename = Callback::from(move |_: MouseEvent| {
                dispatch.dispatch(SectorsAction::RenameStarted(id))
            });
            let on_remove = {
                let state = state.clone();
                Callback::from(move |_: MouseEvent| {
                    if state.busy {
                        return;
                    }
                    let (site, dispatch) = (state.site, state.dispatcher());
                    dispatch.dispatch(SectorsAction::RemoveRequested(id));
                    spawn_local(async move {
                        // Without a count the confirmation still warns, just less precisely.
                        let args = KeywordsListArgs {
                            query: count_query(site, id),
                        };
                        if let Ok(page) = invoke::<ipc::KeywordsList>(&args).await {
                            dispatch.dispatch(SectorsAction::RemoveCounted {
                                sector: id,
                                keywords: page.total,
                            });
                        }
                    });
                })
            };
            let busy = state.busy;
            html! {
                <>
                    <span class="sector-name">{&sector.name}</span>
                    <div class="sector-actions">
                        <button type="button" class="sector-rename" disabled={busy} onclick={on_rename}
                            aria-label={format!("Rename \u{201c}{}\u{201d}", sector.name)}>{"Rename"}</button>
                        <button type="button" class="sector-remove" disabled={busy || removing.is_some()} onclick={on_remove}
                            aria-label={format!("Remove \u{201c}{}\u{201d}", sector.name)}>{"Remove"}</button>
                    </div>
                </>
            }
        }
    };
    html! {
        <li key={id.to_string()} data-sector-id={id.to_string()}
            class={classes!("sector-row", renaming.is_some().then_some("editing"), error.map(|_| "invalid"))}>
            <div class="sector-main">{ main }</div>
            if let Some(r) = removing {
                { remove_confirm(state, &sector.name, r) }
            }
            if let Some(msg) = error {
                <div id="sector-error" class="error" role="alert">{msg}</div>
            }
        </li>
    }
}

fn rename_editor(
    state: &UseReducerHandle<SectorsState>,
    sector: &Sector,
    r: &Renaming,
    invalid: bool,
) -> Html {
    let save = {
        let state = state.clone();
        Callback::from(move |()| {
            if state.busy {
                return;
            }
            let dispatch = state.dispatcher();
            let Some((sector, name)) = state.rename_request() else {
                // Nothing changed: Enter just closes the editor.
                dispatch.dispatch(SectorsAction::RenameCancelled);
                return;
            };
            let site = state.site;
            dispatch.dispatch(SectorsAction::RenameSubmitted);
            spawn_local(async move {
                let args = SectorRenameArgs { site, sector, name };
                dispatch.dispatch(match invoke::<ipc::SectorRename>(&args).await {
                    Ok(sector) => SectorsAction::SectorRenamed(sector),
                    Err(e) => SectorsAction::RenameRejected(e),
                });
            });
        })
    };
    let dispatch = state.dispatcher();
    let on_key = {
        let (save, dispatch) = (save.clone(), dispatch.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                save.emit(());
            }
            "Escape" => {
                e.prevent_default();
                dispatch.dispatch(SectorsAction::RenameCancelled);
            }
            _ => {}
        })
    };
    let on_input = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(SectorsAction::RenameTyped(input_value(&e)))
        })
    };
    html! {
        <>
            <input id="sector-rename-input" class="sector-rename-input" type="text" autocomplete="off"
                value={r.draft.clone()} oninput={on_input} onkeydown={on_key} readonly={state.busy}
                aria-label={format!("New name for \u{201c}{}\u{201d} (Enter saves, Escape cancels)", sector.name)}
                aria-invalid={invalid.to_string()} />
            <div class="sector-actions">
                <button type="button" class="sector-rename-save primary" disabled={state.busy}
                    onclick={save.reform(|_: MouseEvent| ())}>{"Save"}</button>
                <button type="button" class="sector-rename-cancel" disabled={state.busy}
                    onclick={move |_: MouseEvent| dispatch.dispatch(SectorsAction::RenameCancelled)}>{"Cancel"}</button>
            </div>
        </>
    }
}

fn remove_confirm(state: &UseReducerHandle<SectorsState>, name: &str, r: Removing) -> Html {
    let confirm = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if state.busy {
                return;
            }
            let (site, sector, dispatch) = (state.site, r.sector, state.dispatcher());
            dispatch.dispatch(SectorsAction::RemoveConfirmed);
            spawn_local(async move {
                let args = SectorRemoveArgs { site, sector };
                dispatch.dispatch(match invoke::<ipc::SectorRemove>(&args).await {
                    Ok(keywords) => SectorsAction::SectorRemoved { sector, keywords },
                    Err(error) => SectorsAction::RemoveRejected { sector, error },
                });
            });
        })
    };
    let dispatch = state.dispatcher();
    html! {
        <div class="confirm sector-confirm" id="sector-remove-box" role="alertdialog" aria-labelledby="sector-remove-text">
            <span id="sector-remove-text">{confirm_message(name, r.keywords)}</span>
            <div class="confirm-actions">
                <button id="sector-remove-confirm" type="button" class="danger" disabled={state.busy} onclick={confirm}>
                    { if state.busy { "Removing\u{2026}" } else { "Remove sector" } }
                </button>
                <button id="sector-remove-cancel" type="button" disabled={state.busy}
                    onclick={move |_: MouseEvent| dispatch.dispatch(SectorsAction::RemoveCancelled)}>{"Cancel"}</button>
            </div>
        </div>
    }
}
