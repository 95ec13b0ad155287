//! An article's images: thumbnails with their alt text, caption and featured badge, a form to
//! attach a file (read here in wasm, its bytes sent to core, which checks and stores them) and
//! Remove. Every rule (formats, size, one featured image) is core's; its message appears next to
//! the form or the image it concerns.
//!
//! State: `images/state.rs`.

mod state;

use crate::forms::{checked, input_value};
use crate::hooks::invoke;
use folio_model::ipc::{self, ImageAttachArgs, ImageDataArgs, ImageRemoveArgs, ImagesListArgs};
use folio_model::{ContentId, ErrorDto, Image, ImageId};
use state::{ImagesAction, ImagesState, PickedFile, Thumb};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The first file of a file input, read into memory (`None` when the choice was cancelled).
async fn read_file(input: &HtmlInputElement) -> Result<Option<PickedFile>, ErrorDto> {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return Ok(None);
    };
    let failed = |e: wasm_bindgen::JsValue| {
        ErrorDto::new(
            folio_model::ErrorKind::Validation,
            format!(
                "cannot read \u{201c}{}\u{201d}: {}",
                file.name(),
                e.as_string().unwrap_or_else(|| format!("{e:?}"))
            ),
        )
        .with_field("file")
    };
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(failed)?;
    Ok(Some(PickedFile {
        name: file.name(),
        bytes: js_sys::Uint8Array::new(&buffer).to_vec(),
    }))
}

#[derive(Properties, PartialEq)]
pub struct ImagesPanelProps {
    pub content: ContentId,
    /// The article's title: the alt text when none is typed.
    pub title: String,
    /// Bumped when images were generated: the list loads again.
    #[prop_or_default]
    pub reload: u64,
}

