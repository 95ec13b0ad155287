//! The article's text in the editor, saved through core: `content_update` after typing pauses
//! (`AUTOSAVE_DELAY_MS`), on Ctrl-S, on leaving the HTML source view and on leaving the page
//! with unsaved changes. The status line `#editor-save-status` says where the text stands.
//! The images the editor inserts and shows are the article's with a file (`images_list`, then
//! `image_data` for each picture).
//!
//! Changes made elsewhere (another device by sync, the CLI, a restored version, a rewritten
//! section) are read every `POLL_MS` from core — a local read — and merged (see `saving.rs`);
//! the page asks for an immediate read with `refresh` after a change it made itself.
//!
//! State: `article/saving.rs`.

use super::saving::{SaveAction, SaveState, AUTOSAVE_DELAY_MS};
use crate::components::{ArticleEditor, EditorImage, EditorSlot};
use crate::hooks::invoke;
use folio_model::ipc::{
    self, ContentGetArgs, ContentRevisionsArgs, ContentUpdateArgs, ImageDataArgs, ImagesListArgs,
};
use folio_model::{Content, ContentId, ContentUpdate};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorPanelProps {
    pub content: ContentId,
    /// Core's body when the page opened (read once).
    pub body: AttrValue,
    /// Core stored a save: the page shows its facts (words, status).
    pub on_saved: Callback<Content>,
    /// Bumped by the page after it changed the body itself (a restored version, a rewritten
    /// section): read it now; the text says what happened ("the version you restored").
    #[prop_or_default]
    pub refresh: Option<(u64, AttrValue)>,
}

/// How often the stored body is read for changes made elsewhere (a local read).
const POLL_MS: i32 = 2_000;

/// Save `html` as the article's body, edited from `base`.
async fn send(
    content: ContentId,
    html: String,
    base: Option<String>,
) -> Result<Content, folio_model::ErrorDto> {
    let update = ContentUpdate {
        body_html: Some(html),
        base_html: base,
        ..ContentUpdate::default()
    };
    invoke::<ipc::ContentUpdate>(&ContentUpdateArgs { content, update }).await
}

/// Run `f` after `ms` milliseconds.
fn after(ms: u32, f: impl FnOnce() + 'static) {
    let f = Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            f.unchecked_ref(),
            i32::try_from(ms).unwrap_or(i32::MAX),
        );
    }
}

/// The article's images that have a file, with their pictures.
async fn load_images(content: ContentId) -> Vec<EditorImage> {
    let Ok(images) = invoke::<ipc::ImagesList>(&ImagesListArgs { content }).await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for image in images.into_iter().filter(|i| i.local_path.is_some()) {
        let src = invoke::<ipc::ImageData>(&ImageDataArgs { image: image.id })
            .await
            .ok();
        out.push(EditorImage {
            id: image.id.to_string(),
            alt: image.alt_text,
            src,
        });
    }
    out
}

/// What leaving the page needs to know, kept current at every render.
#[derive(Default)]
struct Leaving {
    dirty: bool,
    source: Option<String>,
    base: String,
}

