//! The article's text in the editor, saved through core: `content_update` after typing pauses
//! (`AUTOSAVE_DELAY_MS`), on Ctrl-S, on leaving the HTML source view and on leaving the page
//! with unsaved changes. The status line `#editor-save-status` says where the text stands.
//! The images the editor inserts and shows are the article's with a file (`images_list`, then
//! `image_data` for each picture).
//!
//! State: `article/saving.rs`.

use super::saving::{SaveAction, SaveState, AUTOSAVE_DELAY_MS};
use crate::components::{ArticleEditor, EditorImage, EditorSlot};
use crate::hooks::invoke;
use folio_model::ipc::{self, ContentUpdateArgs, ImageDataArgs, ImagesListArgs};
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
}

/// Save `html` as the article's body.
async fn send(content: ContentId, html: String) -> Result<Content, folio_model::ErrorDto> {
    let update = ContentUpdate {
        body_html: Some(html),
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
}

#[function_component(EditorPanel)]
pub fn editor_panel(props: &EditorPanelProps) -> Html {
    let content = props.content;
    let save = use_reducer(SaveState::default);
    let slot = use_state(EditorSlot::default);
    let images = use_state(|| Rc::new(Vec::<EditorImage>::new()));
    let images_request = use_state(|| 0u64);
    let leaving = use_mut_ref(Leaving::default);
    {
        let mut l = leaving.borrow_mut();
        l.dirty = save.is_dirty();
        l.source = save.pending_source().map(str::to_owned);
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
                spawn_local(async move {
                    let result = send(content, html.clone()).await;
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
        // Leaving the page with unsaved changes saves them first; then the editor goes.
        let (slot, leaving) = ((*slot).clone(), leaving.clone());
        use_effect_with(content, move |&content| {
            move || {
                let l = leaving.borrow();
                if l.dirty {
                    let html = l.source.clone().or_else(|| slot.with(|e| e.html()));
                    if let Some(html) = html {
                        spawn_local(async move {
                            let _ = send(content, html).await;
                        });
                    }
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
            <p id="editor-save-status" class={classes!("editor-save-status", status.key())}
                data-state={status.key()} role="status" aria-live="polite">{status.text()}</p>
            <ArticleEditor slot={(*slot).clone()} html={props.body.clone()} images={(*images).clone()}
                replace={save.replace.clone()} {on_change} {on_save_now} {on_source_done}
                {on_images_wanted} />
        </div>
    }
}
