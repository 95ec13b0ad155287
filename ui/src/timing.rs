//! The few figures the desktop benchmark reads from the window (`scripts/bench-desktop.sh`):
//! the start page telling the shell it is drawn and interactive (`app_ready`, once), and how
//! long the article page took from the navigation to the editor showing the article
//! (`window.folioTimings.articleOpenMs`).

use crate::hooks::invoke;
use folio_model::ipc::{self, NoArgs};
use std::cell::Cell;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

thread_local! {
    static READY: Cell<bool> = const { Cell::new(false) };
    static NAVIGATED_AT: Cell<Option<f64>> = const { Cell::new(None) };
}

fn now() -> Option<f64> {
    web_sys::window()?.performance().map(|p| p.now())
}

/// The start page has its data on screen: tell the shell (once per window).
pub fn mark_ready() {
    if READY.with(|r| r.replace(true)) {
        return;
    }
    spawn_local(async {
        let _ = invoke::<ipc::AppReady>(&NoArgs {}).await;
    });
}

/// A page change began (the router calls this on every `hashchange`).
pub fn mark_navigation() {
    NAVIGATED_AT.with(|n| n.set(now()));
}

/// The article page's editor shows the article: record how long since the navigation.
pub fn article_opened() {
    let (Some(start), Some(end)) = (NAVIGATED_AT.with(Cell::get), now()) else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let timings = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &timings,
        &JsValue::from_str("articleOpenMs"),
        &JsValue::from_f64(end - start),
    );
    let _ = js_sys::Reflect::set(&window, &JsValue::from_str("folioTimings"), &timings);
}