#[function_component(EditorPanel)]
pub fn editor_panel(props: &EditorPanelProps) -> Html {
    let content = props.content;
    let save = {
        let body = props.body.clone();
        use_reducer(move || SaveState::opened(&body))
    };
    let slot = use_state(EditorSlot::default);
    let images = use_state(|| Rc::new(Vec::<EditorImage>::new()));
    let images_request = use_state(|| 0u64);
    let leaving = use_mut_ref(Leaving::default);
    {
        let mut l = leaving.borrow_mut();
        l.dirty = save.is_dirty();
        l.source = save.pending_source().map(str::to_owned);
        l.base = (*save.base).clone();
    }
    {
        let images = images.clone();
        use_effect_with((content, *images_request), move |&(content, _)| {
            spawn_local(async move { images.set(Rc::new(load_images(content).await)) });
        });
    }
    {
        // the debounce: the latest edit's timer saves
        let dispatch = save.dispatcher();
        use_effect_with(save.timer, move |&timer| {
            if timer > 0 {
                after(AUTOSAVE_DELAY_MS, move || {
                    dispatch.dispatch(SaveAction::TimerFired(timer))
                });
            }
        });
    }
    {
        let (dispatch, slot, on_saved) =
            (save.dispatcher(), (*slot).clone(), props.on_saved.clone());
        let sending = save.sending.clone();
        use_effect_with(save.request, move |&request| {
            if let (true, Some(sending)) = (request > 0, sending) {
                let html = sending
                    .source
                    .or_else(|| slot.with(|e| e.html()))
                    .unwrap_or_default();
                let base = Some((*sending.base).clone());
                spawn_local(async move {
                    let result = send(content, html.clone(), base).await;
                    if let Ok(c) = &result {
                        on_saved.emit(c.clone());
                    }
                    dispatch.dispatch(SaveAction::Saved {
                        sent: html,
                        result: result.map(|c| c.body_html),
                    });
                });
            }
        });
    }
    {
        // Changes made elsewhere: the stored body, read every POLL_MS and when the page asks.
        let generation = use_mut_ref(|| 0u64);
        *generation.borrow_mut() = save.generation;
        let read = {
            let dispatch = save.dispatcher();
            Rc::new(move |by: Option<String>| {
                let generation = *generation.borrow();
                let dispatch = dispatch.clone();
                spawn_local(async move {
                    let Ok(c) = invoke::<ipc::ContentGet>(&ContentGetArgs { content }).await else {
                        return;
                    };
                    let by = match by {
                        Some(by) => by,
                        None => invoke::<ipc::ContentRevisions>(&ContentRevisionsArgs { content })
                            .await
                            .ok()
                            .and_then(|r| r.into_iter().next())
                            .map_or_else(|| "another device".to_owned(), |r| r.author),
                    };
                    dispatch.dispatch(SaveAction::Polled {
                        generation,
                        body: c.body_html,
                        by,
                    });
                });
            })
        };
        {
            let read = read.clone();
            use_effect_with(props.refresh.clone(), move |refresh| {
                if let Some((_, by)) = refresh {
                    read(Some(by.to_string()));
                }
            });
        }
        use_effect_with(content, move |_| {
            let tick = Closure::<dyn Fn()>::new(move || read(None));
            let id = web_sys::window().and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(
                    tick.as_ref().unchecked_ref(),
                    POLL_MS,
                )
                .ok()
            });
            move || {
                if let (Some(w), Some(id)) = (web_sys::window(), id) {
                    w.clear_interval_with_handle(id);
                }
                drop(tick);
            }
        });
    }
    {
        // Leaving the page or closing the window with unsaved changes saves them first.
        let (slot, leaving) = ((*slot).clone(), leaving.clone());
        use_effect_with(content, move |&content| {
            let unsaved = {
                let slot = slot.clone();
                move || {
                    let l = leaving.borrow();
                    if !l.dirty {
                        return None;
                    }
                    let html = l.source.clone().or_else(|| slot.with(|e| e.html()))?;
                    let base = Some(l.base.clone());
                    Some(async move {
                        let _ = send(content, html, base).await;
                    })
                }
            };
            let unsaved = Rc::new(unsaved);
            let on_close = {
                let unsaved = unsaved.clone();
                crate::closing::register(Rc::new(move || {
                    unsaved().map(|save| Box::pin(save) as crate::closing::Save)
                }))
            };
            move || {
                drop(on_close);
                if let Some(save) = unsaved() {
                    spawn_local(save);
                }
                slot.set(None);
            }
        });
    }
    let d = save.dispatcher();
    let on_change = {
        let d = d.clone();
        Callback::from(move |_| d.dispatch(SaveAction::Edited))
    };
    let on_save_now = {
        let d = d.clone();
        Callback::from(move |_| d.dispatch(SaveAction::SaveNow))
    };
    let on_source_done = {
        let d = d.clone();
        Callback::from(move |html| d.dispatch(SaveAction::SourceEdited(html)))
    };
    let on_images_wanted = {
        let images_request = images_request.clone();
        Callback::from(move |_| images_request.set(*images_request + 1))
    };
    let status = save.status();
    html! {
        <div class="editor-panel">
            <div class="editor-status-row">
                <p id="editor-save-status" class={classes!("editor-save-status", status.key())}
                    data-state={status.key()} role="status" aria-live="polite">{status.text()}</p>
                if let Some(by) = &save.remote {
                    <p id="editor-remote" class="editor-remote hint" role="status">
                        {format!("Updated from {by}")}
                    </p>
                }
            </div>
            <ArticleEditor slot={(*slot).clone()} html={props.body.clone()} images={(*images).clone()}
                replace={save.replace.clone()} {on_change} {on_save_now} {on_source_done}
                {on_images_wanted} on_mounted={Callback::from(|()| crate::timing::article_opened())} />
        </div>
    }
}
