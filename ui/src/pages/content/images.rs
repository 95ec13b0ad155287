//! An article's images: thumbnails with their alt text, caption and featured badge, a form to
//! attach a file (read here in wasm, its bytes sent to core, which checks and stores them) and
//! Remove. Every rule (formats, size, one featured image) is core's; its message appears next to
//! the form or the image it concerns.

use crate::ipc;
use folio_model::{AttachImage, ContentId, ErrorDto, Image, ImageId};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A file the person picked, read into memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A thumbnail: its `data:` URL, or why there is none (a file not on this device).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thumb {
    Shown(String),
    Missing(String),
}

/// Where an error is shown: under the attach form, or beside one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorPlace {
    Form,
    Image(ImageId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImagesState {
    pub content: ContentId,
    /// `None` until the first load answers.
    pub images: Option<Vec<Image>>,
    pub thumbs: BTreeMap<ImageId, Thumb>,
    pub file: Option<PickedFile>,
    /// The picked file is being read.
    pub reading: bool,
    pub featured: bool,
    pub alt: String,
    pub caption: String,
    /// An attach or a removal is on its way to core; the next waits for it.
    pub busy: bool,
    pub error: Option<(ErrorPlace, ErrorDto)>,
    /// The image whose removal is on its way.
    pub removing: Option<ImageId>,
    /// Counts attaches, so the form's file input is cleared after each.
    pub attached: u64,
}

pub enum ImagesAction {
    Loaded(Result<Vec<Image>, ErrorDto>),
    ThumbLoaded(ImageId, Thumb),
    FileChosen,
    FileRead(Result<Option<PickedFile>, ErrorDto>),
    FeaturedToggled(bool),
    AltTyped(String),
    CaptionTyped(String),
    AttachSubmitted,
    ImageAttached(Image),
    AttachRejected(ErrorDto),
    RemoveClicked(ImageId),
    ImageRemoved(ImageId),
    RemoveRejected { image: ImageId, error: ErrorDto },
}

impl Reducible for ImagesState {
    type Action = ImagesAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl ImagesState {
    pub fn new(content: ContentId) -> Self {
        Self {
            content,
            images: None,
            thumbs: BTreeMap::new(),
            file: None,
            reading: false,
            featured: false,
            alt: String::new(),
            caption: String::new(),
            busy: false,
            error: None,
            removing: None,
            attached: 0,
        }
    }

    fn apply(&mut self, action: ImagesAction) {
        use ImagesAction as A;
        match action {
            A::Loaded(Ok(images)) => self.images = Some(images),
            A::Loaded(Err(error)) => {
                self.images = Some(Vec::new());
                self.error = Some((ErrorPlace::Form, error));
            }
            A::ThumbLoaded(id, thumb) => {
                self.thumbs.insert(id, thumb);
            }
            A::FileChosen => {
                self.reading = true;
                self.file = None;
                self.clear_form_error();
            }
            A::FileRead(result) => {
                self.reading = false;
                match result {
                    Ok(file) => self.file = file,
                    Err(error) => self.error = Some((ErrorPlace::Form, error)),
                }
            }
            A::FeaturedToggled(on) => self.featured = on,
            A::AltTyped(text) => self.alt = text,
            A::CaptionTyped(text) => self.caption = text,
            A::AttachSubmitted => {
                self.busy = true;
                self.error = None;
            }
            A::ImageAttached(image) => {
                self.busy = false;
                self.file = None;
                self.featured = false;
                self.alt.clear();
                self.caption.clear();
                self.attached += 1;
                let images = self.images.get_or_insert_with(Vec::new);
                // core replaced the featured image, if there was one
                if image.is_featured() {
                    images.retain(|i| !i.is_featured());
                }
                images.push(image);
                images.sort_by_key(|i| (!i.is_featured(), i.position, i.id));
            }
            A::AttachRejected(error) => {
                self.busy = false;
                self.error = Some((ErrorPlace::Form, error));
            }
            A::RemoveClicked(id) => {
                self.busy = true;
                self.removing = Some(id);
                self.error = None;
            }
            A::ImageRemoved(id) => {
                self.busy = false;
                self.removing = None;
                if let Some(images) = &mut self.images {
                    images.retain(|i| i.id != id);
                }
                self.thumbs.remove(&id);
            }
            A::RemoveRejected { image, error } => {
                self.busy = false;
                self.removing = None;
                self.error = Some((ErrorPlace::Image(image), error));
            }
        }
    }

    fn clear_form_error(&mut self) {
        if self
            .error
            .as_ref()
            .is_some_and(|(p, _)| *p == ErrorPlace::Form)
        {
            self.error = None;
        }
    }

    /// The request the form would send, once a file is read.
    pub fn attach_request(&self) -> Option<AttachImage> {
        let file = self.file.as_ref()?;
        Some(AttachImage {
            content: self.content,
            file_name: file.name.clone(),
            bytes: file.bytes.clone(),
            featured: self.featured,
            alt_text: self.alt.clone(),
            caption: self.caption.clone(),
        })
    }

    /// The form's error about the file itself (shown beside the file input), then any other.
    pub fn form_error(&self, about_file: bool) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(p, e)| *p == ErrorPlace::Form && e.is_about("file") == about_file)
            .map(|(_, e)| e.message.as_str())
    }

    pub fn image_error(&self, id: ImageId) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(p, _)| *p == ErrorPlace::Image(id))
            .map(|(_, e)| e.message.as_str())
    }

    /// Images whose thumbnail has not been asked for yet.
    fn without_thumbs(&self) -> Vec<ImageId> {
        self.images
            .iter()
            .flatten()
            .filter(|i| !self.thumbs.contains_key(&i.id))
            .map(|i| i.id)
            .collect()
    }
}

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

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[derive(Properties, PartialEq)]
pub struct ImagesPanelProps {
    pub content: ContentId,
    /// The article's title: the alt text when none is typed.
    pub title: String,
}

