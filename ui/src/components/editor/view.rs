//! The article editor: the toolbar, the engine's editable area, the link form, the image picker
//! and the HTML source view. It holds only what the person is doing with it (which form is
//! open, the pressed buttons); saving is the page's: it hears every change (`on_change`),
//! Ctrl-S (`on_save_now`) and the source view's HTML (`on_source_done`), reads the HTML from
//! the [`EditorSlot`] and hands back core's sanitised body through `replace`.

use super::bridge::{self, Editor, EditorSlot, Listeners};
use super::toolbar::Toolbar;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// One of the article's images the editor can insert and show.
#[derive(Clone, Debug, PartialEq)]
pub struct EditorImage {
    pub id: String,
    pub alt: String,
    /// The picture as a `data:` URL (`None` while loading or when it could not be read).
    pub src: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct ArticleEditorProps {
    /// Filled with the mounted editor.
    pub slot: EditorSlot,
    /// The body the editor starts with (read once, at mount).
    pub html: AttrValue,
    /// The article's images with a file.
    pub images: Rc<Vec<EditorImage>>,
    /// Core's body to show instead of the editor's (a new number each time), keeping the caret's
    /// block.
    #[prop_or_default]
    pub replace: Option<(u64, Rc<String>)>,
    pub on_change: Callback<()>,
    pub on_save_now: Callback<()>,
    /// The HTML source view was left (or saved) with this HTML.
    pub on_source_done: Callback<String>,
    /// The image picker opened: the page loads the article's images again.
    pub on_images_wanted: Callback<()>,
    /// The engine shows the article (it loads on the first article page, so a little later
    /// than the view).
    #[prop_or_default]
    pub on_mounted: Callback<()>,
}

/// The latest props' callbacks and content, for the engine's listeners and for a mount that
/// waited for the engine to load (core may have replaced the body, images may have arrived).
struct Latest {
    on_change: Callback<()>,
    html: AttrValue,
    /// Core's latest body, when it replaced the one the view started with.
    replaced: Option<Rc<String>>,
    images: Rc<Vec<EditorImage>>,
}

#[function_component(ArticleEditor)]
pub fn article_editor(props: &ArticleEditorProps) -> Html {
    let area = use_node_ref();
    let source_ref = use_node_ref();
    let link_ref = use_node_ref();
    let active = use_state_eq(Vec::<String>::new);
    let failed = use_state(|| None::<String>);
    // the link form: `Some(href)` while open
    let link_form = use_state(|| None::<String>);
    let picker = use_state(|| false);
    // the source view: `Some(html)` while open
    let source = use_state(|| None::<String>);
    let latest = use_mut_ref(|| Latest {
        on_change: props.on_change.clone(),
        html: props.html.clone(),
        replaced: None,
        images: props.images.clone(),
    });
    {
        let mut l = latest.borrow_mut();
        l.on_change = props.on_change.clone();
        l.images = props.images.clone();
        l.replaced = props.replace.as_ref().map(|(_, html)| html.clone());
    }

    {
        let (area, slot, mounted) = (area.clone(), props.slot.clone(), props.on_mounted.clone());
        let (active, failed, link_form, latest) = (
            active.clone(),
            failed.clone(),
            link_form.clone(),
            latest.clone(),
        );
        use_effect_with((), move |_| {
            spawn_local(async move {
                // The engine loads on the first article page; the view may be gone by then.
                if let Err(e) = bridge::load().await {
                    failed.set(Some(e));
                    return;
                }
                let Some(el) = area.cast::<HtmlElement>() else {
                    return;
                };
                let selection_slot = slot.clone();
                let (html, images) = {
                    let l = latest.borrow();
                    let html = l
                        .replaced
                        .as_ref()
                        .map_or(l.html.to_string(), |h| h.to_string());
                    (html, l.images.clone())
                };
                let listeners = Listeners {
                    changed: Box::new(move || latest.borrow().on_change.emit(())),
                    selection: Box::new(move || {
                        if let Some(now) = selection_slot.with(Editor::active) {
                            active.set(now);
                        }
                    }),
                    link: Box::new(move |href| link_form.set(Some(href))),
                };
                match Editor::mount(&el, &html, listeners) {
                    Ok(editor) => {
                        show_images(&editor, &images);
                        slot.set(Some(editor));
                        mounted.emit(());
                    }
                    Err(e) => failed.set(Some(e)),
                }
            });
            // The page drops the editor (it may still need its HTML while leaving).
        });
    }
    {
        let slot = props.slot.clone();
        use_effect_with(props.replace.clone(), move |replace| {
            if let Some((_, html)) = replace {
                slot.with(|e| e.set_html(html, true));
            }
        });
    }
    {
        let slot = props.slot.clone();
        use_effect_with(props.images.clone(), move |images| {
            slot.with(|e| show_images(e, images));
        });
    }
    {
        // the link form's field gets the link's address and the focus when it opens
        let link_ref = link_ref.clone();
        let href = (*link_form).clone();
        use_effect_with(link_form.is_some(), move |open| {
            if *open {
                if let Some(input) = link_ref.cast::<HtmlInputElement>() {
                    input.set_value(href.as_deref().unwrap_or_default());
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }

    let slot = props.slot.clone();
    let on_command = {
        let slot = slot.clone();
        Callback::from(move |name: &'static str| {
            slot.with(|e| e.command(name, &JsValue::UNDEFINED));
        })
    };
    let on_link = {
        let (slot, link_form) = (slot.clone(), link_form.clone());
        Callback::from(move |_| {
            let href = slot.with(Editor::link_href).unwrap_or_default();
            link_form.set(Some(href));
        })
    };
    let close_link = {
        let (slot, link_form) = (slot.clone(), link_form.clone());
        move || {
            link_form.set(None);
            slot.with(Editor::focus);
        }
    };
    let apply_link = {
        let (slot, link_ref, link_form) = (slot.clone(), link_ref.clone(), link_form.clone());
        let close = close_link.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let href = link_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let applied = slot
                .with(|ed| ed.command("link", &JsValue::from_str(href.trim())))
                .unwrap_or(false);
            if applied {
                close();
            } else {
                link_form.set(Some(href));
            }
        })
    };
    let remove_link = {
        let slot = slot.clone();
        let close = close_link.clone();
        Callback::from(move |_: MouseEvent| {
            slot.with(|ed| ed.command("link", &JsValue::from_str("")));
            close();
        })
    };
    let cancel_link = {
        let close = close_link.clone();
        Callback::from(move |_: MouseEvent| close())
    };
    let on_image = {
        let (picker, wanted) = (picker.clone(), props.on_images_wanted.clone());
        Callback::from(move |_| {
            if !*picker {
                wanted.emit(());
            }
            picker.set(!*picker);
        })
    };
    let leave_source = {
        let (source, source_ref, done) = (
            source.clone(),
            source_ref.clone(),
            props.on_source_done.clone(),
        );
        move || {
            if let Some(text) = source_ref.cast::<HtmlTextAreaElement>().map(|t| t.value()) {
                done.emit(text);
            }
            source.set(None);
        }
    };
    let on_source = {
        let (slot, source, picker, link_form) = (
            slot.clone(),
            source.clone(),
            picker.clone(),
            link_form.clone(),
        );
        let leave = leave_source.clone();
        Callback::from(move |_| {
            if source.is_some() {
                leave();
            } else if let Some(html) = slot.with(Editor::html) {
                picker.set(false);
                link_form.set(None);
                source.set(Some(html));
            }
        })
    };
    let on_keydown = {
        let (save_now, source) = (props.on_save_now.clone(), source.clone());
        let leave = leave_source.clone();
        Callback::from(move |e: KeyboardEvent| {
            if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("s") {
                e.prevent_default();
                if source.is_some() {
                    leave();
                } else {
                    save_now.emit(());
                }
            }
        })
    };

    let choices = props.images.iter().map(|image| {
        let (slot, picker, image_c) = (slot.clone(), picker.clone(), image.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            slot.with(|e| e.insert_image(&image_c.id, &image_c.alt, image_c.src.as_deref()));
            picker.set(false);
        });
        html! {
            <li>
                <button type="button" class="editor-image-choice" data-image={image.id.clone()}
                    onmousedown={|e: MouseEvent| e.prevent_default()} {onclick}>
                    if let Some(src) = &image.src {
                        <img src={src.clone()} alt="" />
                    }
                    <span>{ if image.alt.is_empty() { "(no alt text)" } else { &image.alt } }</span>
                </button>
            </li>
        }
    });

    html! {
        <div class="editor" id="editor" onkeydown={on_keydown}
            data-source={source.is_some().to_string()}>
            <Toolbar active={(*active).clone()} {on_command} {on_link} {on_image} {on_source}
                source_open={source.is_some()} />
            // Uncontrolled fields (the link's address is put in when the form opens; the
            // source view's `defaultvalue`): Yew writes a `value` back into the DOM on every
            // render, and the editor re-renders as the caret moves or a save ends — what the
            // person typed would be wiped.
            if link_form.is_some() {
                <form class="editor-popover" id="editor-link-form" onsubmit={apply_link}>
                    <label for="editor-link-url">{"Link address"}</label>
                    <input id="editor-link-url" type="url" ref={link_ref}
                        placeholder="https://\u{2026}" />
                    <button id="editor-link-apply" type="submit">{"Apply"}</button>
                    <button id="editor-link-remove" type="button" onclick={remove_link}>{"Remove link"}</button>
                    <button id="editor-link-cancel" type="button" onclick={cancel_link}>{"Cancel"}</button>
                    <p class="hint">{"http, https or mailto addresses."}</p>
                </form>
            }
            if *picker {
                <div class="editor-popover" id="editor-image-picker">
                    if props.images.is_empty() {
                        <p class="muted" id="editor-images-empty">
                            {"This article has no image files yet: attach one under Images below, then insert it here."}
                        </p>
                    } else {
                        <ul class="editor-image-choices">{ for choices }</ul>
                    }
                </div>
            }
            if let Some(e) = &*failed {
                <div id="editor-error" class="error banner" role="alert">{e}</div>
            }
            <div class="editor-area" ref={area} hidden={source.is_some()} />
            if let Some(html) = &*source {
                <textarea id="editor-source" class="editor-source" ref={source_ref}
                    spellcheck="false" aria-label="HTML source" defaultvalue={html.clone()} />
                <p class="hint">{"Core keeps only the article allowlist (paragraphs, H2\u{2013}H4, lists, tables, bold, italic, links, quotes, code, the article's images) when you go back or save."}</p>
            }
        </div>
    }
}

fn show_images(editor: &Editor, images: &[EditorImage]) {
    for image in images {
        if let Some(src) = &image.src {
            editor.set_image_source(&image.id, src);
        }
    }
}
