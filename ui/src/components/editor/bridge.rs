//! The one door to the editor engine (`ui/editor/src/editor.js`, bundled into `editor.js`).
//! `boot.js` loads it the first time [`load`] asks (the start page never needs it) and puts it on
//! `window.folioEditor`. Everything the UI asks of the engine goes through [`load`] and
//! [`Editor`]; no other Rust file declares JavaScript of the editor.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[wasm_bindgen]
extern "C" {
    /// `boot.js`: import `editor.js` once (later calls answer the same promise).
    #[wasm_bindgen(catch, js_name = folioLoadEditor)]
    fn load_engine() -> Result<js_sys::Promise, JsValue>;

    /// One editor instance: the handle `folioEditor.create` returns.
    type Handle;

    #[wasm_bindgen(catch, js_namespace = folioEditor, js_name = create)]
    fn create(element: &HtmlElement, html: &str) -> Result<Handle, JsValue>;
    #[wasm_bindgen(method, js_name = getHTML)]
    fn get_html(this: &Handle) -> String;
    #[wasm_bindgen(method, js_name = setHTML)]
    fn set_html(this: &Handle, html: &str, keep_selection: bool);
    #[wasm_bindgen(method, js_name = onChange)]
    fn on_change(this: &Handle, cb: &JsValue);
    #[wasm_bindgen(method, js_name = onSelection)]
    fn on_selection(this: &Handle, cb: &JsValue);
    #[wasm_bindgen(method, js_name = onLinkRequest)]
    fn on_link_request(this: &Handle, cb: &JsValue);
    #[wasm_bindgen(method)]
    fn command(this: &Handle, name: &str, arg: &JsValue) -> bool;
    #[wasm_bindgen(method)]
    fn active(this: &Handle) -> js_sys::Array;
    #[wasm_bindgen(method, js_name = linkHref)]
    fn link_href(this: &Handle) -> String;
    #[wasm_bindgen(method, js_name = setImageSource)]
    fn set_image_source(this: &Handle, id: &str, url: &str);
    #[wasm_bindgen(method)]
    fn focus(this: &Handle);
    #[wasm_bindgen(method)]
    fn destroy(this: &Handle);
}

/// Load the engine (once; the first article page waits for it). The error says what to do.
pub async fn load() -> Result<(), String> {
    let loaded = match load_engine() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    loaded.map_err(|e| {
        format!(
            "The editor could not load ({}). Rebuild the UI with scripts/build-ui.sh",
            js_message(&e)
        )
    })
}

fn js_message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Error::from(e.clone()).message().as_string())
        .unwrap_or_else(|| "editor.js is missing".into())
}

/// What the engine tells the UI.
pub struct Listeners {
    /// The person changed the content (not a `set_html`).
    pub changed: Box<dyn Fn()>,
    /// The selection or the marks under it changed (the toolbar's pressed buttons).
    pub selection: Box<dyn Fn()>,
    /// Ctrl-Shift-K: the link under the caret ("" when none), to edit.
    pub link: Box<dyn Fn(String)>,
}

/// A mounted editor; destroyed when dropped.
pub struct Editor {
    handle: Handle,
    _listeners: Vec<Closure<dyn Fn(JsValue)>>,
}

impl Editor {
    /// Mount the engine (after [`load`]) in `element` with `html`; the error says why it could
    /// not start.
    pub fn mount(element: &HtmlElement, html: &str, listeners: Listeners) -> Result<Self, String> {
        let handle = create(element, html).map_err(|e| {
            format!(
                "The editor could not start ({}). Rebuild the UI with scripts/build-ui.sh",
                js_message(&e)
            )
        })?;
        let Listeners {
            changed,
            selection,
            link,
        } = listeners;
        let changed = Closure::<dyn Fn(JsValue)>::new(move |_| changed());
        let selection = Closure::<dyn Fn(JsValue)>::new(move |_| selection());
        let link = Closure::<dyn Fn(JsValue)>::new(move |href: JsValue| {
            link(href.as_string().unwrap_or_default())
        });
        handle.on_change(changed.as_ref());
        handle.on_selection(selection.as_ref());
        handle.on_link_request(link.as_ref());
        Ok(Self {
            handle,
            _listeners: vec![changed, selection, link],
        })
    }

    /// The article as the editor holds it (the allowlist's HTML).
    pub fn html(&self) -> String {
        self.handle.get_html()
    }

    /// Replace the content (no change is reported); with `keep_selection`, the caret stays in
    /// the same top-level block.
    pub fn set_html(&self, html: &str, keep_selection: bool) {
        self.handle.set_html(html, keep_selection);
    }

    /// Run a toolbar command (`bold`, `h2`, `link` with the address, …); `false` when it could
    /// not apply here.
    pub fn command(&self, name: &str, arg: &JsValue) -> bool {
        self.handle.command(name, arg)
    }

    /// The toolbar commands active at the caret.
    pub fn active(&self) -> Vec<String> {
        self.handle
            .active()
            .iter()
            .filter_map(|v| v.as_string())
            .collect()
    }

    pub fn link_href(&self) -> String {
        self.handle.link_href()
    }

    /// Show `folio-image:<id>` with the bytes the app serves (a `data:` URL).
    pub fn set_image_source(&self, id: &str, url: &str) {
        self.handle.set_image_source(id, url);
    }

    /// Insert one of the article's images at the caret.
    pub fn insert_image(&self, id: &str, alt: &str, src: Option<&str>) -> bool {
        let arg = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&arg, &JsValue::from_str(k), v);
        let ok = set("id", &JsValue::from_str(id)).is_ok()
            && set("alt", &JsValue::from_str(alt)).is_ok()
            && src.is_none_or(|s| set("src", &JsValue::from_str(s)).is_ok());
        ok && self.handle.command("image", &arg)
    }

    pub fn focus(&self) {
        self.handle.focus();
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        self.handle.destroy();
    }
}

/// Where a page keeps its mounted editor: the view fills it, the page reads the HTML to save
/// (also while leaving, after the view is gone) and drops it.
#[derive(Clone, Default)]
pub struct EditorSlot(Rc<RefCell<Option<Editor>>>);

impl PartialEq for EditorSlot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl EditorSlot {
    pub fn set(&self, editor: Option<Editor>) {
        // The old editor is destroyed after the slot is released: its last events may read it.
        let old = self.0.replace(editor);
        drop(old);
    }

    /// Run `f` with the editor, if one is mounted.
    pub fn with<R>(&self, f: impl FnOnce(&Editor) -> R) -> Option<R> {
        self.0.borrow().as_ref().map(f)
    }
}