#[function_component(ImagesPanel)]
pub fn images_panel(props: &ImagesPanelProps) -> Html {
    let content = props.content;
    let state = use_reducer(move || ImagesState::new(content));
    let file_input = use_node_ref();
    {
        let dispatch = state.dispatcher();
        use_effect_with(content, move |&content| {
            spawn_local(async move {
                dispatch.dispatch(ImagesAction::Loaded(ipc::list_images(content).await));
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
                    let thumb = match ipc::image_data(id).await {
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
                dispatch.dispatch(match ipc::attach_image(&request).await {
                    Ok(image) => ImagesAction::ImageAttached(image),
                    Err(e) => ImagesAction::AttachRejected(e),
                });
            });
        })
    };
    let on_featured = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            dispatch.dispatch(ImagesAction::FeaturedToggled(on));
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
                dispatch.dispatch(match ipc::remove_image(id).await {
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
                {"Until images are generated, attach your own: a featured image and in-article images, placed after each H2 in order. They are published with the article."}
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use folio_model::{ImageStatus, ImageType};

    fn image(n: u8, featured: bool, position: u32) -> Image {
        Image {
            id: id(n),
            content_id: id(1),
            image_type: if featured {
                ImageType::Featured
            } else {
                ImageType::InArticle
            },
            url: None,
            local_path: Some("images/ab/ab.png".into()),
            alt_text: "alt".into(),
            caption: String::new(),
            position,
            prompt: String::new(),
            provider: Some("upload".into()),
            status: ImageStatus::Generated,
            created_at: chrono::DateTime::UNIX_EPOCH,
            external_media_id: None,
        }
    }

    fn id<T: std::str::FromStr>(n: u8) -> T
    where
        T::Err: std::fmt::Debug,
    {
        format!("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a{n:02x}")
            .parse()
            .unwrap()
    }

    #[test]
    fn a_new_featured_image_replaces_the_shown_one_and_the_form_resets() {
        let mut s = ImagesState::new(id(1));
        s.apply(ImagesAction::Loaded(Ok(vec![
            image(2, true, 0),
            image(3, false, 0),
        ])));
        s.apply(ImagesAction::FileRead(Ok(Some(PickedFile {
            name: "a.png".into(),
            bytes: vec![1],
        }))));
        s.apply(ImagesAction::FeaturedToggled(true));
        assert!(s.attach_request().is_some_and(|r| r.featured));
        s.apply(ImagesAction::AttachSubmitted);
        s.apply(ImagesAction::ImageAttached(image(4, true, 0)));
        let ids: Vec<_> = s.images.iter().flatten().map(|i| i.id).collect();
        assert_eq!(ids, vec![id::<ImageId>(4), id(3)]);
        assert_eq!((s.busy, s.featured, s.file.is_none()), (false, false, true));
        assert_eq!(s.attached, 1);
    }

    #[test]
    fn errors_about_the_file_go_beside_the_file_input() {
        let mut s = ImagesState::new(id(1));
        let e =
            ErrorDto::new(folio_model::ErrorKind::Validation, "not an image").with_field("file");
        s.apply(ImagesAction::AttachRejected(e));
        assert_eq!(s.form_error(true), Some("not an image"));
        assert_eq!(s.form_error(false), None);
        s.apply(ImagesAction::FileChosen);
        assert_eq!(s.form_error(true), None, "choosing another file clears it");
    }
}
