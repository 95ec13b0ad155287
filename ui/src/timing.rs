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

/// The start page has its data on screen: tell the shell (once per window), and keep both
/// clocks' view of that moment in `window.folioTimings.start` — the page's (`readyAt`, since the
/// navigation began) and the shell's (`appReadyMs`, since its `main`) — so the benchmark can
/// split the start into the shell's part and the page's.
pub fn mark_ready() {
    if READY.with(|r| r.replace(true)) {
        return;
    }
    let ready_at = now();
    spawn_local(async move {
        let Ok(app_ready_ms) = invoke::<ipc::AppReady>(&NoArgs {}).await else {
            return;
        };
        let (Some(ready_at), Some(window)) = (ready_at, web_sys::window()) else {
            return;
        };
        let start = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&start, &"readyAt".into(), &ready_at.into());
        let _ = js_sys::Reflect::set(&start, &"appReadyMs".into(), &(app_ready_ms as f64).into());
        set_timing("start", &start, &window);
    });
}

/// `window.folioTimings[key] = value`, keeping the other figures.
fn set_timing(key: &str, value: &JsValue, window: &web_sys::Window) {
    let timings = js_sys::Reflect::get(window, &"folioTimings".into())
        .ok()
        .filter(JsValue::is_object)
        .unwrap_or_else(|| js_sys::Object::new().into());
    let _ = js_sys::Reflect::set(&timings, &key.into(), value);
    let _ = js_sys::Reflect::set(window, &"folioTimings".into(), &timings);
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
    set_timing("articleOpenMs", &JsValue::from_f64(end - start), &window);
}