#[function_component(ImagesPanel)]
pub fn images_panel(props: &ImagesPanelProps) -> Html {
    let content = props.content;
    let state = use_reducer(move || ImagesState::new(content));
    let file_input = use_node_ref();
    {
        let dispatch = state.dispatcher();
        use_effect_with((content, props.reload), move |&(content, _)| {
            spawn_local(async move {
                let images = invoke::<ipc::ImagesList>(&ImagesListArgs { content }).await;
                dispatch.dispatch(ImagesAction::Loaded(images));
            });
        });
    }
    {
        // Thumbnails load one by one for images that have none yet (after the load, an attach).
        let missing = state.without_thumbs();
        let dispatch = state.dispatcher();
        use_effect_with(missing, move |missing| {
            for id in missing.clone() {
                let dispatch = dispatch.clone();
                spawn_local(async move {
                    let thumb = match invoke::<ipc::ImageData>(&ImageDataArgs { image: id }).await {
                        Ok(url) => Thumb::Shown(url),
                        Err(e) => Thumb::Missing(e.message),
                    };
                    dispatch.dispatch(ImagesAction::ThumbLoaded(id, thumb));
                });
            }
        });
    }
    {
        // After an attach the form starts afresh, its file input too.
        let file_input = file_input.clone();
        use_effect_with(state.attached, move |_| {
            if let Some(input) = file_input.cast::<HtmlInputElement>() {
                input.set_value("");
            }
        });
    }

    let dispatch = state.dispatcher();
    let on_file = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            dispatch.dispatch(ImagesAction::FileChosen);
            let dispatch = dispatch.clone();
            spawn_local(async move {
                dispatch.dispatch(ImagesAction::FileRead(read_file(&input).await));
            });
        })
    };
    let on_submit = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.busy || state.reading {
                return;
            }
            let Some(request) = state.attach_request() else {
                return;
            };
            let dispatch = state.dispatcher();
            dispatch.dispatch(ImagesAction::AttachSubmitted);
            spawn_local(async move {
                let args = ImageAttachArgs { input: request };
                dispatch.dispatch(match invoke::<ipc::ImageAttach>(&args).await {
                    Ok(image) => ImagesAction::ImageAttached(image),
                    Err(e) => ImagesAction::AttachRejected(e),
                });
            });
        })
    };
    let on_featured = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            dispatch.dispatch(ImagesAction::FeaturedToggled(checked(&e)));
        })
    };
    let on_alt = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(ImagesAction::AltTyped(input_value(&e)))
        })
    };
    let on_caption = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(ImagesAction::CaptionTyped(input_value(&e)))
        })
    };
    let on_remove = {
        let state = state.clone();
        Callback::from(move |id: ImageId| {
            if state.busy {
                return;
            }
            let dispatch = state.dispatcher();
            dispatch.dispatch(ImagesAction::RemoveClicked(id));
            spawn_local(async move {
                let args = ImageRemoveArgs { image: id };
                dispatch.dispatch(match invoke::<ipc::ImageRemove>(&args).await {
                    Ok(()) => ImagesAction::ImageRemoved(id),
                    Err(error) => ImagesAction::RemoveRejected { image: id, error },
                });
            });
        })
    };

    let has_featured = state.images.iter().flatten().any(Image::is_featured);
    let list = match &state.images {
        None => html! { <p class="muted" id="images-loading">{"Loading\u{2026}"}</p> },
        Some(images) if images.is_empty() => html! {
            <p class="muted" id="images-empty">{"No images yet. Attach a featured image and one per H2 section."}</p>
        },
        Some(images) => html! {
            <ul id="image-list" class="image-list" aria-busy={state.busy.to_string()}>
                { for images.iter().map(|i| image_row(&state, i, &on_remove)) }
            </ul>
        },
    };
    let file_error = state.form_error(true);
    let can_attach = state.file.is_some() && !state.busy && !state.reading;
    html! {
        <section class="panel images-panel" id="images-panel" aria-labelledby="images-title">
            <div class="panel-head"><h2 id="images-title">{"Images"}</h2></div>
            <p class="help section-help">
                {"Generate images from the article above, or attach your own: a featured image and in-article images, placed after each H2 in order. They are published with the article."}
            </p>
            { list }
            <form id="image-attach-form" class="image-attach" onsubmit={on_submit} novalidate=true>
                <div class="field">
                    <label for="image-file">{"Image file"}</label>
                    <input id="image-file" type="file" accept="image/*" ref={file_input}
                        onchange={on_file} disabled={state.busy}
                        aria-invalid={file_error.is_some().to_string()}
                        aria-describedby="image-file-help" />
                    <div id="image-file-help" class="help">{"PNG, JPEG, GIF, WebP or AVIF, up to 20 MB."}</div>
                    if let Some(msg) = file_error {
                        <div id="image-file-error" class="error" role="alert">{msg}</div>
                    }
                </div>
                <label class="switch">
                    <input id="image-featured" type="checkbox" checked={state.featured} onchange={on_featured} />
                    { if has_featured { "Featured image (replaces the current one)" } else { "Featured image" } }
                </label>
                <div class="field">
                    <label for="image-alt">{"Alt text"}</label>
                    <input id="image-alt" type="text" value={state.alt.clone()} oninput={on_alt}
                        placeholder={props.title.clone()} autocomplete="off" />
                    <div class="help">{"What the image shows, for people who cannot see it. Empty: the article's title."}</div>
                </div>
                <div class="field">
                    <label for="image-caption">{"Caption (optional)"}</label>
                    <input id="image-caption" type="text" value={state.caption.clone()} oninput={on_caption} autocomplete="off" />
                </div>
                <div class="inline-field">
                    <button id="image-attach" type="submit" class="primary" disabled={!can_attach}>
                        { if state.busy { "Attaching\u{2026}" } else if state.reading { "Reading\u{2026}" } else { "Attach" } }
                    </button>
                </div>
                if let Some(msg) = state.form_error(false) {
                    <div id="image-error" class="error" role="alert">{msg}</div>
                }
            </form>
        </section>
    }
}

fn image_row(state: &ImagesState, image: &Image, on_remove: &Callback<ImageId>) -> Html {
    let id = image.id;
    let thumb = match state.thumbs.get(&id) {
        Some(Thumb::Shown(url)) => html! {
            <img class="image-thumb" src={url.clone()} alt={image.alt_text.clone()} />
        },
        Some(Thumb::Missing(why)) => html! {
            <div class="image-thumb missing" title={why.clone()}>{"Not on this device"}</div>
        },
        None => html! { <div class="image-thumb loading">{"\u{2026}"}</div> },
    };
    let place = if image.is_featured() {
        html! { <span class="chip image-featured">{"Featured"}</span> }
    } else {
        html! { <span class="muted">{format!("After H2 #{}", image.position + 1)}</span> }
    };
    let onclick = {
        let on_remove = on_remove.clone();
        move |_: MouseEvent| on_remove.emit(id)
    };
    html! {
        <li class="image-row" data-image-id={id.to_string()}>
            { thumb }
            <div class="image-facts">
                <div>{ place }</div>
                <div class="image-alt">{&image.alt_text}</div>
                if !image.caption.is_empty() {
                    <div class="image-caption muted">{&image.caption}</div>
                }
                if let Some(msg) = state.image_error(id) {
                    <div class="error" role="alert">{msg}</div>
                }
            </div>
            <button type="button" class="image-remove" disabled={state.busy} {onclick}
                aria-label={format!("Remove image: {}", image.alt_text)}>
                { if state.removing == Some(id) { "Removing\u{2026}" } else { "Remove" } }
            </button>
        </li>
    }
}
